"""The task dispatch registry: from a Task's Resource to the local code that does the work.

Order of look-up for every attempt: the interceptor (mocks), then a handler registered for the exact
resource, then the longest matching prefix key (`"arn:aws:states:::aws-sdk:comprehend:*"`), then, for
Lambda resources, a function registered by name. A resource with nothing registered fails the task with
`Local.HandlerNotFound`, which `States.ALL` and `States.TaskFailed` catch like any task error.
"""

from __future__ import annotations

import json
import traceback
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any, Final

from workflows.engine.clock import Clock
from workflows.engine.errors import TaskFailure, WorkflowError

HANDLER_NOT_FOUND: Final = "Local.HandlerNotFound"
NOT_INTERCEPTED: Final = type("NotIntercepted", (), {"__repr__": lambda self: "NOT_INTERCEPTED"})()

# Step Functions names aws-sdk errors after the service's AWS SDK for Java v2 client (S3Exception,
# DynamoDbException, ...): the prefix is the service's name as that SDK spells it.
SDK_SERVICE_NAMES: Final = {
    "comprehend": "Comprehend",
    "rekognition": "Rekognition",
    "lexruntimev2": "LexRuntimeV2",
    "lexmodelsv2": "LexModelsV2",
    "s3": "S3",
    "dynamodb": "DynamoDb",
    "eventbridge": "EventBridge",
    "sns": "Sns",
    "sqs": "Sqs",
    "sfn": "Sfn",
    "lambda": "Lambda",
    "secretsmanager": "SecretsManager",
    "firehose": "Firehose",
    "kinesis": "Kinesis",
    "athena": "Athena",
    "glue": "Glue",
    "ssm": "Ssm",
    "cloudwatch": "CloudWatch",
    "cloudwatchlogs": "CloudWatchLogs",
    "ec2": "Ec2",
    "iam": "Iam",
    "sts": "Sts",
    "kms": "Kms",
    "ecs": "Ecs",
    "translate": "Translate",
    "textract": "Textract",
    "polly": "Polly",
    "bedrockruntime": "BedrockRuntime",
    "apigateway": "ApiGateway",
}
# Optimised integrations use the service's product name instead.
OPTIMISED_SERVICE_NAMES: Final = {
    "lambda": "Lambda",
    "dynamodb": "DynamoDB",
    "sns": "SNS",
    "sqs": "SQS",
    "events": "EventBridge",
    "states": "StepFunctions",
    "s3": "S3",
    "ecs": "ECS",
    "batch": "Batch",
    "glue": "Glue",
    "athena": "Athena",
    "sagemaker": "SageMaker",
    "codebuild": "CodeBuild",
    "eks": "EKS",
    "apigateway": "ApiGateway",
    "bedrock": "Bedrock",
    "http": "Http",
    "emr": "EMR",
}
# Optimised integrations call through the AWS SDK for Java v1, whose messages name the client this way.
SDK_V1_CLIENT_NAMES: Final = {
    "lambda": "AWSLambda",
    "dynamodb": "AmazonDynamoDBv2",
    "sns": "AmazonSNS",
    "sqs": "AmazonSQS",
    "states": "AWSStepFunctions",
    "events": "AmazonCloudWatchEvents",
    "batch": "AWSBatch",
    "glue": "AWSGlue",
    "ecs": "AmazonECS",
    "s3": "Amazon S3",
    "athena": "AmazonAthena",
    "codebuild": "AWSCodeBuild",
}
PATTERNS: Final = ("waitForTaskToken", "sync:2", "sync")
PUT_EVENTS: Final = "arn:aws:states:::events:putEvents"


@dataclass(frozen=True, slots=True)
class Resource:
    """A Task's Resource ARN, taken apart the way the history and error names need it."""

    arn: str
    kind: str  # "lambda" (plain function ARN), "aws-sdk", "optimised" or "activity"
    service: str
    action: str
    pattern: str  # "" (request-response), "sync", "sync:2" or "waitForTaskToken"
    function_name: str | None = None

    @property
    def resource_type(self) -> str:
        """`resourceType` in task history events: "lambda", "aws-sdk:comprehend", "events", ..."""
        return f"aws-sdk:{self.service}" if self.kind == "aws-sdk" else self.service

    @property
    def resource_name(self) -> str:
        """`resource` in task history events: the action with its pattern suffix."""
        return f"{self.action}.{self.pattern}" if self.pattern else self.action

    def error_prefix(self) -> str:
        if self.kind == "aws-sdk":
            return SDK_SERVICE_NAMES.get(self.service, self.service[:1].upper() + self.service[1:])
        return OPTIMISED_SERVICE_NAMES.get(self.service, self.service[:1].upper() + self.service[1:])


