"""Tasks without a mocked response call the real service, at the endpoint its environment variable names
(`LAMBDA_ENDPOINT`, `SQS_ENDPOINT`, …), as Step Functions Local does; `.waitForTaskToken` tasks then wait
for SendTaskSuccess or SendTaskFailure, and `http:invoke` tasks call their ApiEndpoint.

Step Functions Local does not sign these calls with the client's credentials; boto3 calls use the
environment's credentials, or placeholders when there are none.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from integrations.stepfunctions.api import lambda_http
from integrations.stepfunctions.api.activities import Activities, ActivityTask
from integrations.stepfunctions.api.callbacks import TaskTokens
from integrations.stepfunctions.api.config import ServerConfig, endpoint_variable
from integrations.stepfunctions.api.errors import ApiError
from integrations.stepfunctions.api.http_task import call_http_endpoint
from workflows.engine import HANDLER_NOT_FOUND, TaskFailure, TaskInvocation
from workflows.engine.lambda_functions import function_name, lambda_invoke_response
from workflows.engine.resources import Resource, parse_resource

# Resource service names (optimised and aws-sdk) whose boto3 client is named otherwise.
BOTO3_NAMES: Mapping[str, str] = {
    "sfn": "stepfunctions",
    "states": "stepfunctions",
    "eventbridge": "events",
    "cloudwatchlogs": "logs",
    "lexruntimev2": "lexv2-runtime",
    "lexmodelsv2": "lexv2-models",
    "bedrockruntime": "bedrock-runtime",
}
# Optimised integrations accept a JSON object where the API wants a string, and serialise it.
_JSON_STRING_FIELDS: Mapping[str, tuple[str, ...]] = {
    "sqs": ("MessageBody",),
    "sns": ("Message",),
    "states": ("Input",),
}


@dataclass(frozen=True)
class StateLimits:
    """A Task's TimeoutSeconds and HeartbeatSeconds, which bound how long it waits for a callback."""

    timeout: float | None = None
    heartbeat: float | None = None


class RealServices:
    """The engine handler (`handlers={"*": ...}`) for every Task the test case does not mock."""

    def __init__(
        self,
        config: ServerConfig,
        tokens: TaskTokens,
        limits: Mapping[str, StateLimits],
        stopped: threading.Event,
        activities: Activities,
    ) -> None:
        self.config = config
        self.tokens = tokens
        self.limits = limits
        self.stopped = stopped
        self.activities = activities

    def __call__(self, arguments: Any, invocation: TaskInvocation) -> Any:
        resource = parse_resource(invocation.resource)
        if resource.kind == "activity":
            return self._activity(arguments, invocation)
        waits = resource.pattern == "waitForTaskToken"
        endpoint = self.config.endpoint(resource.service)
        if endpoint is None and resource.service != "http":
            if not waits:
                raise TaskFailure(
                    HANDLER_NOT_FOUND,
                    f"State '{invocation.state_name}' has no mocked response in this test case and "
                    f"{endpoint_variable(resource.service)} is not set: mock it in SFN_MOCK_CONFIG or set "
                    f"{endpoint_variable(resource.service)} to the service's endpoint.",
                )
        else:
            result = self._call(resource, arguments, endpoint)
            if not waits:
                return result
        limits = self.limits.get(invocation.state_name, StateLimits())
        return self.tokens.wait(invocation, limits.timeout, limits.heartbeat, self.stopped)

    def _activity(self, arguments: Any, invocation: TaskInvocation) -> Any:
        """Queue the task for the activity's workers, then wait for their SendTaskSuccess or Failure."""
        try:
            activity = self.activities.get(invocation.resource)
        except ApiError as error:
            raise TaskFailure("States.Runtime", error.message) from None
        token = str(uuid.uuid4())
        activity.tasks.put(ActivityTask(token, json.dumps(arguments, separators=(",", ":"))))
        limits = self.limits.get(invocation.state_name, StateLimits())
        return self.tokens.wait(invocation, limits.timeout, limits.heartbeat, self.stopped, token=token)

    def _call(self, resource: Resource, arguments: Any, endpoint: str | None) -> Any:
        kind, service = resource.kind, resource.service
        if service == "http" and kind == "optimised":
            return call_http_endpoint(arguments)
        if service == "lambda" and kind in ("lambda", "optimised") and endpoint is not None:
            return self._lambda(resource, arguments, endpoint)
        return _sdk_call(
            service, resource.action, _sdk_arguments(kind, service, arguments), endpoint, self.config
        )

    def _lambda(self, resource: Resource, arguments: Any, endpoint: str) -> Any:
        if (
            resource.kind == "lambda"
        ):  # a plain function ARN: the state's input is the payload, the result as is
            return lambda_http.invoke(endpoint, resource.function_name or "", arguments).payload
        arguments = arguments if isinstance(arguments, dict) else {}
        name_or_arn = str(arguments.get("FunctionName", ""))
        answer = lambda_http.invoke(
            endpoint, function_name(name_or_arn), arguments.get("Payload", {}), arguments.get("Qualifier")
        )
        return lambda_invoke_response(
            answer.payload, answer.request_id or str(uuid.uuid4()), datetime.now(UTC)
        )


def _sdk_arguments(kind: str, service: str, arguments: Any) -> dict[str, Any]:
    arguments = dict(arguments) if isinstance(arguments, dict) else {}
    if kind == "optimised":
        for name in _JSON_STRING_FIELDS.get(service, ()):
            if name in arguments and not isinstance(arguments[name], str):
                arguments[name] = json.dumps(arguments[name])
        if service == "events":
            arguments["Entries"] = [
                {**entry, "Detail": json.dumps(entry["Detail"])}
                if isinstance(entry, dict) and not isinstance(entry.get("Detail", ""), str)
                else entry
                for entry in arguments.get("Entries", [])
            ]
    return arguments


def _sdk_call(
    service: str, action: str, arguments: dict[str, Any], endpoint: str | None, config: ServerConfig
) -> Any:
    from botocore import xform_name

    client = _client(BOTO3_NAMES.get(service, service), endpoint, config.region, _credentials(config))
    method = getattr(client, xform_name(action), None)
    if method is None:
        raise TaskFailure("States.Runtime", f"The {service} API has no action {action!r}")
    response = method(**arguments)
    response.pop("ResponseMetadata", None)
    return json.loads(json.dumps(response, default=_json_default))


def _credentials(config: ServerConfig) -> tuple[str, str]:
    env = config.environment
    return env.get("AWS_ACCESS_KEY_ID") or "local", env.get("AWS_SECRET_ACCESS_KEY") or "local"


@cache
def _client(service: str, endpoint: str | None, region: str, credentials: tuple[str, str]) -> Any:
    import boto3

    session: Any = boto3.session.Session()  # the service name is only known at run time
    return session.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=credentials[0],
        aws_secret_access_key=credentials[1],
    )


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return value.decode("utf-8", errors="replace")
    if hasattr(value, "read"):  # a streaming body (Lambda's Invoke through aws-sdk, S3 GetObject)
        return value.read().decode("utf-8", errors="replace")
    return str(value)
