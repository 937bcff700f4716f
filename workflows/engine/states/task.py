"""The Task state: one unit of work done by the dispatch registry, with timeouts, Retry and Catch."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from workflows import json_codec
from workflows.engine.errors import (
    DefinitionError,
    StatesHeartbeatTimeout,
    StatesRuntime,
    StatesTimeout,
    TaskResultTooLarge,
    WorkflowError,
)
from workflows.engine.history import over_limit, size_cause
from workflows.engine.io import DataFlow
from workflows.engine.resources import Resource, parse_resource
from workflows.engine.states.common import WorkState, number_setting
from workflows.engine.tasks import TaskInvocation

if TYPE_CHECKING:
    from workflows.engine.scope import Scope

DEFAULT_TIMEOUT = 99999999


class TaskState(WorkState):
    type_name = "Task"

    def __init__(self, name: str, spec: dict[str, Any], query_language: str) -> None:
        super().__init__(name, spec, query_language)
        if not isinstance(spec.get("Resource"), str):
            raise DefinitionError(f"state {name!r}: a Task needs a Resource string")
        try:
            self.resource: Resource = parse_resource(spec["Resource"])
        except ValueError as exc:
            raise DefinitionError(f"state {name!r}: {exc}") from None
        if self.resource.kind == "aws-sdk" and self.resource.pattern.startswith("sync"):
            raise DefinitionError(
                f"state {name!r}: aws-sdk integrations support request-response and .waitForTaskToken only, "
                f"not .{self.resource.pattern}"
            )
        self.flow = DataFlow(
            spec,
            name,
            jsonata=self.jsonata,
            parameters_field="Parameters" if not self.jsonata else "Arguments",
            result_fields=True,
        )
        self.timeout = number_setting(self, spec, "TimeoutSeconds", DEFAULT_TIMEOUT, minimum=1)
        self.heartbeat = number_setting(self, spec, "HeartbeatSeconds", None, minimum=1)
        timeout, heartbeat = spec.get("TimeoutSeconds"), spec.get("HeartbeatSeconds")
        if type(timeout) is int and type(heartbeat) is int and heartbeat >= timeout:
            raise DefinitionError(
                f"state {name!r}: HeartbeatSeconds ({heartbeat}) must be below TimeoutSeconds"
            )
        self.lambda_events = self.resource.kind == "lambda"

    def work(
        self, scope: Scope, state_input: Any, retrying: Callable[[Callable[[], Any]], Any]
    ) -> tuple[Any, str | None]:
        timeout, heartbeat = self.timeout(scope, state_input), self.heartbeat(scope, state_input)
        step = scope.step(self.name)
        result = retrying(lambda: self.attempt(scope, state_input, timeout, heartbeat, step))
        return self.flow.finish(state_input, result, scope), self.next

    def attempt(
        self, scope: Scope, state_input: Any, timeout: float, heartbeat: float | None, step: str
    ) -> Any:
        """One try: Parameters are evaluated per attempt ($$.State.RetryCount and $$.Task.Token change)."""
        resource = self.resource
        run = scope.run
        if resource.pattern == "waitForTaskToken":
            scope.task_token = str(uuid.UUID(int=run.random.getrandbits(128), version=4))
        arguments_json, arguments = json_codec.round_trip(self.flow.effective_input(state_input, scope))
        attempt = scope.retry_count or 0
        invocation = TaskInvocation(
            state_name=self.name,
            resource=resource.arn,
            arguments=arguments,
            attempt=attempt,
            execution_arn=run.execution_arn,
            call_id=f"{run.execution_arn}|{step}.{attempt}",
            context=scope.context_object(),
            state_path=scope.prefix + self.name,
            service=resource.service,
            action=resource.action,
            integration_pattern=resource.pattern,
            task_token=scope.task_token,
            clock=scope.clock,
        )
        self._scheduled(scope, arguments_json, timeout, heartbeat)
        run.history.called(resource.arn)
        started = scope.clock.now()
        try:
            result = run.dispatcher.dispatch(resource, invocation)
            run.check_deadline(scope.clock.now())
            self._check_time(scope, invocation, started, timeout, heartbeat)
            try:
                result_json, result = json_codec.round_trip(result)
            except (TypeError, ValueError) as exc:
                raise StatesRuntime(
                    f"The local handler for '{resource.arn}' returned a value that is not JSON: {exc}"
                ) from None
            if over_limit(result_json):
                # AWS names the resource here, not the state: the function's ARN for a Lambda ARN, the
                # service ("lambda") for an integration.
                source = resource.arn if self.lambda_events else resource.resource_type
                raise TaskResultTooLarge(size_cause(source))
        except WorkflowError as error:
            self._failed(scope, error)
            raise
        self._succeeded(scope, result_json)
        return result

    def _check_time(
        self, scope: Scope, invocation: TaskInvocation, started: Any, timeout: float, heartbeat: float | None
    ) -> None:
        now = scope.clock.now()
        if (now - started).total_seconds() > timeout:
            raise StatesTimeout(None)
        if heartbeat is not None:
            last = max([started, *invocation.heartbeats])
            if (now - last).total_seconds() > heartbeat:
                raise StatesHeartbeatTimeout(None)

    # -- history, shaped per resource kind as GetExecutionHistory shows it --------------------------------
    def _scheduled(self, scope: Scope, arguments_json: str, timeout: float, heartbeat: float | None) -> None:
        resource = self.resource
        if self.lambda_events:
            scope.event(
                "LambdaFunctionScheduled",
                "lambdaFunctionScheduledEventDetails",
                {
                    "resource": resource.arn,
                    "input": arguments_json,
                    "inputDetails": {"truncated": False},
                    **({"timeoutInSeconds": timeout} if timeout != DEFAULT_TIMEOUT else {}),
                },
            )
            scope.event("LambdaFunctionStarted")
            return
        details: dict[str, Any] = {
            "resourceType": resource.resource_type,
            "resource": resource.resource_name,
            "region": scope.run.dispatcher.region,
            "parameters": arguments_json,
        }
        if timeout != DEFAULT_TIMEOUT:
            details["timeoutInSeconds"] = timeout
        if heartbeat is not None:
            details["heartbeatInSeconds"] = heartbeat
        scope.event("TaskScheduled", "taskScheduledEventDetails", details)
        scope.event(
            "TaskStarted",
            "taskStartedEventDetails",
            {"resourceType": resource.resource_type, "resource": resource.resource_name},
        )

    def _succeeded(self, scope: Scope, result_json: str) -> None:
        resource = self.resource
        if self.lambda_events:
            scope.event(
                "LambdaFunctionSucceeded",
                "lambdaFunctionSucceededEventDetails",
                {"output": result_json, "outputDetails": {"truncated": False}},
            )
            return
        scope.event(
            "TaskSucceeded",
            "taskSucceededEventDetails",
            {
                "resourceType": resource.resource_type,
                "resource": resource.resource_name,
                "output": result_json,
                "outputDetails": {"truncated": False},
            },
        )

    def _failed(self, scope: Scope, error: WorkflowError) -> None:
        timed_out = error.error == "States.Timeout"
        # A task that ran out of time has no cause, and its event then has no "cause" key.
        reason = {
            key: value for key, value in (("error", error.error), ("cause", error.cause)) if value is not None
        }
        if self.lambda_events:
            kind = "LambdaFunctionTimedOut" if timed_out else "LambdaFunctionFailed"
            key = "lambdaFunctionTimedOutEventDetails" if timed_out else "lambdaFunctionFailedEventDetails"
            scope.event(kind, key, reason)
            return
        kind = "TaskTimedOut" if timed_out else "TaskFailed"
        scope.event(
            kind,
            "taskTimedOutEventDetails" if timed_out else "taskFailedEventDetails",
            {"resourceType": self.resource.resource_type, "resource": self.resource.resource_name, **reason},
        )
