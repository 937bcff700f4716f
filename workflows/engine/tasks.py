"""The task dispatch registry: from a Task's Resource to the local code that does the work.

Order of look-up for every attempt: the interceptor (mocks), then a handler registered for the exact
resource, then the longest matching prefix key (`"arn:aws:states:::aws-sdk:comprehend:*"`), then, for
Lambda resources, a function registered by name. A resource with nothing registered fails the task with
`Local.HandlerNotFound`, which `States.ALL` and `States.TaskFailed` catch like any task error.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from workflows.engine.clock import Clock
from workflows.engine.errors import TaskFailure, WorkflowError
from workflows.engine.lambda_functions import HANDLER_NOT_FOUND, LambdaFunction, invoke_function
from workflows.engine.resources import SDK_V1_CLIENT_NAMES, Resource

NOT_INTERCEPTED: Final = type("NotIntercepted", (), {"__repr__": lambda self: "NOT_INTERCEPTED"})()

PUT_EVENTS: Final = "arn:aws:states:::events:putEvents"


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
    # This attempt's identity in the execution: its ARN, the state's place and visit, the attempt. The
    # same in a run of the same execution that takes the same path, and in no other call.
    call_id: str | None = None
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
Interceptor = Callable[[TaskInvocation], Any]


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
            return invoke_function(self.functions, resource, invocation, self.region, self.account)
        lambda_hint = ", or functions={name: fn} for Lambda" if resource.service == "lambda" else ""
        raise TaskFailure(
            HANDLER_NOT_FOUND,
            f"No local handler for resource '{resource.arn}' (state '{invocation.state_name}'): pass "
            f"handlers={{'{resource.arn}': fn}} (or a prefix key ending in '*'{lambda_hint}) to execute().",
        )


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
