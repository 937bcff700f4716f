"""Clocks: `ManualClock` (virtual time, advances instantly, so tests never sleep) and `SystemClock`.

Wait states, retry delays and timeouts all go through the clock. Parallel branches and Map iterations run
on forks of the parent's clock; when they are done the parent joins them and continues at the latest
fork's time, which is how concurrent work behaves in real time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    concurrent: bool  # whether forks really run at the same time (threads) or in virtual time

    def now(self) -> datetime: ...

    def sleep(self, seconds: float) -> None: ...

    def fork(self, at: datetime | None = None) -> Clock: ...

    def join(self, forks: Iterable[Clock]) -> None: ...


class ManualClock:
    """Virtual time: `sleep` moves the clock forward instantly."""

    concurrent = False

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime(2024, 1, 1, tzinfo=UTC)
        if start.tzinfo is None:
            raise ValueError(
                "ManualClock needs a timezone-aware start, e.g. datetime(2024, 1, 1, tzinfo=UTC)"
            )
        self._now = start
        self.slept: list[float] = []  # every sleep, in order: lets tests assert retry back-off delays

    def now(self) -> datetime:
        return self._now

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.slept.append(seconds)
            self._now += timedelta(seconds=seconds)

    advance = sleep

    def advance_to(self, moment: datetime) -> None:
        """Set the clock to `moment` (also backwards: only the engine does this, to cut work off)."""
        self._now = moment

    def fork(self, at: datetime | None = None) -> ManualClock:
        child = ManualClock(at or self._now)
        child.slept = self.slept  # one record of all delays, in the order they were simulated
        return child

    def join(self, forks: Iterable[Clock]) -> None:
        self._now = max([self._now, *(fork.now() for fork in forks)])


class SystemClock:
    """Real time: `sleep` really waits, and forks run in threads."""

    concurrent = True

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def fork(self, at: datetime | None = None) -> SystemClock:
        return self

    def join(self, forks: Iterable[Clock]) -> None:
        return None


def iso(moment: datetime) -> str:
    """A timestamp as the context object writes it: `2024-01-01T00:00:00.000Z`."""
    # isoformat is half the cost of strftime, and several of these are written per state entered.
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")[: -len("+00:00")] + "Z"
