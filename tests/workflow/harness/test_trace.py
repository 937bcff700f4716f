"""The trace reads an execution's history into one row per state entered."""

from __future__ import annotations

from datetime import timedelta

from workflows.engine import ManualClock, TaskFailure, execute
from workflows.harness import trace

LAMBDA = "arn:aws:lambda:eu-west-2:123456789012:function:post"


def rows_of(definition, state_input=None, **options):
    execution = execute(definition, state_input, clock=ManualClock(), **options)
    return {(row.state, row.iteration): row for row in trace(execution.history)}, execution


def test_retries_and_a_caught_error_are_counted_and_named() -> None:
    attempts = []

    def post(event, context):
        attempts.append(event)
        raise TaskFailure("Throttled" if len(attempts) < 3 else "Forbidden", "no")

    definition = {
        "StartAt": "Post",
        "States": {
            "Post": {
                "Type": "Task",
                "Resource": LAMBDA,
                "Retry": [{"ErrorEquals": ["Throttled"], "IntervalSeconds": 3, "MaxAttempts": 2}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "GiveUp"}],
                "End": True,
            },
            "GiveUp": {"Type": "Fail", "Error": "PostFailed", "Cause": "gave up"},
        },
    }
    rows, _ = rows_of(definition, functions={"post": post})
    post_row = rows["Post", None]
    assert (post_row.attempts, post_row.retries) == (3, 2)
    assert (post_row.error, post_row.cause, post_row.outcome) == ("Forbidden", "no", "caught → GiveUp")
    assert post_row.duration == timedelta(seconds=9)  # back-offs of 3 s and 6 s, in simulated time
    give_up = rows["GiveUp", None]
    assert (give_up.type, give_up.outcome, give_up.error, give_up.cause) == (
        "Fail",
        "failed",
        "PostFailed",
        "gave up",
    )
    assert give_up.offset == timedelta(seconds=9)


def test_a_retry_that_succeeds_leaves_no_error() -> None:
    attempts = []

    def post(event, context):
        attempts.append(event)
        if len(attempts) == 1:
            raise TaskFailure("Throttled", "slow down")
        return {"ok": True}

    retry = [{"ErrorEquals": ["Throttled"], "IntervalSeconds": 1}]
    definition = {
        "StartAt": "Post",
        "States": {"Post": {"Type": "Task", "Resource": LAMBDA, "Retry": retry, "End": True}},
    }
    rows, _ = rows_of(definition, functions={"post": post})
    assert (rows["Post", None].retries, rows["Post", None].error, rows["Post", None].outcome) == (
        1,
        None,
        "succeeded",
    )


def test_map_iterations_and_parallel_branches_nest_under_their_state() -> None:
    processor = {"StartAt": "Pause", "States": {"Pause": {"Type": "Wait", "Seconds": 5, "End": True}}}
    branches = [
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}},
        {"StartAt": "B", "States": {"B": {"Type": "Wait", "Seconds": 2, "End": True}}},
    ]
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemProcessor": processor,
                "ResultPath": None,
                "Next": "Both",
            },
            "Both": {"Type": "Parallel", "Branches": branches, "End": True},
        },
    }
    rows, _ = rows_of(definition, {"items": ["x", "y"]})
    assert [(state, iteration, row.depth) for (state, iteration), row in rows.items()] == [
        ("Each", None, 0),
        ("Pause", 0, 1),
        ("Pause", 1, 1),
        ("Both", None, 0),
        ("A", None, 1),
        ("B", None, 1),
    ]
    assert rows["Each", None].duration == timedelta(seconds=5)
    assert rows["Both", None].offset == timedelta(seconds=5)
    assert rows["B", None].duration == timedelta(seconds=2)
    assert all(row.outcome == "succeeded" for row in rows.values())


def test_a_runtime_failure_is_shown_on_the_state_that_caused_it() -> None:
    definition = {
        "StartAt": "Pick",
        "States": {"Pick": {"Type": "Pass", "InputPath": "$.missing", "End": True}},
    }
    rows, execution = rows_of(definition, {})
    assert execution.status == "FAILED"
    assert (rows["Pick", None].outcome, rows["Pick", None].error) == ("failed", "States.Runtime")


def test_an_empty_history_has_no_rows() -> None:
    assert trace([]) == []


def test_a_failed_branch_fails_its_parallel_which_is_caught() -> None:
    def broken(event, context):
        raise TaskFailure("Broken", "branch down")

    branches = [
        {"StartAt": "Fine", "States": {"Fine": {"Type": "Pass", "End": True}}},
        {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": LAMBDA, "End": True}}},
    ]
    catch = [{"ErrorEquals": ["States.ALL"], "Next": "Recover"}]
    definition = {
        "StartAt": "Both",
        "States": {
            "Both": {"Type": "Parallel", "Branches": branches, "Catch": catch, "End": True},
            "Recover": {"Type": "Succeed"},
        },
    }
    rows, execution = rows_of(definition, functions={"post": broken})
    assert execution.status == "SUCCEEDED"
    both = rows["Both", None]
    assert (both.outcome, both.error, both.cause) == ("caught → Recover", "Broken", "branch down")
    assert (rows["Call", None].outcome, rows["Fine", None].outcome) == ("failed", "succeeded")
    assert rows["Recover", None].outcome == "succeeded"
