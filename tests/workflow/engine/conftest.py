"""Fixtures shared by the engine tests."""

from __future__ import annotations

import pytest

from workflows.engine import ManualClock


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()
