"""The clock served executions run on: real time, Waits and Retry intervals scaled by WAIT_TIME_SCALE,
and the point where StopExecution takes effect."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import UTC, datetime

from workflows.engine import Clock


class ExecutionStopped(BaseException):
    """StopExecution was called. A BaseException, so that it unwinds the engine past every
    `except Exception` (task handlers, branch threads) straight to the runner, which records the abort."""


class ServedClock:
    """Real time (forks run in threads, as on AWS), with scaled sleeps that StopExecution interrupts."""

    concurrent = True

    def __init__(self, scale: float, stopped: threading.Event) -> None:
        self.scale = scale
        self.stopped = stopped

    def now(self) -> datetime:
        # The engine reads the clock at every state and event: the earliest point to honour a stop.
        if self.stopped.is_set():
            raise ExecutionStopped
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        if seconds > 0 and self.stopped.wait(seconds * self.scale):
            raise ExecutionStopped

    def fork(self, at: datetime | None = None) -> ServedClock:
        return self

    def join(self, forks: Iterable[Clock]) -> None:
        return None
