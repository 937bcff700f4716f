"""`execute()`: run a definition to completion and return the `Execution` with its history and counters."""

from __future__ import annotations

import json
import random
import re
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from workflows import json_codec
from workflows.engine.clock import Clock, ManualClock
from workflows.engine.errors import DefinitionError, ExecutionTimedOut, WorkflowError
from workflows.engine.history import (
    EVENT_LIMIT,
    EXPRESS_EVENT_LIMIT,
    History,
    HistoryLimitExceeded,
    over_limit,
    to_json,
)
from workflows.engine.lambda_functions import LambdaFunction
from workflows.engine.machine import Branch
from workflows.engine.resources import parse_resource
from workflows.engine.scope import Run, Scope
from workflows.engine.states.base import JSONPATH
from workflows.engine.substitutions import apply_substitutions
from workflows.engine.tasks import Dispatcher, Handler, Interceptor
from workflows.validation.walk import walk_states

_EXECUTION_NAME = re.compile(r"[^\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f]{1,80}")
DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"
EXPRESS_MAX_SECONDS = 300  # an Express execution runs for at most five minutes
DEFAULT_MAX_CONCURRENCY = 40  # threads for branches and iterations under a real clock


@dataclass(slots=True)
class Execution:
    """The outcome of one execution, with the history GetExecutionHistory would show."""

    name: str
    arn: str
    state_machine_arn: str
    status: str  # SUCCEEDED | FAILED | TIMED_OUT | ABORTED
    input: Any
    output: Any
    error: str | None
    cause: str | None
    start_date: datetime
    stop_date: datetime
    history: list[dict[str, Any]]
    transitions: int
    resource_calls: Counter[str]
    states_visited: list[str]
    variables: dict[str, Any] = field(default_factory=dict)

    @property
    def duration(self) -> float:
        """Seconds from start to stop on the execution's clock."""
        return (self.stop_date - self.start_date).total_seconds()

    @property
    def output_json(self) -> str | None:
        return None if self.status != "SUCCEEDED" else to_json(self.output)


@lru_cache(maxsize=256)
def _compile(text: str) -> Branch:
    try:
        definition = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DefinitionError(f"the definition is not valid JSON: {exc}") from None
    if not isinstance(definition, dict):
        raise DefinitionError("the definition must be a JSON object with StartAt and States")
    language = definition.get("QueryLanguage", JSONPATH)
    if language not in ("JSONPath", "JSONata"):
        raise DefinitionError(f"QueryLanguage must be JSONPath or JSONata, got {language!r}")
    return Branch(definition, language)


def compile_definition(
    definition: dict[str, Any] | str, substitutions: Mapping[str, str] | None = None
) -> Branch:
    """The compiled definition (cached by its text, so repeated executions compile once)."""
    text = definition if isinstance(definition, str) else json.dumps(definition)
    return _compile(apply_substitutions(text, substitutions or {}))


def execute(
    definition: dict[str, Any] | str,
    input: Any = None,
    *,
    handlers: Mapping[str, Handler] | None = None,
    functions: Mapping[str, LambdaFunction] | None = None,
    interceptor: Interceptor | None = None,
    name: str | None = None,
    clock: Clock | None = None,
    state_machine_type: str = "STANDARD",
    state_machine_arn: str | None = None,
    role_arn: str | None = None,
    substitutions: Mapping[str, str] | None = None,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    seed: int | None = None,
    history: History | None = None,
    execution_arn: str | None = None,
) -> Execution:
    """Run `definition` on `input` to completion; raises DefinitionError if it cannot run at all.

    `history` lets a caller that serves GetExecutionHistory read the events while the execution runs.
    `execution_arn` is the ARN a service gave the execution when it started it (`$$.Execution.Id` is that
    ARN, as on AWS); a run again of the same execution passes the same one. Made up from `name` if None."""
    if state_machine_type not in ("STANDARD", "EXPRESS"):
        raise ValueError(f"state_machine_type must be 'STANDARD' or 'EXPRESS', got {state_machine_type!r}")
    machine = compile_definition(definition, substitutions)
    if state_machine_type == "EXPRESS":
        _check_express(machine)
    state_input = {} if input is None else input
    try:
        # The execution owns its own copy, as after StartExecution.
        input_json, state_input = json_codec.round_trip(state_input)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"the execution input must be JSON (dicts, lists, str, numbers, bools, None): {exc}"
        ) from None
    clock = clock or ManualClock()
    region, account, machine_name = _identity(state_machine_arn)
    machine_arn = state_machine_arn or f"arn:aws:states:{region}:{account}:stateMachine:{machine_name}"
    execution_name = str(uuid.uuid4()) if name is None else name
    if not _EXECUTION_NAME.fullmatch(execution_name):
        raise ValueError(
            f"execution name {execution_name!r} must be 1-80 characters without whitespace, control "
            'characters or any of <>{}[]?*"#%\\^|~`$&,;:/'
        )
    if execution_arn is None and state_machine_type == "EXPRESS":
        execution_arn = (
            f"arn:aws:states:{region}:{account}:express:{machine_name}:{execution_name}:{uuid.uuid4()}"
        )
    elif execution_arn is None:
        execution_arn = f"arn:aws:states:{region}:{account}:execution:{machine_name}:{execution_name}"
    started = clock.now()
    timeout = machine.timeout_seconds
    if state_machine_type == "EXPRESS":
        timeout = min(timeout or EXPRESS_MAX_SECONDS, EXPRESS_MAX_SECONDS)
    history = history or History(EXPRESS_EVENT_LIMIT if state_machine_type == "EXPRESS" else EVENT_LIMIT)
    run = Run(
        execution_arn=execution_arn,
        name=execution_name,
        state_machine_arn=machine_arn,
        state_machine_name=machine_name,
        role_arn=role_arn or f"arn:aws:iam::{account}:role/StepFunctionsRole",
        input=state_input,
        start_time=started,
        state_machine_type=state_machine_type,
        history=history,
        random=random.Random(seed),
        dispatcher=Dispatcher(handlers, functions, interceptor, region, account),
        deadline=started + timedelta(seconds=timeout) if timeout else None,
        max_concurrency=max_concurrency,
    )
    scope = Scope(run, clock, {})
    scope.event(
        "ExecutionStarted",
        "executionStartedEventDetails",
        {
            "input": input_json,
            "inputDetails": {"truncated": False},
            "roleArn": run.role_arn,
        },
    )
    scope.last_event = 0  # AWS links the first state's entered event to no event (0), not ExecutionStarted
    status, output, error, cause = _drive(machine, scope, input_json)
    return Execution(
        name=execution_name,
        arn=execution_arn,
        state_machine_arn=machine_arn,
        status=status,
        input=state_input,
        output=output,
        error=error,
        cause=cause,
        start_date=started,
        stop_date=clock.now(),
        history=history.events,
        transitions=history.transitions,
        resource_calls=history.resource_calls,
        states_visited=history.states_visited,
        variables=scope.variables,
    )


