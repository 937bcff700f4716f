"""A bus on a manual clock in a fresh state directory, with a recording target."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from integrations.bus import EventBus, ManualClock


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def bus(sma_home: Path, clock: ManualClock) -> Iterator[EventBus]:
    bus = EventBus("Plumbing", directory=sma_home / "bus", clock=clock)
    yield bus
    bus.close()


class Recorder:
    """A target that records what it receives and can be told to fail."""

    def __init__(self) -> None:
        self.received: list[Any] = []
        self.failures: list[BaseException] = []

    def __call__(self, payload: Any) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.received.append(payload)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()
