"""Execution-level behaviour: TimeoutSeconds, substitutions, history, counters, Express vs Standard, and
definitions or arguments the engine refuses with a one-line reason.

Guide pages: "State machine structure in Amazon States Language"
(https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html), "Viewing execution
details" / GetExecutionHistory (https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html),
"Choosing workflow type" (choosing-workflow-type.html), "Step Functions pricing" (transitions).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from engine_support import chain, single

from workflows.engine import DefinitionError, ManualClock, apply_substitutions, execute


def test_execution_timeout_seconds_times_out_a_long_wait():
    clock = ManualClock()
    definition = single({"Type": "Wait", "Seconds": 100}, TimeoutSeconds=30)
    execution = execute(definition, {}, clock=clock)
    assert execution.status == "TIMED_OUT"
    assert (execution.error, execution.cause) == (None, None)  # as DescribeExecution reports it
    assert execution.history[-1]["executionTimedOutEventDetails"] == {"error": "States.Timeout"}
    assert execution.duration == 30
    assert execution.history[-1]["type"] == "ExecutionTimedOut"


def test_express_executions_last_at_most_five_minutes():
    definition = single({"Type": "Wait", "Seconds": 400})
    assert execute(definition, {}, state_machine_type="EXPRESS").status == "TIMED_OUT"
    assert execute(definition, {}, state_machine_type="STANDARD").status == "SUCCEEDED"


def test_express_rejects_callback_and_sync_patterns():
    definition = single({"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2"})
    with pytest.raises(DefinitionError, match=r"Express state machines do not support the '\.sync:2'"):
        execute(definition, {}, state_machine_type="EXPRESS")


def test_express_execution_arn_format():
    execution = execute(single({"Type": "Pass"}), {}, name="n1", state_machine_type="EXPRESS")
    assert execution.arn.startswith("arn:aws:states:us-east-1:123456789012:express:LocalStateMachine:n1:")


def test_substitutions_apply_before_parsing_with_json_escaping():
    text = json.dumps(
        single(
            {"Type": "Pass", "Result": {"table": "${TableName}", "quote": "${Quote}", "other": "${NotGiven}"}}
        )
    )
    execution = execute(text, {}, substitutions={"TableName": "Guard", "Quote": 'say "hi"'})
    assert execution.output == {"table": "Guard", "quote": 'say "hi"', "other": "${NotGiven}"}
    assert apply_substitutions('{"a": "${X}"}', {"X": "1"}) == '{"a": "1"}'
    with pytest.raises(TypeError, match="substitution 'X' must be a string"):
        apply_substitutions('{"a": "${X}"}', {"X": 1})


def test_history_ids_timestamps_and_details():
    clock = ManualClock(datetime(2024, 5, 1, tzinfo=UTC))
    definition = chain(("A", {"Type": "Pass", "Result": 1}), ("W", {"Type": "Wait", "Seconds": 2}))
    execution = execute(definition, {"in": True}, clock=clock, name="h")
    events = execution.history
    assert [event["id"] for event in events] == list(range(1, len(events) + 1))
    # AWS links the first state's entered event to 0, like ExecutionStarted; the rest chain on.
    assert [event["previousEventId"] for event in events] == [0, 0, *range(2, len(events))]
    assert events[0]["executionStartedEventDetails"]["input"] == '{"in":true}'
    assert events[1]["stateEnteredEventDetails"] == {
        "name": "A",
        "input": '{"in":true}',
        "inputDetails": {"truncated": False},
    }
    assert events[-1]["type"] == "ExecutionSucceeded"
    assert events[-1]["timestamp"] - events[0]["timestamp"] == timedelta(seconds=2)
    assert execution.start_date == datetime(2024, 5, 1, tzinfo=UTC)
    assert execution.stop_date == datetime(2024, 5, 1, 0, 0, 2, tzinfo=UTC)


def test_transitions_count_entered_states():
    definition = chain(*[(f"S{i}", {"Type": "Pass"}) for i in range(5)])
    execution = execute(definition, {})
    assert execution.transitions == 5
    assert execution.states_visited == ["S0", "S1", "S2", "S3", "S4"]


def test_fail_state_with_error_path_and_cause_path_using_an_intrinsic():
    definition = single(
        {"Type": "Fail", "ErrorPath": "$.kind", "CausePath": "States.Format('Order {} failed', $.id)"}
    )
    execution = execute(definition, {"kind": "OrderFailed", "id": 7})
    assert (execution.status, execution.error, execution.cause) == ("FAILED", "OrderFailed", "Order 7 failed")
    assert execution.history[-1]["executionFailedEventDetails"] == {
        "error": "OrderFailed",
        "cause": "Order 7 failed",
    }


def test_succeed_state_output_path():
    assert execute(single({"Type": "Succeed", "OutputPath": "$.a"}), {"a": 5}).output == 5


def test_execution_input_defaults_to_an_empty_object_and_is_copied():
    data = {"list": [1]}
    assert execute(single({"Type": "Pass"})).output == {}
    execution = execute(single({"Type": "Pass"}), data)
    execution.output["list"].append(2)
    assert data == {"list": [1]}


def test_execution_input_over_the_limit_fails():
    execution = execute(single({"Type": "Pass"}), {"x": "y" * 262_144})
    assert execution.error == "States.DataLimitExceeded"


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ("{not json", "not valid JSON"),
        ({"States": {}}, 'non-empty "States"'),
        (
            {"StartAt": "X", "States": {"A": {"Type": "Pass", "End": True}}},
            "StartAt 'X' is not one of its States",
        ),
        ({"StartAt": "A", "States": {"A": {"Type": "Bogus", "End": True}}}, "unknown Type 'Bogus'"),
        ({"StartAt": "A", "States": {"A": {"Type": "Pass"}}}, 'needs either "Next"'),
        (
            {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}},
            "goes to 'B', which is not a state",
        ),
        (
            {"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"x.$": "$$$"}, "End": True}}},
            "'x.\\$'",
        ),
        (
            {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:sqs:x", "End": True}}},
            "unsupported Resource",
        ),
        (
            {"StartAt": "A", "TimeoutSeconds": 0, "States": {"A": {"Type": "Pass", "End": True}}},
            "positive integer",
        ),
        (
            {"StartAt": "A", "QueryLanguage": "XPath", "States": {"A": {"Type": "Pass", "End": True}}},
            "QueryLanguage",
        ),
        (
            {"StartAt": "A", "States": {"A": {"Type": "Pass", "ResultPath": "$.a[*]", "End": True}}},
            "reference path",
        ),
    ],
)
def test_definitions_that_cannot_run_are_refused_with_a_reason(definition, message):
    with pytest.raises(DefinitionError, match=message):
        execute(definition, {})


def test_bad_arguments_to_execute():
    with pytest.raises(ValueError, match="state_machine_type must be 'STANDARD' or 'EXPRESS'"):
        execute(single({"Type": "Pass"}), {}, state_machine_type="FAST")
    with pytest.raises(ValueError, match="state_machine_arn"):
        execute(single({"Type": "Pass"}), {}, state_machine_arn="arn:aws:lambda:x")
    with pytest.raises(ValueError, match="timezone-aware"):
        ManualClock(datetime(2024, 1, 1))


def test_changing_an_output_does_not_change_the_next_execution():
    definition = single({"Type": "Pass", "Result": {"list": [1]}})
    execute(definition, {}).output["list"].append(2)
    assert execute(definition, {}).output == {"list": [1]}


def test_resultpath_must_write_into_the_input():
    with pytest.raises(DefinitionError, match="must start with"):
        execute(single({"Type": "Pass", "ResultPath": "$$.Execution.Id"}), {})


def test_a_task_running_past_the_execution_timeout_times_the_execution_out_at_the_deadline():
    resource = "arn:aws:states:::aws-sdk:comprehend:detectSentiment"

    def slow(arguments, invocation):
        invocation.clock.sleep(50)
        return "late"

    execution = execute(
        single({"Type": "Task", "Resource": resource}, TimeoutSeconds=20), {}, handlers={resource: slow}
    )
    assert execution.status == "TIMED_OUT"
    assert execution.duration == 20


@pytest.mark.parametrize("name", ["has space", "a/b", "x" * 81, "", "tab\there"])
def test_bad_execution_names_are_refused(name):
    with pytest.raises(ValueError, match="execution name"):
        execute(single({"Type": "Pass"}), {}, name=name)


def test_heartbeat_must_be_below_timeout():
    state = {
        "Type": "Task",
        "Resource": "arn:aws:states:::sns:publish",
        "TimeoutSeconds": 10,
        "HeartbeatSeconds": 10,
    }
    with pytest.raises(DefinitionError, match="HeartbeatSeconds"):
        execute(single(state), {})


def test_input_that_is_not_json_is_refused():
    with pytest.raises(ValueError, match="the execution input must be JSON"):
        execute(single({"Type": "Pass"}), {"when": {1, 2}})


def test_an_endless_loop_fails_at_the_history_event_limit():
    definition = {
        "StartAt": "A",
        "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}},
    }
    execution = execute(definition, {})
    assert (execution.status, execution.error) == ("FAILED", "States.Runtime")
    assert execution.cause == "The execution reached the maximum number of history events (25000)."
    assert len(execution.history) == 25_000


def test_express_executions_are_not_held_to_the_standard_history_limit():
    definition = single(
        {"Type": "Map", "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}}}
    )
    items = list(range(7000))  # about 28,000 events
    assert execute(definition, items, state_machine_type="STANDARD").error == "States.Runtime"
    assert execute(definition, items, state_machine_type="EXPRESS").output == items


def test_a_fail_state_without_cause_and_a_timeout_report_no_cause():
    # Recorded AWS execution (LocalStack's AWS-validated snapshot
    # v2/scenarios/test_base_scenarios.snapshot.json, test_parallel_state_fail and test_fail_error_jsonata):
    # ExecutionFailed carries only the error.
    execution = execute(single({"Type": "Fail", "Error": "E"}), {})
    assert (execution.error, execution.cause) == ("E", None)
    assert execution.history[-1]["executionFailedEventDetails"] == {"error": "E"}
    resource = "arn:aws:states:::aws-sdk:comprehend:detectSentiment"

    def slow(arguments, invocation):
        invocation.clock.sleep(5)

    timed_out = execute(
        single({"Type": "Task", "Resource": resource, "TimeoutSeconds": 1}), {}, handlers={resource: slow}
    )
    assert (timed_out.error, timed_out.cause) == ("States.Timeout", None)
    assert timed_out.history[-1]["executionFailedEventDetails"] == {"error": "States.Timeout"}


def test_a_runtime_failure_in_parameters_records_no_task_events():
    # A recorded AWS history: TaskStateEntered then ExecutionFailed for "The JSONPath '$.JobName' specified
    # for the field 'JobName.$' could not be found in the input '{}'".
    definition = single(
        {
            "Type": "Task",
            "Resource": "arn:aws:states:::glue:startJobRun.sync",
            "Parameters": {"JobName.$": "$.JobName"},
        }
    )
    execution = execute(definition, {})
    assert [event["type"] for event in execution.history] == [
        "ExecutionStarted",
        "TaskStateEntered",
        "ExecutionFailed",
    ]
    assert execution.cause == (
        "An error occurred while executing the state 'S' (entered at the event id #2). The JSONPath "
        "'$.JobName' specified for the field 'JobName.$' could not be found in the input '{}'"
    )
