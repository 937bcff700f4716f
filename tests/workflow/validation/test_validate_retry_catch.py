"""Retry and Catch: ErrorEquals, States.ALL alone and last, retrier numbers, catcher targets."""

from __future__ import annotations

import pytest

TASK = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True}


def test_valid_retry_and_catch(machine, errors_of) -> None:
    state = {
        **TASK,
        "Retry": [
            {"ErrorEquals": ["Lambda.TooManyRequestsException"], "IntervalSeconds": 1, "MaxAttempts": 0},
            {
                "ErrorEquals": ["States.ALL"],
                "BackoffRate": 1,
                "MaxDelaySeconds": 60,
                "JitterStrategy": "FULL",
            },
        ],
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F", "ResultPath": "$.error"}],
    }
    assert errors_of(machine(A=state, F={"Type": "Fail"})) == []


@pytest.mark.parametrize(
    ("retrier", "at", "message"),
    [
        ({}, "/States/A/Retry/0", "a retrier needs ErrorEquals"),
        (
            {"ErrorEquals": []},
            "/States/A/Retry/0/ErrorEquals",
            "ErrorEquals must be a non-empty array of error names",
        ),
        (
            {"ErrorEquals": ["States.ALL", "States.Timeout"]},
            "/States/A/Retry/0/ErrorEquals",
            "States.ALL must be the only error name in its ErrorEquals",
        ),
        (
            {"ErrorEquals": ["E"], "MaxAttempts": -1},
            "/States/A/Retry/0/MaxAttempts",
            "MaxAttempts must be an integer ≥ 0, got -1",
        ),
        (
            {"ErrorEquals": ["E"], "BackoffRate": 0.5},
            "/States/A/Retry/0/BackoffRate",
            "BackoffRate must be a number ≥ 1.0, got 0.5",
        ),
        (
            {"ErrorEquals": ["E"], "IntervalSeconds": 0},
            "/States/A/Retry/0/IntervalSeconds",
            "IntervalSeconds must be an integer ≥ 1, got 0",
        ),
        (
            {"ErrorEquals": ["E"], "JitterStrategy": "SOME"},
            "/States/A/Retry/0/JitterStrategy",
            "JitterStrategy must be FULL or NONE, got 'SOME'",
        ),
        (
            {"ErrorEquals": ["E"], "MaxDelaySeconds": 0},
            "/States/A/Retry/0/MaxDelaySeconds",
            "MaxDelaySeconds must be an integer from 1 to 31622400, got 0",
        ),
        ({"ErrorEquals": ["E"], "Backoff": 2}, "/States/A/Retry/0/Backoff", "unknown field 'Backoff'"),
    ],
)
def test_bad_retrier(machine, errors_of, retrier, at, message) -> None:
    assert errors_of(machine(A={**TASK, "Retry": [retrier]})) == [(at, message)]


def test_states_all_must_be_the_last_retrier_and_catcher(machine, errors_of) -> None:
    state = {
        **TASK,
        "Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["E"]}],
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}, {"ErrorEquals": ["E"], "Next": "F"}],
    }
    assert errors_of(machine(A=state, F={"Type": "Fail"})) == [
        ("/States/A/Retry/0/ErrorEquals", "the retrier with States.ALL must be the last one"),
        ("/States/A/Catch/0/ErrorEquals", "the catcher with States.ALL must be the last one"),
    ]


def test_catcher_needs_an_existing_next(machine, errors_of) -> None:
    state = {**TASK, "Catch": [{"ErrorEquals": ["E"]}, {"ErrorEquals": ["F"], "Next": "Nowhere"}]}
    assert errors_of(machine(A=state)) == [
        ("/States/A/Catch/0", "a catcher needs Next"),
        ("/States/A/Catch/1/Next", "no state named 'Nowhere' in this scope"),
    ]


def test_retry_and_catch_must_be_arrays(machine, errors_of) -> None:
    assert errors_of(machine(A={**TASK, "Retry": {}, "Catch": "all"})) == [
        ("/States/A/Retry", "Retry must be an array of retriers"),
        ("/States/A/Catch", "Catch must be an array of catchers"),
    ]


def test_catcher_result_path_is_a_path(machine, errors_of) -> None:
    state = {**TASK, "Catch": [{"ErrorEquals": ["E"], "Next": "F", "ResultPath": "error"}]}
    [(at, message)] = errors_of(machine(A=state, F={"Type": "Fail"}))
    assert at == "/States/A/Catch/0/ResultPath" and message.startswith("bad JSONPath 'error'")
