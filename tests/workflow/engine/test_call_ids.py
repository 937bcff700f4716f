"""Each task attempt's call id: the same in every run of an execution that takes the same path (so the
local services can tell a call a crashed run already made), and different for every other call."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from workflows.engine import ManualClock, SystemClock, TaskInvocation, execute

ARN = "arn:aws:states:us-east-1:123456789012:execution:Calls:first"
TASK = "arn:aws:lambda:us-east-1:123456789012:function:work"

DEFINITION: dict[str, Any] = {
    "QueryLanguage": "JSONata",
    "StartAt": "Loop",
    "States": {
        # Visited twice: the Choice sends it back once.
        "Loop": {
            "Type": "Task",
            "Resource": TASK,
            "Assign": {"laps": "{% $exists($laps) ? $laps + 1 : 1 %}"},
            "Next": "Again?",
        },
        "Again?": {
            "Type": "Choice",
            "Choices": [{"Condition": "{% $laps < 2 %}", "Next": "Loop"}],
            "Default": "Both",
        },
        "Both": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "Left", "States": {"Left": {"Type": "Task", "Resource": TASK, "End": True}}},
                {"StartAt": "Right", "States": {"Right": {"Type": "Task", "Resource": TASK, "End": True}}},
            ],
            "Next": "Each",
        },
        "Each": {
            "Type": "Map",
            "Items": [1, 2, 3],
            "ItemProcessor": {
                "StartAt": "Item",
                "States": {"Item": {"Type": "Task", "Resource": TASK, "End": True}},
            },
            "Next": "Flaky",
        },
        "Flaky": {
            "Type": "Task",
            "Resource": TASK,
            "Retry": [{"ErrorEquals": ["Once"], "IntervalSeconds": 1, "MaxAttempts": 1}],
            "End": True,
        },
    },
}


class Once(Exception):
    """The error Flaky's first attempt fails with (the engine names it after the class), then retried."""


def _call_ids(clock: Any, arn: str | None = ARN) -> list[str]:
    seen: list[str] = []
    lock = threading.Lock()
    flaky_failed = threading.Event()

    def handler(arguments: Any, invocation: TaskInvocation) -> dict[str, Any]:
        del arguments
        with lock:
            seen.append(invocation.call_id)
        if invocation.state_name == "Flaky" and not flaky_failed.is_set():
            flaky_failed.set()
            raise Once("the first attempt fails")
        return {}

    execution = execute(
        DEFINITION, {}, handlers={TASK: handler}, clock=clock, name="first", execution_arn=arn
    )
    assert execution.status == "SUCCEEDED", execution.cause
    return seen


@pytest.mark.parametrize("clock", [ManualClock, SystemClock], ids=["virtual", "threads"])
def test_every_call_has_an_id_of_its_own_and_a_run_again_repeats_them(clock: type) -> None:
    first, again = _call_ids(clock()), _call_ids(clock())
    assert len(first) == len(set(first)) == 2 + 2 + 3 + 2  # two laps, two branches, three items, two tries
    assert sorted(first) == sorted(again)  # the same calls, whatever order the threads made them in
    assert all(call.startswith(ARN + "|") for call in first)


def test_another_execution_makes_other_calls() -> None:
    other = ARN.replace(":first", ":second")
    assert not set(_call_ids(ManualClock())) & set(_call_ids(ManualClock(), other))


def test_the_context_object_names_the_execution_by_the_arn_it_was_started_with() -> None:
    # $$.Execution.Id is the ARN StartExecution answered ("Context object": Execution.Id), also for an
    # Express execution, whose ARN the service made up with a uuid of its own.
    express = "arn:aws:states:us-east-1:123456789012:express:Calls:first:6f1d2a58-9c1b-4b8e-8f3e-0d6a1c2b3e4f"
    execution = execute(
        {
            "StartAt": "Id",
            "States": {"Id": {"Type": "Pass", "Parameters": {"Id.$": "$$.Execution.Id"}, "End": True}},
        },
        {},
        name="first",
        state_machine_type="EXPRESS",
        execution_arn=express,
    )
    assert execution.output == {"Id": express}
    assert execution.arn == express
