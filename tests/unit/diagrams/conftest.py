"""Executions of the real workflows (their mock-config test cases), recorded as the local cloud does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from integrations.stepfunctions.store import ExecutionStore
from workflows.harness import load_suite

ACCOUNT = "arn:aws:states:us-east-1:123456789012"
# (suite, test case, state machine); the last one recorded is the latest.
CASES = (
    ("respond-text", "LexAccessDeniedFails", "RespondText"),
    ("respond-text", "JokeIntent", "RespondText"),
    ("analyse", "PhotosPersonAndTextThenCat", "Analyse"),
)


def record(store: ExecutionStore, suite: str, case: str, machine: str, second: int) -> dict[str, Any]:
    spec = load_suite(suite)
    execution = spec.run(case).execution
    row = {
        "arn": f"{ACCOUNT}:execution:{machine}:{case}",
        "state_machine_arn": f"{ACCOUNT}:stateMachine:{machine}",
        "name": case,
        "type": "STANDARD",
        "status": execution.status,
        "error": execution.error,
        "cause": execution.cause,
        "input": spec.cases[case].input,
        "output": execution.output,
        "start_date": f"2026-11-22T07:00:0{second}+00:00",
        "stop_date": f"2026-11-22T07:00:0{second}+00:00",
        "history": json.loads(json.dumps(execution.history, default=str)),
        "states_visited": list(execution.states_visited),
    }
    store.insert(row)
    return row


@pytest.fixture
def recorded(sma_home: Path) -> dict[str, dict[str, Any]]:
    """The CASES recorded in `$SMA_HOME/stepfunctions/executions.sqlite3`, by test case name."""
    folder = sma_home / "stepfunctions"
    folder.mkdir(parents=True)
    store = ExecutionStore(folder / "executions.sqlite3")
    try:
        return {spec[1]: record(store, *spec, second) for second, spec in enumerate(CASES)}
    finally:
        store.close()
