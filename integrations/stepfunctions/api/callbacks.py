"""Task tokens of `.waitForTaskToken` tasks: a task waits here until SendTaskSuccess, SendTaskFailure,
its TimeoutSeconds or HeartbeatSeconds, or StopExecution."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from integrations.stepfunctions.api.clock import ExecutionStopped
from integrations.stepfunctions.api.errors import ApiError
from workflows.engine import TaskFailure, TaskInvocation

# A client may read the token from TaskScheduled and answer before the task starts waiting for it.
REGISTRATION_GRACE_SECONDS = 1.0


@dataclass
class _Waiting:
    invocation: TaskInvocation
    answered: threading.Event = field(default_factory=threading.Event)
    output: Any = None
    failure: TaskFailure | None = None


class TaskTokens:
    def __init__(self) -> None:
        self._waiting: dict[str, _Waiting] = {}
        self._finished: set[str] = set()
        self._changed = threading.Condition()

    def wait(
        self,
        invocation: TaskInvocation,
        timeout: float | None,
        heartbeat: float | None,
        stopped: threading.Event,
        *,
        token: str | None = None,
    ) -> Any:
        """The callback's output, or TaskFailure; returns None once the time is up (the engine then
        reports States.Timeout or the heartbeat timeout from the time the task took)."""
        token = token or invocation.task_token or ""
        slot = _Waiting(invocation)
        with self._changed:
            self._waiting[token] = slot
            self._changed.notify_all()
        started = datetime.now(UTC)
        try:
            while True:
                now = datetime.now(UTC)
                limits = []
                if timeout is not None:
                    limits.append(timeout - (now - started).total_seconds())
                if heartbeat is not None:
                    last = max([started, *invocation.heartbeats])
                    limits.append(heartbeat - (now - last).total_seconds())
                remaining = min(limits) if limits else 0.5
                if limits and remaining <= 0:
                    return None
                if slot.answered.wait(min(remaining + 0.001, 0.5)):
                    if slot.failure is not None:
                        raise slot.failure
                    return slot.output
                if stopped.is_set():
                    raise ExecutionStopped
        finally:
            with self._changed:
                self._waiting.pop(token, None)
                self._finished.add(token)

    def _slot(self, token: str) -> _Waiting:
        if not _issued_here(token):
            raise ApiError("InvalidToken", "Invalid Token: 'Invalid token'")
        with self._changed:
            self._changed.wait_for(
                lambda: token in self._waiting or token in self._finished, REGISTRATION_GRACE_SECONDS
            )
            slot = self._waiting.get(token)
            if slot is not None:
                return slot
            if token in self._finished:
                raise ApiError("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'")
        raise ApiError("InvalidToken", "Invalid Token: 'Invalid token'")

    def succeed(self, token: str, output: Any) -> None:
        slot = self._slot(token)
        slot.output = output
        slot.answered.set()

    def fail(self, token: str, error: str, cause: str) -> None:
        slot = self._slot(token)
        slot.failure = TaskFailure(error, cause)
        slot.answered.set()

    def heartbeat(self, token: str) -> None:
        # What invocation.heartbeat() records, read from the wall clock: this runs on a request thread.
        self._slot(token).invocation.heartbeats.append(datetime.now(UTC))


def _issued_here(token: str) -> bool:
    """Whether the token has the form of those the engine issues (a UUID), so may yet be registered."""
    try:
        uuid.UUID(token)
    except ValueError:
        return False
    return True