def parse_resource(arn: str) -> Resource:
    """Take a Resource apart; ValueError with a one-line reason when it is not one Step Functions knows."""
    parts = arn.split(":")
    if len(parts) >= 7 and parts[:3] == ["arn", "aws", "lambda"] and parts[5] == "function":
        return Resource(arn, "lambda", "lambda", "invoke", "", parts[6])
    if len(parts) >= 7 and parts[:3] == ["arn", "aws", "states"] and parts[5] == "activity":
        return Resource(arn, "activity", "activity", parts[6], "")
    if len(parts) >= 6 and parts[:3] == ["arn", "aws", "states"] and parts[3] == parts[4] == "":
        if parts[5] == "aws-sdk" and len(parts) >= 8:
            action, pattern = _split_pattern(":".join(parts[7:]))
            return Resource(arn, "aws-sdk", parts[6], action, pattern)
        if len(parts) >= 7:
            action, pattern = _split_pattern(":".join(parts[6:]))
            return Resource(arn, "optimised", parts[5], action, pattern)
    raise ValueError(
        f"unsupported Resource {arn!r}: expected arn:aws:states:::<service>:<action>, "
        "arn:aws:states:::aws-sdk:<service>:<action> or arn:aws:lambda:<region>:<account>:function:<name>"
    )


def _split_pattern(action: str) -> tuple[str, str]:
    for pattern in PATTERNS:
        if action.endswith("." + pattern):
            return action[: -len(pattern) - 1], pattern
    return action, ""


@dataclass(slots=True)
class TaskInvocation:
    """What a handler or interceptor learns about one attempt of a Task state."""

    state_name: str
    resource: str
    arguments: Any
    attempt: int  # 0 for the first attempt, then the retry count
    execution_arn: str
    context: dict[str, Any]
    state_path: str = ""  # "Outer/Inner" inside Parallel and Map states
    service: str = ""
    action: str = ""
    integration_pattern: str = ""
    task_token: str | None = None
    clock: Clock | None = None  # a handler may `clock.sleep(...)` to model its duration
    heartbeats: list[Any] = field(default_factory=list)

    def heartbeat(self) -> None:
        """What SendTaskHeartbeat does: restart the HeartbeatSeconds timer."""
        if self.clock is not None:
            self.heartbeats.append(self.clock.now())


Handler = Callable[[Any, TaskInvocation], Any]
LambdaFunction = Callable[[Any, Any], Any]
Interceptor = Callable[[TaskInvocation], Any]


@dataclass(slots=True)
class LambdaContext:
    """The `context` a Lambda handler receives, with the members handlers commonly read."""

    function_name: str
    aws_request_id: str
    invoked_function_arn: str
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 128
    log_group_name: str = ""
    log_stream_name: str = ""

    def get_remaining_time_in_millis(self) -> int:
        return 900_000


class Dispatcher:
    def __init__(
        self,
        handlers: Mapping[str, Handler] | None,
        functions: Mapping[str, LambdaFunction] | None,
        interceptor: Interceptor | None,
        region: str,
        account: str,
    ) -> None:
        handlers = dict(handlers or {})
        self.exact = {key: value for key, value in handlers.items() if not key.endswith("*")}
        self.prefixes = sorted(
            ((key[:-1], value) for key, value in handlers.items() if key.endswith("*")),
            key=lambda item: -len(item[0]),
        )
        self.functions = dict(functions or {})
        self.interceptor = interceptor
        self.region = region
        self.account = account

    def dispatch(self, resource: Resource, invocation: TaskInvocation) -> Any:
        """The task's raw result, or a WorkflowError named as Step Functions would name it."""
        try:
            if self.interceptor is not None:
                result = self.interceptor(invocation)
                if result is not NOT_INTERCEPTED:
                    return result
            handler = self.exact.get(resource.arn) or next(
                (value for prefix, value in self.prefixes if resource.arn.startswith(prefix)), None
            )
            if handler is not None:
                return _checked_result(resource, handler(invocation.arguments, invocation))
        except WorkflowError:
            raise
        except Exception as exc:
            raise service_failure(exc, resource) from exc
        if resource.service == "lambda" and resource.kind != "aws-sdk":
            return self.invoke_function(resource, invocation)
        lambda_hint = ", or functions={name: fn} for Lambda" if resource.service == "lambda" else ""
        raise TaskFailure(
            HANDLER_NOT_FOUND,
            f"No local handler for resource '{resource.arn}' (state '{invocation.state_name}'): pass "
            f"handlers={{'{resource.arn}': fn}} (or a prefix key ending in '*'{lambda_hint}) to execute().",
        )

    def invoke_function(self, resource: Resource, invocation: TaskInvocation) -> Any:
        if resource.kind == "lambda":
            name, event = resource.function_name or "", invocation.arguments
        else:
            arguments = invocation.arguments if isinstance(invocation.arguments, dict) else {}
            # An Invoke without a Payload gives the function an empty object, as Lambda does.
            name, event = function_name(str(arguments.get("FunctionName", ""))), arguments.get("Payload", {})
        function = self.functions.get(name)
        if function is None:
            registered = ", ".join(sorted(self.functions)) or "none"
            raise TaskFailure(
                HANDLER_NOT_FOUND,
                f"No local Lambda function {name!r} for state '{invocation.state_name}': pass "
                f"functions={{'{name}': handler}} to execute() (registered: {registered}).",
            )
        request_id = str(uuid.uuid4())
        arn = f"arn:aws:lambda:{self.region}:{self.account}:function:{name}"
        try:
            payload = function(event, LambdaContext(name, request_id, arn))
        except WorkflowError:
            raise
        except Exception as exc:
            raise function_failure(exc, request_id) from exc
        try:
            payload = json.loads(json.dumps(payload))
        except (TypeError, ValueError) as exc:
            raise TaskFailure(
                "Runtime.MarshalError",
                json.dumps(
                    {
                        "errorMessage": f"Unable to marshal response: {exc}",
                        "errorType": "Runtime.MarshalError",
                        "requestId": request_id,
                        "stackTrace": [],
                    }
                ),
            ) from exc
        if resource.kind == "lambda":
            return payload
        moment = invocation.clock.now() if invocation.clock is not None else datetime.now(UTC)
        return lambda_invoke_response(payload, request_id, moment)


