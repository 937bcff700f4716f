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
from typing import Any

from integrations.stepfunctions.api import lambda_http
from integrations.stepfunctions.api.activities import Activities, ActivityTask
from integrations.stepfunctions.api.callbacks import TaskTokens
from integrations.stepfunctions.api.config import ServerConfig, endpoint_variable
from integrations.stepfunctions.api.errors import ApiError
from integrations.stepfunctions.api.http_task import call_http_endpoint
from integrations.stepfunctions.api.sdk_calls import child_outcome, sdk_call
from workflows.engine import HANDLER_NOT_FOUND, TaskFailure, TaskInvocation
from workflows.engine.lambda_functions import function_name, lambda_invoke_response
from workflows.engine.resources import Resource, parse_resource


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
        *,
        activities: Activities,
        own_url: str | None = None,
    ) -> None:
        self.config = config
        self.tokens = tokens
        self.limits = limits
        self.stopped = stopped
        self.activities = activities
        # Step Functions' own API, for states:startExecution and aws-sdk:sfn tasks with no
        # STEP_FUNCTIONS_ENDPOINT: this server, so nested executions run here.
        self.own_url = own_url

    def __call__(self, arguments: Any, invocation: TaskInvocation) -> Any:
        resource = parse_resource(invocation.resource)
        if resource.kind == "activity":
            return self._activity(arguments, invocation)
        waits = resource.pattern == "waitForTaskToken"
        endpoint = self.config.endpoint(resource.service)
        if endpoint is None and resource.service in ("states", "sfn"):
            endpoint = self.own_url
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
        result = sdk_call(resource, arguments, endpoint, self.config)
        if (
            service == "states"
            and resource.action == "startExecution"
            and resource.pattern.startswith("sync")
        ):
            return child_outcome(result, resource.pattern, endpoint, self.config, self.stopped)
        return result

    def _lambda(self, resource: Resource, arguments: Any, endpoint: str) -> Any:
        if resource.kind == "lambda":
            # A plain function ARN: the state's input is the payload, and the result is the function's.
            return lambda_http.invoke(endpoint, resource.function_name or "", arguments).payload
        arguments = arguments if isinstance(arguments, dict) else {}
        answer = lambda_http.invoke(
            endpoint,
            function_name(str(arguments.get("FunctionName", ""))),
            arguments.get("Payload", {}),
            arguments.get("Qualifier"),
            str(arguments.get("InvocationType") or "RequestResponse"),
        )
        response = lambda_invoke_response(
            answer.payload, answer.request_id or str(uuid.uuid4()), datetime.now(UTC)
        )
        # An Event (asynchronous) invocation is accepted with 202, a DryRun with 204.
        response["StatusCode"] = response["SdkHttpMetadata"]["HttpStatusCode"] = answer.status
        response["ExecutedVersion"] = answer.executed_version
        return response
