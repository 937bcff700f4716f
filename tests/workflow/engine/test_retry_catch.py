"""Retry and Catch.

Guide page: "Handling errors in Step Functions workflows"
(https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
"""

from __future__ import annotations

import pytest

from workflows.engine import DefinitionError, ManualClock, TaskFailure, execute

RESOURCE = "arn:aws:states:::aws-sdk:comprehend:detectSentiment"


def failing(errors):
    """A handler that raises the given errors in turn, then succeeds."""
    remaining = list(errors)

    def handler(arguments, invocation):
        if remaining:
            raise TaskFailure(remaining.pop(0), "cause")
        return "ok"

    return handler


def run(state, errors, data=None, clock=None):
    definition = {
        "StartAt": "T",
        "States": {
            "T": {"Type": "Task", "Resource": RESOURCE, "End": True, **state},
            "Recover": {"Type": "Pass", "End": True},
        },
    }
    clock = clock or ManualClock()
    return execute(definition, data or {}, handlers={RESOURCE: failing(errors)}, clock=clock), clock


def test_retry_delays_follow_interval_and_backoff():
    retry = [{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 3, "MaxAttempts": 2, "BackoffRate": 1.5}]
    execution, clock = run({"Retry": retry}, ["States.Timeout", "States.Timeout"])
    assert execution.output == "ok"
    assert clock.slept == [3, 4.5]
    assert execution.transitions == 3  # the state entry plus one per retry


def test_retry_defaults_are_one_second_three_attempts_backoff_two():
    execution, clock = run({"Retry": [{"ErrorEquals": ["States.ALL"]}]}, ["E"] * 4)
    assert execution.error == "E"
    assert clock.slept == [1, 2, 4]


def test_max_delay_seconds_caps_the_backoff():
    retry = [
        {
            "ErrorEquals": ["States.ALL"],
            "IntervalSeconds": 5,
            "MaxAttempts": 4,
            "BackoffRate": 3,
            "MaxDelaySeconds": 20,
        }
    ]
    _, clock = run({"Retry": retry}, ["E"] * 4)
    assert clock.slept == [5, 15, 20, 20]


def test_full_jitter_randomises_below_the_delay():
    retry = [
        {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 10, "MaxAttempts": 3, "JitterStrategy": "FULL"}
    ]
    _, clock = run({"Retry": retry}, ["E"] * 3)
    assert len(clock.slept) == 3
    assert all(0 <= delay <= limit for delay, limit in zip(clock.slept, [10, 20, 40], strict=True))
    assert clock.slept != [10, 20, 40]


def test_max_attempts_zero_never_retries():
    execution, clock = run({"Retry": [{"ErrorEquals": ["E"], "MaxAttempts": 0}]}, ["E"])
    assert execution.error == "E" and clock.slept == []


def test_each_retrier_counts_its_own_attempts():
    retry = [
        {"ErrorEquals": ["A"], "MaxAttempts": 1, "IntervalSeconds": 1},
        {"ErrorEquals": ["B"], "MaxAttempts": 1, "IntervalSeconds": 7},
    ]
    execution, clock = run({"Retry": retry}, ["A", "B"])
    assert execution.output == "ok" and clock.slept == [1, 7]


def test_retry_count_is_visible_in_the_context_object():
    seen = []

    def handler(arguments, invocation):
        seen.append(arguments["n"])
        if len(seen) < 3:
            raise TaskFailure("E", "")
        return "ok"

    definition = {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": RESOURCE,
                "Parameters": {"n.$": "$$.State.RetryCount"},
                "Retry": [{"ErrorEquals": ["E"]}],
                "End": True,
            }
        },
    }
    assert execute(definition, {}, handlers={RESOURCE: handler}).output == "ok"
    assert seen == [0, 1, 2]


def test_catch_with_resultpath_keeps_the_input_and_adds_the_error():
    catch = [{"ErrorEquals": ["States.ALL"], "Next": "Recover", "ResultPath": "$.error-info"}]
    execution, _ = run({"Catch": catch}, ["CustomError"], data={"a": 1})
    assert execution.output == {"a": 1, "error-info": {"Error": "CustomError", "Cause": "cause"}}
    assert execution.states_visited == ["T", "Recover"]


def test_catch_default_output_is_the_error_output():
    execution, _ = run({"Catch": [{"ErrorEquals": ["CustomError"], "Next": "Recover"}]}, ["CustomError"])
    assert execution.output == {"Error": "CustomError", "Cause": "cause"}


def test_retry_then_catch():
    state = {
        "Retry": [{"ErrorEquals": ["E"], "MaxAttempts": 1}],
        "Catch": [{"ErrorEquals": ["E"], "Next": "Recover"}],
    }
    execution, clock = run(state, ["E", "E"])
    assert execution.output["Error"] == "E" and clock.slept == [1]


def test_task_failed_matches_task_errors_but_not_timeout():
    catch = [{"ErrorEquals": ["States.TaskFailed"], "Next": "Recover"}]
    assert run({"Catch": catch}, ["Lambda.Unknown"])[0].states_visited == ["T", "Recover"]
    assert run({"Catch": catch}, ["States.Timeout"])[0].error == "States.Timeout"


