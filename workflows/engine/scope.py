"""What a running state can see: the execution-wide `Run` and the per-branch `Scope`.

A Scope is one thread of control: the top level, one Parallel branch or one Map iteration. It holds its
own clock fork and its own copy of the variables, which is how AWS scopes variables (inner scopes read
the outer values; their assignments do not leak out).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from workflows.engine.clock import Clock, iso
from workflows.engine.errors import ExecutionTimedOut, WorkflowError
from workflows.engine.history import History

if TYPE_CHECKING:
    from workflows.engine.tasks import Dispatcher


_ATTRIBUTED = frozenset({"States.Runtime", "States.QueryEvaluationError"})


@dataclass(slots=True)
class Run:
    """Everything one execution shares across its branches."""

    execution_arn: str
    name: str
    state_machine_arn: str
    state_machine_name: str
    role_arn: str
    input: Any
    start_time: datetime
    state_machine_type: str
    history: History
    random: random.Random
    dispatcher: Dispatcher
    deadline: datetime | None
    max_concurrency: int
    _start_iso: str = ""
    _jsonata_functions: dict[str, Any] = field(default_factory=dict)

    def jsonata_functions(self) -> dict[str, Any]:
        """$partition, $range, $hash, $random, $uuid, $parse: bound to this execution's random generator."""
        if not self._jsonata_functions:
            from workflows.engine.jsonata_functions import functions_for

            self._jsonata_functions = functions_for(self.random)
        return self._jsonata_functions

    def check_deadline(self, now: datetime) -> None:
        if self.deadline is not None and now > self.deadline:
            raise ExecutionTimedOut

    def start_iso(self) -> str:
        if not self._start_iso:
            self._start_iso = iso(self.start_time)
        return self._start_iso


@dataclass(slots=True)
class Scope:
    run: Run
    clock: Clock
    variables: dict[str, Any]
    prefix: str = ""  # "Outer/" inside a Parallel or Map state named Outer
    last_event: int = 0
    state_name: str = ""
    entered_time: datetime | None = None
    entered_event: int = 0
    retry_count: int | None = None  # None in states that cannot retry (no State.RetryCount)
    task_token: str | None = None
    map_item: dict[str, Any] | None = field(default=None)
    # Where this scope sits in the execution, for call ids: "" at the top, then for each enclosing
    # Parallel or Map "<state>#<visit>/<branch or item index>/".
    lineage: str = ""
    visits: dict[str, int] = field(default_factory=dict)
    # EnteredTime as the context object writes it, for the `entered_time` it was written from: a state's
    # Arguments, Output and Assign each build the context object.
    _entered_text: tuple[datetime | None, str] = (None, "")

    def child(self, prefix: str, clock: Clock, lineage: str) -> Scope:
        return Scope(
            self.run, clock, dict(self.variables), self.prefix + prefix, self.last_event, lineage=lineage
        )

    def step(self, state_name: str) -> str:
        """The next visit of `state_name` in this scope, named the same way in every run of the execution
        that takes the same path: "<lineage><state>#<visit>". A crashed execution run again by the local
        Step Functions names its calls as the first run did, so the services can tell a repeat."""
        visit = self.visits.get(state_name, 0) + 1
        self.visits[state_name] = visit
        return f"{self.lineage}{state_name}#{visit}"

    def _entered_iso(self) -> str:
        entered = self.entered_time or self.run.start_time
        written_for, text = self._entered_text
        if written_for is not entered:
            text = iso(entered)
            self._entered_text = (entered, text)
        return text

    def event(self, kind: str, details_key: str | None = None, details: dict[str, Any] | None = None) -> int:
        self.last_event = self.run.history.add(kind, self.clock.now(), self.last_event, details_key, details)
        return self.last_event

    def attribute(self, error: WorkflowError) -> None:
        """Say where a Runtime or QueryEvaluationError happened, as AWS does, once per raised error.

        A QueryEvaluationError also gets its EvaluationFailed event, recorded per attempt before any
        Retry or Catch looks at it.
        """
        if getattr(error, "located", False) or error.error not in _ATTRIBUTED:
            return
        error.cause = (
            f"An error occurred while executing the state '{self.state_name}' (entered at the event id "
            f"#{self.entered_event}). {error.cause}"
        )
        error.located = True  # type: ignore[attr-defined]
        if error.error == "States.QueryEvaluationError":
            self.event(
                "EvaluationFailed",
                "evaluationFailedEventDetails",
                {"error": error.error, "cause": error.cause, "state": self.state_name},
            )

    def context_object(self) -> dict[str, Any]:
        """The `$$` context object, built only when an expression reads it.

        Members and their order as recorded AWS executions show them: `Execution.RedriveCount` only in
        Standard executions, `State.RetryCount` only in the states that can retry (Task, Parallel, Map).
        """
        run = self.run
        execution: dict[str, Any] = {
            "Id": run.execution_arn,
            "Input": run.input,
            "StartTime": run.start_iso(),
            "Name": run.name,
            "RoleArn": run.role_arn,
        }
        if run.state_machine_type == "STANDARD":
            execution["RedriveCount"] = 0
        state: dict[str, Any] = {
            "Name": self.state_name,
            "EnteredTime": self._entered_iso(),
        }
        if self.retry_count is not None:
            state["RetryCount"] = self.retry_count
        context: dict[str, Any] = {
            "Execution": execution,
            "StateMachine": {"Id": run.state_machine_arn, "Name": run.state_machine_name},
            "State": state,
        }
        if self.task_token is not None:
            context["Task"] = {"Token": self.task_token}
        if self.map_item is not None:
            context["Map"] = {"Item": self.map_item}
        return context