def _drive(machine: Branch, scope: Scope, input_json: str) -> tuple[str, Any, str | None, str | None]:
    """Run the machine from its start; the execution's status, output, error and cause."""
    run, clock = scope.run, scope.clock
    status, output, error, cause = "SUCCEEDED", None, None, None
    try:
        if over_limit(input_json):
            raise WorkflowError("The execution input exceeds the 256 KiB limit.", "States.DataLimitExceeded")
        # The caller gets its own copy: outputs may share objects with the cached compiled definition.
        output_json, output = json_codec.round_trip(machine.run(scope, run.input))
        scope.event(
            "ExecutionSucceeded",
            "executionSucceededEventDetails",
            {"output": output_json, "outputDetails": {"truncated": False}},
        )
    except WorkflowError as failure:
        status, error, cause = "FAILED", failure.error, failure.cause
        details = {key: value for key, value in (("error", error), ("cause", cause)) if value is not None}
        scope.event("ExecutionFailed", "executionFailedEventDetails", details)
    except HistoryLimitExceeded:
        status, error = "FAILED", "States.Runtime"
        cause = f"The execution reached the maximum number of history events ({run.history.event_limit})."
        scope.event("ExecutionFailed", "executionFailedEventDetails", {"error": error, "cause": cause})
    except ExecutionTimedOut:
        # DescribeExecution reports neither error nor cause for a timed-out execution; only its
        # ExecutionTimedOut event names States.Timeout.
        status = "TIMED_OUT"
        if run.deadline is not None and isinstance(clock, ManualClock) and clock.now() > run.deadline:
            clock.advance_to(run.deadline)  # work that overran the deadline was cut off at it
        scope.last_event = 0  # the event points at the start of the execution, not at the state it cut
        scope.event("ExecutionTimedOut", "executionTimedOutEventDetails", {"error": "States.Timeout"})
    return status, output, error, cause


@lru_cache(maxsize=256)  # compiled definitions are cached, so each is checked once, not per execution
def _check_express(machine: Branch) -> None:
    """Express workflows support request-response integrations only (CreateStateMachine says so too)."""
    for walked in walk_states(machine.spec):
        resource = walked.state.get("Resource") if walked.state.get("Type") == "Task" else None
        pattern = parse_resource(resource).pattern if isinstance(resource, str) else ""
        if pattern:
            raise DefinitionError(
                f"state {walked.name!r}: Express state machines do not support the '.{pattern}' integration "
                "pattern; use a STANDARD state machine or a request-response integration"
            )


def _identity(state_machine_arn: str | None) -> tuple[str, str, str]:
    if state_machine_arn is None:
        return DEFAULT_REGION, DEFAULT_ACCOUNT, "LocalStateMachine"
    parts = state_machine_arn.split(":")
    if len(parts) < 7 or parts[:3] != ["arn", "aws", "states"] or parts[5] != "stateMachine":
        raise ValueError(
            f"state_machine_arn {state_machine_arn!r} must look like "
            "arn:aws:states:<region>:<account>:stateMachine:<name>"
        )
    return parts[3], parts[4], parts[6]


__all__ = ["Execution", "compile_definition", "execute"]
