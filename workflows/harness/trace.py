"""A state-by-state trace of an execution, read from its GetExecutionHistory-shaped events.

Each row is one entry into a state: its type, when it started relative to the execution, how long it
took, its outcome (succeeded, failed, caught), how many attempts its task needed, and the error. Rows
are linked to their events through `previousEventId`, which chains the events of one branch or
iteration, so concurrent Parallel branches and Map iterations are traced correctly; `depth` says how deep
a row is nested inside Parallel and Map states.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

_ENTERED = "StateEntered"
_EXITED = "StateExited"
_ATTEMPT_EVENTS = ("TaskScheduled", "LambdaFunctionScheduled", "ActivityScheduled")
_ATTEMPT_SOURCES = ("Task", "LambdaFunction", "Activity")
_SUMMARY_FAILURES = ("ParallelStateFailed", "MapStateFailed")


@dataclass
class TraceRow:
    state: str
    type: str
    depth: int
    entered: datetime
    offset: timedelta
    exited: datetime | None = None
    last_event: datetime | None = None
    attempts: int = 0
    error: str | None = None
    cause: str | None = None
    outcome: str = "running"
    iteration: int | None = None

    @property
    def duration(self) -> timedelta:
        return (self.exited or self.last_event or self.entered) - self.entered

    @property
    def retries(self) -> int:
        return max(self.attempts - 1, 0)


def _details(event: dict[str, Any]) -> dict[str, Any]:
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            return value
    return {}


def trace(history: list[dict[str, Any]]) -> list[TraceRow]:
    """The rows of an execution's history, in the order the states were entered."""
    tracer = _Tracer(history[0]["timestamp"] if history else None)
    for event in history:
        tracer.add(event)
    return tracer.finish()


class _Tracer:
    def __init__(self, start: datetime | None) -> None:
        self.start = start
        self.rows: list[TraceRow] = []
        self.owner: dict[int, TraceRow | None] = {}  # event id -> the row it belongs to
        self.iteration_of: dict[int, int] = {}  # MapIterationStarted event id -> iteration index
        self.execution_error: dict[str, Any] = {}
        self.last_error: tuple[str | None, str | None] = (None, None)  # the latest error any state recorded

    def add(self, event: dict[str, Any]) -> None:
        kind, details = event["type"], _details(event)
        previous_id = event.get("previousEventId", 0)
        previous = self.owner.get(previous_id)
        if kind.endswith(_ENTERED):
            self.owner[event["id"]] = self._enter(event, details, previous, previous_id)
            return
        # Exits and Map/Parallel progress events name their state; that is more reliable than the chain,
        # whose previous event may belong to the last state of a branch that just finished.
        named = self._open_row(details["name"]) if "name" in details else None
        row = named or previous
        self.owner[event["id"]] = row
        if kind == "MapIterationStarted" and "index" in details:
            self.iteration_of[event["id"]] = details["index"]
        elif kind == "ExecutionFailed":
            self.execution_error = details
        if row is None:
            return
        if kind in _SUMMARY_FAILURES:
            # ParallelStateFailed and MapStateFailed carry no details: the error is the failed branch's.
            row.error, row.cause = self.last_error
            row.outcome = "failed"
        _record(row, kind, details, event["timestamp"])
        if row.error is not None:
            self.last_error = (row.error, row.cause)

    def _open_row(self, name: str) -> TraceRow | None:
        return next((row for row in reversed(self.rows) if row.state == name and row.exited is None), None)

    def _enter(
        self, event: dict[str, Any], details: dict[str, Any], previous: TraceRow | None, previous_id: int
    ) -> TraceRow:
        # The previous event belongs either to the enclosing Parallel/Map (still running: this is the
        # first state of a branch or iteration) or to the state this one follows in the same branch.
        inside = previous is not None and previous.exited is None and previous.outcome == "running"
        row = TraceRow(
            state=details.get("name", "?"),
            type=event["type"][: -len(_ENTERED)],
            depth=(previous.depth + inside) if previous is not None else 0,
            entered=event["timestamp"],
            offset=event["timestamp"] - (self.start or event["timestamp"]),
        )
        if previous_id in self.iteration_of:
            row.iteration = self.iteration_of[previous_id]
        elif previous is not None and not inside:
            row.iteration = previous.iteration
        if previous is not None and previous.outcome == "failed":
            previous.outcome = f"caught → {row.state}"
        self.rows.append(row)
        return row

    def finish(self) -> list[TraceRow]:
        # States still open at the end went down with the execution, or were stopped when their
        # Parallel or Map failed and was caught; a Fail state carries the execution's error.
        for row in self.rows:
            if row.outcome != "running" or row.exited is not None:
                continue
            if not self.execution_error and row.type != "Fail":
                row.outcome = "stopped"
                continue
            row.outcome = "failed"
            if row.type == "Fail":
                row.error, row.cause = self.execution_error.get("error"), self.execution_error.get("cause")
        return self.rows


def _record(row: TraceRow, kind: str, details: dict[str, Any], timestamp: datetime) -> None:
    """What one event of a state says about it: an attempt, an error, a successful retry, the exit."""
    row.last_event = timestamp
    if kind in _ATTEMPT_EVENTS:
        row.attempts += 1
    elif kind.endswith(_EXITED):
        row.exited = timestamp
        if row.outcome == "running":
            row.outcome = "succeeded"
    elif "error" in details and kind.endswith(("Failed", "TimedOut")):
        row.error, row.cause, row.outcome = details.get("error"), details.get("cause"), "failed"
    elif kind.endswith("Succeeded") and kind.startswith(_ATTEMPT_SOURCES):
        row.error, row.cause, row.outcome = None, None, "running"  # a retry succeeded after all
