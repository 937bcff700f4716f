"""Every test case of every workflows/NAME.mock.json passes (what `sma workflow test` runs, under pytest)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflows.engine import ManualClock
from workflows.harness import load_suite
from workflows.harness.suite import suite_names

WORKFLOWS = Path(__file__).resolve().parents[3] / "workflows"
CASES = [(name, case) for name in suite_names(WORKFLOWS) for case in load_suite(name, WORKFLOWS).cases]


@pytest.mark.parametrize(("name", "case"), CASES, ids=[f"{name}#{case}" for name, case in CASES])
def test_mocked_case_passes(name: str, case: str) -> None:
    result = load_suite(name, WORKFLOWS).run(case, clock=ManualClock())
    assert result.passed, "\n".join(result.failures)
