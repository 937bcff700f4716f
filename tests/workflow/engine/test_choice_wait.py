"""Choice and Wait states.

Guide pages: "Choice workflow state" (https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html),
"Wait workflow state" (state-wait.html).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from workflows.engine import DefinitionError, ManualClock, execute


def choose(rule, data, default="Other"):
    definition = {
        "StartAt": "C",
        "States": {
            "C": {
                "Type": "Choice",
                "Choices": [{**rule, "Next": "Match"}],
                **({"Default": default} if default else {}),
            },
            "Match": {"Type": "Pass", "Result": "match", "End": True},
            "Other": {"Type": "Pass", "Result": "other", "End": True},
        },
    }
    return execute(definition, data)


@pytest.mark.parametrize(
    ("rule", "data", "expected"),
    [
        ({"Variable": "$.type", "StringEquals": "Private"}, {"type": "Private"}, "match"),
        ({"Variable": "$.type", "StringEquals": "Private"}, {"type": 1}, "other"),
        ({"Variable": "$.v", "NumericEquals": 1}, {"v": 1.0}, "match"),
        ({"Variable": "$.v", "NumericGreaterThanEquals": 20}, {"v": 20}, "match"),
        ({"Variable": "$.v", "NumericLessThan": 30}, {"v": 30}, "other"),
        ({"Variable": "$.v", "NumericEquals": 1}, {"v": "1"}, "other"),
        ({"Variable": "$.b", "BooleanEquals": True}, {"b": True}, "match"),
        ({"Variable": "$.b", "BooleanEquals": True}, {"b": 1}, "other"),
        ({"Variable": "$.s", "StringLessThan": "b"}, {"s": "a"}, "match"),
        ({"Variable": "$.s", "StringGreaterThanEquals": "b"}, {"s": "b"}, "match"),
        (
            {"Variable": "$.t", "TimestampEquals": "2001-01-01T12:00:00Z"},
            {"t": "2001-01-01T12:00:00Z"},
            "match",
        ),
        (
            {"Variable": "$.t", "TimestampLessThan": "2001-01-01T12:00:00Z"},
            {"t": "2001-01-01T11:00:00Z"},
            "match",
        ),
        (
            {"Variable": "$.t", "TimestampGreaterThan": "2001-01-01T12:00:00Z"},
            {"t": "2001-01-01T13:00:00+02:00"},
            "other",
        ),
        ({"Variable": "$.t", "TimestampEquals": "2001-01-01T12:00:00Z"}, {"t": "not a time"}, "other"),
        ({"Variable": "$.a", "NumericLessThanPath": "$.b"}, {"a": 1, "b": 2}, "match"),
        ({"Variable": "$.a", "StringEqualsPath": "$.b"}, {"a": "x", "b": "x"}, "match"),
        (
            {"Variable": "$.a", "TimestampLessThanEqualsPath": "$.b"},
            {"a": "2020-01-01T00:00:00Z", "b": "2020-01-01T00:00:00Z"},
            "match",
        ),
        ({"Variable": "$.a", "BooleanEqualsPath": "$.b"}, {"a": False, "b": False}, "match"),
        ({"Variable": "$.x", "IsPresent": True}, {"x": None}, "match"),
        ({"Variable": "$.x", "IsPresent": True}, {}, "other"),
        ({"Variable": "$.x", "IsPresent": False}, {}, "match"),
        ({"Variable": "$.x", "IsNull": True}, {"x": None}, "match"),
        ({"Variable": "$.x", "IsNumeric": True}, {"x": 1.5}, "match"),
        ({"Variable": "$.x", "IsNumeric": True}, {"x": True}, "other"),
        ({"Variable": "$.x", "IsString": True}, {"x": "s"}, "match"),
        ({"Variable": "$.x", "IsBoolean": False}, {"x": "s"}, "match"),
        ({"Variable": "$.x", "IsTimestamp": True}, {"x": "2016-03-14T01:59:00Z"}, "match"),
        ({"Variable": "$.x", "IsTimestamp": True}, {"x": "2016-03-14"}, "other"),
        ({"Variable": "$.x", "StringMatches": "log-*.txt"}, {"x": "log-2024.txt"}, "match"),
        ({"Variable": "$.x", "StringMatches": "log-*.txt"}, {"x": "log-2024.csv"}, "other"),
        ({"Variable": "$.x", "StringMatches": r"a\*b"}, {"x": "a*b"}, "match"),
        ({"Variable": "$.x", "StringMatches": r"a\*b"}, {"x": "axxb"}, "other"),
        ({"Variable": "$.x", "StringMatches": r"back\\slash*"}, {"x": "back\\slash!"}, "match"),
        ({"Not": {"Variable": "$.type", "StringEquals": "Private"}}, {"type": "Public"}, "match"),
        (
            {
                "And": [
                    {"Variable": "$.value", "NumericGreaterThanEquals": 20},
                    {"Variable": "$.value", "NumericLessThan": 30},
                ]
            },
            {"value": 25},
            "match",
        ),
        (
            {
                "And": [
                    {"Variable": "$.value", "NumericGreaterThanEquals": 20},
                    {"Variable": "$.value", "NumericLessThan": 30},
                ]
            },
            {"value": 30},
            "other",
        ),
        (
            {"Or": [{"Variable": "$.a", "IsPresent": True}, {"Variable": "$.b", "IsPresent": True}]},
            {"b": 1},
            "match",
        ),
    ],
)
def test_choice_rules(rule, data, expected):
    assert choose(rule, data).output == expected


def test_missing_variable_is_a_runtime_error():
    execution = choose({"Variable": "$.missing", "StringEquals": "x"}, {})
    assert execution.error == "States.Runtime"
    assert "Invalid path '$.missing'" in execution.cause


def test_no_match_without_default_fails_with_the_runtime_error_aws_reports():
    # The guide lists States.NoChoiceMatched, but AWS executions fail with States.Runtime and this cause.
    execution = choose({"Variable": "$.v", "NumericEquals": 1}, {"v": 2}, default=None)
    assert execution.status == "FAILED"
    assert execution.error == "States.Runtime"
    assert execution.cause == (
        "An error occurred while executing the state 'C' (entered at the event id #2). Failed to transition "
        "out of the state. The state does not point to a next state."
    )


def test_choice_applies_inputpath_and_outputpath():
    definition = {
        "StartAt": "C",
        "States": {
            "C": {
                "Type": "Choice",
                "InputPath": "$.inner",
                "OutputPath": "$.keep",
                "Choices": [{"Variable": "$.v", "NumericEquals": 1, "Next": "Done"}],
            },
            "Done": {"Type": "Succeed"},
        },
    }
    assert execute(definition, {"inner": {"v": 1, "keep": "kept"}}).output == "kept"


def test_unknown_comparison_is_a_definition_error():
    with pytest.raises(DefinitionError, match="unknown Choice comparison 'StringIs'"):
        choose({"Variable": "$.x", "StringIs": "x"}, {})


def wait(fields, data=None, clock=None):
    clock = clock or ManualClock(datetime(2024, 1, 1, tzinfo=UTC))
    definition = {"StartAt": "W", "States": {"W": {"Type": "Wait", **fields, "End": True}}}
    return execute(definition, data or {}, clock=clock), clock


def test_wait_seconds_advances_the_manual_clock_without_sleeping():
    execution, clock = wait({"Seconds": 10})
    assert execution.duration == 10
    assert clock.now() == datetime(2024, 1, 1, 0, 0, 10, tzinfo=UTC)


def test_wait_seconds_path_and_timestamp_path():
    assert wait({"SecondsPath": "$.s"}, {"s": 3})[0].duration == 3
    execution, _ = wait({"TimestampPath": "$.t"}, {"t": "2024-01-01T00:01:00Z"})
    assert execution.duration == 60


def test_wait_timestamp_in_the_past_does_not_wait():
    assert wait({"Timestamp": "2016-03-14T01:59:00Z"})[0].duration == 0


@pytest.mark.parametrize(
    ("fields", "data", "cause"),
    [
        (
            {"TimestampPath": "$.t"},
            {"t": "tomorrow"},
            "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time "
            "format string: $.t == tomorrow",
        ),
        (
            {"SecondsPath": "$.s"},
            {"s": -1},
            "The SecondsPath parameter references a negative value: $.s == -1",
        ),
        (
            {"SecondsPath": "$.s"},
            {"s": "10"},
            "The SecondsPath parameter cannot be parsed as a long value: $.s == 10",
        ),
        ({"SecondsPath": "$.s"}, {}, "The SecondsPath parameter does not reference an input value: $.s"),
    ],
)
def test_wait_path_values_that_cannot_be_used_are_runtime_errors(fields, data, cause):
    execution, _ = wait(fields, data)
    assert execution.error == "States.Runtime"
    assert execution.cause.endswith(cause)


def test_wait_seconds_must_be_a_non_negative_integer():
    with pytest.raises(DefinitionError, match="non-negative integer"):
        wait({"Seconds": -5})


def test_wait_needs_exactly_one_field():
    with pytest.raises(DefinitionError, match="exactly one of"):
        wait({"Seconds": 1, "Timestamp": "2016-03-14T01:59:00Z"})


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"Variable": "$.v", "NumericEquals": "1"}, "NumericEquals needs a number"),
        ({"Variable": "$.v", "StringEquals": 1}, "StringEquals needs a string"),
        ({"Variable": "$.v", "BooleanEquals": "true"}, "BooleanEquals needs true or false"),
        ({"Variable": "$.v", "TimestampEquals": "yesterday"}, "TimestampEquals needs an RFC 3339 timestamp"),
        ({"Variable": "$.v", "IsNull": "yes"}, "IsNull needs true or false"),
    ],
)
def test_comparison_operands_of_the_wrong_type_are_definition_errors(rule, message):
    with pytest.raises(DefinitionError, match=message):
        choose(rule, {})


ENTERED = "An error occurred while executing the state 'W' (entered at the event id #2). "


@pytest.mark.parametrize(("days", "status"), [(24855, "SUCCEEDED"), (24856, "FAILED")])
def test_a_timestamp_too_far_ahead_fails_at_once(days, status):
    # Recorded AWS executions (LocalStack's AWS-validated snapshot v2/base/test_wait.snapshot.json,
    # test_timestamp_too_far_in_future_boundary): now + 24,855 days waits, now + 24,856 days fails with
    # States.Runtime "Wait state delay is too long." (the delay is a signed 32-bit count of seconds).
    start = datetime(2024, 1, 1, tzinfo=UTC)
    clock = ManualClock(start)
    moment = (start + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    execution, _ = wait({"TimestampPath": "$.start_at"}, {"start_at": moment}, clock)
    assert execution.status == status
    if status == "FAILED":
        assert (execution.error, execution.cause) == (
            "States.Runtime",
            ENTERED + "Wait state delay is too long.",
        )
        assert clock.slept == []


@pytest.mark.parametrize(
    "stamp", ["2016-12-05 21:29:29Z", "2016-12-05T21:29:29", "2016-13-05T21:29:29Z", "2016-12-05T25:29:29Z"]
)
def test_jsonata_timestamp_is_validated_as_aws_validates_it(stamp):
    # Recorded AWS executions (v2/scenarios/test_base_scenarios.snapshot.json, test_wait_timestamp_jsonata):
    # a JSONata Timestamp that is not an ISO-8601 date-time with an offset is a QueryEvaluationError.
    execution, _ = wait({"Timestamp": "{% $states.input.t %}", "QueryLanguage": "JSONata"}, {"t": stamp})
    assert execution.error == "States.QueryEvaluationError"
    assert execution.cause == ENTERED + (
        "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: "
        f"{stamp}"
    )


def test_wait_paths_may_read_variables():
    # "Passing data between states with variables" (workflow-variables.html): a variable may be used in
    # SecondsPath and TimestampPath.
    clock = ManualClock(datetime(2024, 1, 1, tzinfo=UTC))
    definition = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Pass", "Assign": {"s": 5, "t": "2024-01-01T00:01:00Z"}, "Next": "W1"},
            "W1": {"Type": "Wait", "SecondsPath": "$s", "Next": "W2"},
            "W2": {"Type": "Wait", "TimestampPath": "$t", "End": True},
        },
    }
    assert execute(definition, clock=clock).status == "SUCCEEDED"
    assert clock.slept == [5, 55]
