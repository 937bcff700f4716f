"""What a Task state calls, named as a reader knows it: "Comprehend DetectSentiment", "λ PostTweet"."""

from __future__ import annotations

import re
from typing import Any

# Service part of an integration ARN -> the name AWS's console shows.
SERVICE_NAMES = {
    "athena": "Athena",
    "comprehend": "Comprehend",
    "dynamodb": "DynamoDB",
    "events": "EventBridge",
    "firehose": "Data Firehose",
    "glue": "Glue",
    "kinesis": "Kinesis",
    "lambda": "Lambda",
    "lexruntimev2": "Lex V2",
    "rekognition": "Rekognition",
    "s3": "S3",
    "secretsmanager": "Secrets Manager",
    "sns": "SNS",
    "sqs": "SQS",
    "states": "Step Functions",
}
# Integration patterns change what a Task waits for, which a reviewer should see.
_PATTERNS = {".sync": " (waits for completion)", ".waitForTaskToken": " (waits for a callback)"}
_FUNCTION_ARN = re.compile(r"^arn:aws:lambda:[^:]*:[^:]*:function:([^:]+)")


def is_lambda(state: dict[str, Any]) -> bool:
    resource = str(state.get("Resource", ""))
    return resource.startswith("arn:aws:states:::lambda:invoke") or bool(_FUNCTION_ARN.match(resource))


def describe_task(state: dict[str, Any], functions: dict[str, str] | None = None) -> str:
    """The service and action of a Task, or "λ <function>" for a Lambda task.

    `functions` maps a `${Substitution}` to the function's logical name (from the topology).
    """
    resource = str(state.get("Resource", ""))
    if is_lambda(state):
        return f"λ {function_name(state, functions or {})}"
    suffix = ""
    for pattern, words in _PATTERNS.items():
        if resource.endswith(pattern):
            resource, suffix = resource[: -len(pattern)], words
    if resource.startswith("arn:aws:states:::"):
        parts = resource[len("arn:aws:states:::") :].split(":")
        if parts[0] == "aws-sdk" and len(parts) >= 3:
            parts = parts[1:]
        if len(parts) >= 2:
            service = SERVICE_NAMES.get(parts[0], parts[0])
            return f"{service} {_action(parts[1])}{suffix}"
    if resource.startswith("arn:aws:states:") and ":activity:" in resource:
        return f"Activity {resource.rsplit(':', 1)[-1]}"
    return resource or "Task"


def function_name(state: dict[str, Any], functions: dict[str, str]) -> str:
    resource = str(state.get("Resource", ""))
    match = _FUNCTION_ARN.match(resource)
    if match:
        return match.group(1)
    arguments = state.get("Parameters") or state.get("Arguments") or {}
    name = str(arguments.get("FunctionName") or arguments.get("FunctionName.$") or "?")
    substitution = re.fullmatch(r"\$\{(\w+)\}", name)
    if substitution:
        key = substitution.group(1)
        return functions.get(key) or re.sub(r"(FunctionArn|FunctionName|Arn)$", "", key)
    match = _FUNCTION_ARN.match(name)
    return match.group(1) if match else name


def _action(action: str) -> str:
    """SDK actions are camelCase in ARNs and PascalCase in the API reference."""
    return action[:1].upper() + action[1:]