def test_states_all_does_not_catch_runtime_errors():
    state = {
        "Parameters": {"x.$": "$.missing"},
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Recover"}],
    }
    execution, _ = run(state, [])
    assert execution.error == "States.Runtime"


def test_a_task_result_over_the_limit_is_a_task_failure_that_states_all_catches():
    # Recorded AWS executions (LocalStack's AWS-validated snapshot
    # v2/error_handling/test_states_errors.snapshot.json, the *_catch_state_all_data_limit_exceeded_on_large_
    # utf8_response tests of a Lambda ARN and of lambda:invoke): a Catch on States.ALL
    # catches it, and the cause names the resource ("lambda" for lambda:invoke, the ARN for a Lambda ARN).
    def huge(arguments, invocation):
        return "x" * 300_000

    def execute_with(catch_names, resource=RESOURCE, **registered):
        definition = {
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": resource,
                    "End": True,
                    "Catch": [{"ErrorEquals": catch_names, "Next": "Recover"}],
                    **({"Parameters": {"FunctionName": "Big"}} if resource.endswith(":invoke") else {}),
                },
                "Recover": {"Type": "Pass", "End": True},
            },
        }
        return execute(definition, {}, **(registered or {"handlers": {RESOURCE: huge}}))

    for names in (["States.ALL"], ["States.DataLimitExceeded"]):
        assert execute_with(names).output["Error"] == "States.DataLimitExceeded"
    message = "returned a result with a size exceeding the maximum number of bytes service limit."
    invoke = execute_with(
        ["States.ALL"],
        "arn:aws:states:::lambda:invoke",
        functions={"Big": lambda event, context: "x" * 300_000},
    )
    arn = "arn:aws:lambda:us-east-1:123456789012:function:Big"
    plain = execute_with(["States.ALL"], arn, functions={"Big": lambda event, context: "x" * 300_000})
    assert plain.output["Cause"] == f"The state/task '{arn}' {message}"
    assert invoke.output["Cause"] == f"The state/task 'lambda' {message}"


def test_a_state_output_over_the_limit_is_caught_only_by_name():
    # "Error names" in the guide (concepts-error-handling.html): States.ALL does not catch the terminal
    # States.DataLimitExceeded of a state's output.
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "B", "States": {"B": {"Type": "Pass", "Result": "x" * 200_000, "End": True}}},
                    {"StartAt": "C", "States": {"C": {"Type": "Pass", "Result": "y" * 100_000, "End": True}}},
                ],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Recover"}],
                "End": True,
            },
            "Recover": {"Type": "Pass", "End": True},
        },
    }
    assert execute(definition).error == "States.DataLimitExceeded"


def test_first_matching_catcher_wins():
    catch = [
        {"ErrorEquals": ["A"], "Next": "Recover", "ResultPath": "$.a"},
        {"ErrorEquals": ["States.ALL"], "Next": "Recover", "ResultPath": "$.all"},
    ]
    assert set(run({"Catch": catch}, ["A"])[0].output) == {"a"}
    assert set(run({"Catch": catch}, ["B"])[0].output) == {"all"}


@pytest.mark.parametrize(
    ("field", "rules", "message"),
    [
        ("Retry", [{"ErrorEquals": ["States.ALL", "E"]}], "must appear alone"),
        ("Retry", [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["E"]}], "must be the last"),
        ("Catch", [{"ErrorEquals": ["E"]}], "needs Next"),
        ("Catch", [{"ErrorEquals": [], "Next": "Recover"}], "non-empty list"),
        ("Retry", [{"ErrorEquals": ["E"], "JitterStrategy": "SOME"}], "FULL or NONE"),
    ],
)
def test_bad_retry_and_catch_are_definition_errors(field, rules, message):
    with pytest.raises(DefinitionError, match=message):
        run({field: rules}, [])


def test_catch_next_must_name_a_state():
    with pytest.raises(DefinitionError, match="'Nowhere', which is not a state"):
        run({"Catch": [{"ErrorEquals": ["E"], "Next": "Nowhere"}]}, [])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("IntervalSeconds", 0),
        ("IntervalSeconds", 1.5),
        ("MaxAttempts", -1),
        ("BackoffRate", 0.5),
        ("MaxDelaySeconds", 0),
    ],
)
def test_retry_numbers_out_of_range_are_definition_errors(field, value):
    with pytest.raises(DefinitionError, match=f"Retry {field} must be"):
        run({"Retry": [{"ErrorEquals": ["E"], field: value}]}, [])


def test_a_task_failure_without_error_or_cause_is_caught_with_nulls():
    # Recorded AWS executions (LocalStack's AWS-validated snapshot v2/callback/test_callback.snapshot.json,
    # test_sqs_failure_in_wait_for_task_tok_no_error_field): SendTaskFailure with neither field.
    resource = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"

    def failure(arguments, invocation):
        raise TaskFailure(None, None)

    definition = {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": resource,
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.states_all_error", "Next": "C"}],
                "End": True,
            },
            "C": {"Type": "Pass", "End": True},
        },
    }
    assert execute(definition, {}, handlers={resource: failure}).output == {
        "states_all_error": {"Error": None, "Cause": None}
    }
    uncaught = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource, "End": True}}}
    execution = execute(uncaught, {}, handlers={resource: failure})
    assert (execution.status, execution.error, execution.cause) == ("FAILED", None, None)
