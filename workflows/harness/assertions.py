"""pytest-friendly assertions on an engine `Execution`, with readable differences when they fail."""

from __future__ import annotations

import difflib
import json
from typing import Any

from workflows.engine import Execution

_UNSET: Any = object()


def _pretty(value: Any) -> list[str]:
    return json.dumps(value, indent=2, sort_keys=True, default=str).splitlines()


def _diff(expected: Any, actual: Any) -> str:
    lines = difflib.unified_diff(_pretty(expected), _pretty(actual), "expected", "actual", lineterm="")
    return "\n".join(lines)


def states_entered(execution: Execution) -> list[str]:
    """The names of the states entered, in order, from the history (inside Parallel and Map too).

    Read from the StateEntered events rather than `Execution.states_visited`, which holds paths such
    as "Outer/Inner" for nested states: a test names states as the definition and the mock config do.
    """
    return [
        event["stateEnteredEventDetails"]["name"]
        for event in execution.history
        if event["type"].endswith("StateEntered")
    ]


def _summary(execution: Execution) -> str:
    text = f"status {execution.status}"
    if execution.error is not None:
        text += f", error {execution.error!r}, cause {execution.cause!r}"
    return text + f"; path: {' → '.join(states_entered(execution)) or '(no state entered)'}"


def assert_succeeded(execution: Execution, output: Any = _UNSET) -> None:
    """The execution succeeded, and (if given) its output equals `output`."""
    if execution.status != "SUCCEEDED":
        raise AssertionError(f"expected the execution to succeed, but it ended with {_summary(execution)}")
    if output is not _UNSET and execution.output != output:
        raise AssertionError(
            f"the execution succeeded with another output:\n{_diff(output, execution.output)}"
        )


def assert_failed(execution: Execution, error: str | None = None, cause: str | None = None) -> None:
    """The execution failed, and (if given) with this error name and cause."""
    if execution.status != "FAILED":
        raise AssertionError(f"expected the execution to fail, but it ended with {_summary(execution)}")
    mismatches = [
        f"{name}: expected {want!r}, got {got!r}"
        for name, want, got in (("error", error, execution.error), ("cause", cause, execution.cause))
        if want is not None and want != got
    ]
    if mismatches:
        raise AssertionError("the execution failed differently; " + "; ".join(mismatches))


def assert_path(execution: Execution, states: list[str]) -> None:
    """The execution entered exactly these states, in this order (inside Parallel and Map too)."""
    visited = states_entered(execution)
    if visited != list(states):
        diff = "\n".join(difflib.unified_diff(list(states), visited, "expected", "actual", lineterm=""))
        raise AssertionError(f"the execution took another path:\n{diff}")
