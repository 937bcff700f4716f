"""The pytest helpers fail with messages that show what differs."""

from __future__ import annotations

import pytest

from workflows.engine import execute
from workflows.harness import assert_failed, assert_path, assert_succeeded

TWO_STEPS = {
    "StartAt": "First",
    "States": {
        "First": {"Type": "Pass", "Result": {"n": 1}, "Next": "Second"},
        "Second": {"Type": "Succeed"},
    },
}
FAILING = {"StartAt": "Stop", "States": {"Stop": {"Type": "Fail", "Error": "Nope", "Cause": "on purpose"}}}


def test_assert_succeeded_passes_and_shows_an_output_diff() -> None:
    execution = execute(TWO_STEPS)
    assert_succeeded(execution)
    assert_succeeded(execution, output={"n": 1})
    with pytest.raises(AssertionError) as caught:
        assert_succeeded(execution, output={"n": 2})
    message = str(caught.value)
    assert message.startswith("the execution succeeded with another output:")
    assert '-  "n": 2' in message and '+  "n": 1' in message


def test_assert_succeeded_on_a_failed_execution_says_why() -> None:
    with pytest.raises(
        AssertionError, match=r"ended with status FAILED, error 'Nope', cause 'on purpose'; path: Stop"
    ):
        assert_succeeded(execute(FAILING))


def test_assert_failed_checks_error_and_cause() -> None:
    execution = execute(FAILING)
    assert_failed(execution)
    assert_failed(execution, error="Nope", cause="on purpose")
    with pytest.raises(AssertionError, match=r"error: expected 'Other', got 'Nope'; cause: expected 'x'"):
        assert_failed(execution, error="Other", cause="x")
    with pytest.raises(
        AssertionError, match=r"expected the execution to fail, but it ended with status SUCCEEDED"
    ):
        assert_failed(execute(TWO_STEPS))


def test_assert_path_shows_the_difference() -> None:
    execution = execute(TWO_STEPS)
    assert_path(execution, ["First", "Second"])
    with pytest.raises(AssertionError) as caught:
        assert_path(execution, ["First", "Third"])
    assert "-Third" in str(caught.value) and "+Second" in str(caught.value)
