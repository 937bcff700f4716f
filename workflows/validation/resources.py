"""Checks of a Task's `Resource`: the ARN forms Step Functions accepts.

Accepted: optimized integrations `arn:aws:states:::<service>:<action>` with an optional integration
pattern (`.sync`, `.sync:2`, `.waitForTaskToken`); SDK integrations
`arn:aws:states:::aws-sdk:<service>:<action>` (optionally `.waitForTaskToken`; AWS offers no `.sync` for
them); HTTP Tasks `arn:aws:states:::http:invoke`; Lambda function ARNs; activity ARNs. A `${Name}` CDK
substitution that was not resolved is left alone: its value is only known at deploy time.
"""

from __future__ import annotations

import re
from typing import Any

from workflows.validation.problem import Findings

_PARTITION = r"arn:aws(?:-cn|-us-gov)?"
_REGION = r"[a-z]{2}(?:-[a-z]+)+-\d"
_ACCOUNT = r"\d{12}"
SDK_INTEGRATION = re.compile(
    rf"^{_PARTITION}:states:::aws-sdk:(?P<service>[a-z0-9]+):(?P<action>[a-z][A-Za-z0-9]*)"
    r"(?P<pattern>\.waitForTaskToken|\.sync(?::2)?)?$"
)
OPTIMIZED_INTEGRATION = re.compile(
    rf"^{_PARTITION}:states:::(?P<service>[a-z0-9][a-z0-9-]*):(?P<action>[A-Za-z][A-Za-z0-9]*)"
    r"(?P<pattern>\.sync(?::2)?|\.waitForTaskToken)?$"
)
LAMBDA_FUNCTION = re.compile(
    rf"^{_PARTITION}:lambda:{_REGION}:{_ACCOUNT}:function:[A-Za-z0-9_-]{{1,64}}(?::[A-Za-z0-9$_-]+)?$"
)
ACTIVITY = re.compile(rf"^{_PARTITION}:states:{_REGION}:{_ACCOUNT}:activity:[A-Za-z0-9_-]{{1,80}}$")
SUBSTITUTION = re.compile(r"\$\{([^}]+)\}")

EXPECTED_FORMS = (
    "arn:aws:states:::<service>:<action>[.sync|.sync:2|.waitForTaskToken], "
    "arn:aws:states:::aws-sdk:<service>:<action>, a Lambda function ARN or an activity ARN"
)


def check_resource(findings: Findings, state: str, at: str, resource: Any) -> None:
    if not isinstance(resource, str):
        findings.error(state, at, f"Resource must be an ARN string, got {type(resource).__name__}")
        return
    if SUBSTITUTION.search(resource):
        return
    sdk = SDK_INTEGRATION.match(resource)
    if sdk:
        if sdk["pattern"] and sdk["pattern"].startswith(".sync"):
            findings.error(
                state, at, "AWS SDK integrations do not support .sync; use .waitForTaskToken or none"
            )
        return
    if resource.startswith("arn:aws:states:::aws-sdk:"):
        findings.error(state, at, f"{resource!r} is not arn:aws:states:::aws-sdk:<service>:<camelCaseAction>")
        return
    if OPTIMIZED_INTEGRATION.match(resource) or LAMBDA_FUNCTION.match(resource) or ACTIVITY.match(resource):
        return
    findings.error(state, at, f"unknown resource {resource!r}; expected {EXPECTED_FORMS}")