def _checked_result(resource: Resource, result: Any) -> Any:
    """Results Step Functions itself turns into failures (documented per integration)."""
    if (
        resource.arn.startswith(PUT_EVENTS)
        and isinstance(result, dict)
        and result.get("FailedEntryCount", 0) > 0
    ):
        # connect-eventbridge.html: a PutEvents response with failed entries fails the task.
        raise TaskFailure("EventBridge.FailedEntry", json.dumps(result, separators=(",", ":")))
    return result


def function_name(value: str) -> str:
    """The function's name from a name, `name:alias`, a partial ARN or a full ARN (qualifier dropped)."""
    parts = value.split(":")
    if "function" in parts:
        return parts[parts.index("function") + 1]
    return parts[0]


def lambda_invoke_response(payload: Any, request_id: str, moment: datetime) -> dict[str, Any]:
    """The `lambda:invoke` result as Step Functions returns it: the Invoke response with the HTTP headers
    Lambda sends, in the order recorded AWS responses show them."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    trace = f"root=1-{int(moment.timestamp()):08x}-{uuid.uuid4().hex[:24]};sampled=0"
    headers = {
        "X-Amz-Executed-Version": "$LATEST",
        "x-amzn-Remapped-Content-Length": "0",
        "Connection": "keep-alive",
        "x-amzn-RequestId": request_id,
        "Content-Length": str(len(body)),
        "Date": format_datetime(moment.astimezone(UTC), usegmt=True),
        "X-Amzn-Trace-Id": trace,
        "Content-Type": "application/json",
    }
    return {
        "ExecutedVersion": "$LATEST",
        "Payload": payload,
        "SdkHttpMetadata": {
            "AllHttpHeaders": {key: [value] for key, value in headers.items()},
            # The SDK keeps HttpHeaders in a case-insensitive sorted map.
            "HttpHeaders": dict(sorted(headers.items(), key=lambda item: item[0].lower())),
            "HttpStatusCode": 200,
        },
        "SdkResponseMetadata": {"RequestId": request_id},
        "StatusCode": 200,
    }


def function_failure(exc: Exception, request_id: str) -> TaskFailure:
    """A Lambda function that raised: error = its errorType, cause = the Lambda error payload as JSON."""
    error_type = type(exc).__name__
    frames = traceback.extract_tb(exc.__traceback__)[1:]  # drop the dispatcher's own frame
    cause = {
        "errorMessage": str(exc),
        "errorType": error_type,
        "requestId": request_id,
        "stackTrace": [line for line in traceback.format_list(frames)],
    }
    # The Python runtime serializes the error with json.dumps defaults (", " and ": " separators).
    return TaskFailure(error_type, json.dumps(cause))


def service_failure(exc: Exception, resource: Resource) -> WorkflowError:
    """A handler's exception as a Step Functions error.

    Service errors are named after the SDK exception class Step Functions sees: `<Service>.<Code>`, with
    "Exception" appended when the code lacks it (`S3.NoSuchKeyException`). The cause is the SDK's
    exception message: SDK v2 style for aws-sdk integrations, SDK v1 style for optimised ones.
    """
    code, message, status = _service_error_fields(exc)
    if code is None:
        return TaskFailure(type(exc).__name__, str(exc))
    service = resource.error_prefix()
    name = code if code.endswith("Exception") else f"{code}Exception"
    request_id = uuid.uuid4()
    if resource.kind == "aws-sdk":
        cause = f"{message} (Service: {service}, Status Code: {status}, Request ID: {request_id})"
    else:
        client = SDK_V1_CLIENT_NAMES.get(resource.service, f"Amazon{service}")
        cause = (
            f"{message} (Service: {client}; Status Code: {status}; Error Code: {code}; "
            f"Request ID: {request_id}; Proxy: null)"
        )
    return TaskFailure(f"{service}.{name}", cause)


def _service_error_fields(exc: Exception) -> tuple[str | None, str, int]:
    code = getattr(exc, "code", None)
    if isinstance(code, str) and code:
        return code, str(getattr(exc, "message", exc)), int(getattr(exc, "status_code", 400))
    response = getattr(exc, "response", None)  # botocore's ClientError, without importing botocore
    if isinstance(response, dict) and isinstance(response.get("Error"), dict):
        error = response["Error"]
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode", 400)
        return str(error.get("Code", "Unknown")), str(error.get("Message", "")), int(status)
    return None, "", 400
