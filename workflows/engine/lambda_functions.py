"""Lambda functions registered with `execute(functions=...)`: the context they get, how a function name is
read from a FunctionName, the `lambda:invoke` response wrapping and Lambda's error payload."""

from __future__ import annotations

import json
import traceback
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any

from workflows.engine.errors import TaskFailure, WorkflowError
from workflows.engine.resources import Resource

if TYPE_CHECKING:
    from workflows.engine.tasks import TaskInvocation

LambdaFunction = Callable[[Any, Any], Any]
HANDLER_NOT_FOUND = "Local.HandlerNotFound"


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


def invoke_function(
    functions: Mapping[str, LambdaFunction],
    resource: Resource,
    invocation: TaskInvocation,
    region: str,
    account: str,
) -> Any:
    """Run a registered Lambda function for a plain function ARN (result as is) or `lambda:invoke` (result
    wrapped in the Invoke response); its failures named as Step Functions names them."""
    if resource.kind == "lambda":
        name, event = resource.function_name or "", invocation.arguments
    else:
        arguments = invocation.arguments if isinstance(invocation.arguments, dict) else {}
        # An Invoke without a Payload gives the function an empty object, as Lambda does.
        name, event = function_name(str(arguments.get("FunctionName", ""))), arguments.get("Payload", {})
    function = functions.get(name)
    if function is None:
        registered = ", ".join(sorted(functions)) or "none"
        raise TaskFailure(
            HANDLER_NOT_FOUND,
            f"No local Lambda function {name!r} for state '{invocation.state_name}': pass "
            f"functions={{'{name}': handler}} to execute() (registered: {registered}).",
        )
    request_id = str(uuid.uuid4())
    arn = f"arn:aws:lambda:{region}:{account}:function:{name}"
    try:
        payload = function(event, LambdaContext(name, request_id, arn))
    except WorkflowError:
        raise
    except Exception as exc:
        raise function_failure(exc, request_id, compact=resource.kind != "lambda") from exc
    try:
        payload = json.loads(json.dumps(payload))
    except (TypeError, ValueError) as exc:
        error = {
            "errorMessage": f"Unable to marshal response: {exc}",
            "errorType": "Runtime.MarshalError",
            "requestId": request_id,
            "stackTrace": [],
        }
        raise TaskFailure(
            "Runtime.MarshalError", _error_json(error, compact=resource.kind != "lambda")
        ) from exc
    if resource.kind == "lambda":
        return payload
    moment = invocation.clock.now() if invocation.clock is not None else datetime.now(UTC)
    return lambda_invoke_response(payload, request_id, moment)


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


def function_failure(exc: Exception, request_id: str, *, compact: bool = False) -> TaskFailure:
    """A Lambda function that raised: error = its errorType, cause = the Lambda error payload as JSON."""
    error_type = type(exc).__name__
    frames = traceback.extract_tb(exc.__traceback__)[1:]  # drop the dispatcher's own frame
    cause = {
        "errorMessage": str(exc),
        "errorType": error_type,
        "requestId": request_id,
        "stackTrace": [line for line in traceback.format_list(frames)],
    }
    return TaskFailure(error_type, _error_json(cause, compact=compact))


def _error_json(error: dict[str, Any], *, compact: bool) -> str:
    """The Python runtime writes the error with json.dumps defaults (", " and ": " separators), which a
    plain Lambda ARN passes on as is; `lambda:invoke` re-serialises it without spaces (recorded AWS
    executions: LocalStack's AWS-validated snapshots v2/error_handling/test_task_lambda.snapshot.json and
    test_task_service_lambda.snapshot.json, test_raise_exception_catch)."""
    return json.dumps(error, separators=(",", ":")) if compact else json.dumps(error)
