"""Structure: top-level fields, state types and their fields, transitions, reachability, scopes."""

from __future__ import annotations

import json

from workflows import validate
from workflows.validation import Problem, Severity

PASS_END = {"Type": "Pass", "End": True}


def test_a_minimal_machine_is_valid(machine, errors_of) -> None:
    assert errors_of(machine(A=PASS_END)) == []


def test_text_is_parsed_and_bad_json_is_one_problem(machine, errors_of) -> None:
    assert errors_of(json.dumps(machine(A=PASS_END))) == []
    [(at, message)] = errors_of('{"StartAt": ')
    assert at == "" and message.startswith("not valid JSON")


def test_problem_knows_state_pointer_and_severity(machine) -> None:
    [problem] = validate(machine(A={"Type": "Pass", "End": True, "Colour": "red"}))
    assert problem == Problem(
        "A", "/States/A/Colour", "unknown field 'Colour' for a Pass state", Severity.ERROR
    )
    assert str(problem) == "error: state 'A' at /States/A/Colour: unknown field 'Colour' for a Pass state"


def test_top_level_needs_start_at_and_states(errors_of) -> None:
    assert ("", "a state machine needs StartAt") in errors_of({"States": {"A": PASS_END}})
    assert ("", "a state machine needs a non-empty States object") in errors_of({"StartAt": "A"})


def test_unknown_top_level_field_and_bad_timeout(machine, errors_of) -> None:
    definition = {**machine(A=PASS_END), "Startat": "A", "TimeoutSeconds": 0}
    assert sorted(errors_of(definition)) == [
        ("/Startat", "unknown field 'Startat' in a state machine"),
        ("/TimeoutSeconds", "TimeoutSeconds must be a positive integer"),
    ]


def test_start_at_must_name_a_state(errors_of) -> None:
    # Only the cause is reported: with no valid StartAt, calling every state unreachable would be noise.
    assert errors_of({"StartAt": "B", "States": {"A": PASS_END}}) == [
        ("/StartAt", "no state named 'B' in this scope")
    ]


def test_unknown_and_missing_type(machine, errors_of) -> None:
    [(at, message)] = errors_of(machine(A={"Type": "Sleep", "End": True}))
    assert at == "/States/A/Type" and message.startswith("unknown Type 'Sleep'; one of Pass, Task")
    [(at, message)] = errors_of(machine(A={"End": True}))
    assert at == "/States/A" and message.startswith("a state needs a Type")


def test_next_must_exist(machine, errors_of) -> None:
    assert errors_of(machine(A={"Type": "Pass", "Next": "Nowhere"})) == [
        ("/States/A/Next", "no state named 'Nowhere' in this scope")
    ]
    assert errors_of(machine(A={"Type": "Pass", "Next": "B"}, B=PASS_END)) == []


def test_missing_next_or_end_and_both(machine, errors_of) -> None:
    assert errors_of(machine(A={"Type": "Pass"})) == [("/States/A", 'a Pass state needs Next or "End": true')]
    both = machine(A={"Type": "Pass", "Next": "B", "End": True}, B=PASS_END)
    assert errors_of(both) == [("/States/A/End", "Next and End cannot both be set")]
    assert errors_of(machine(A={"Type": "Pass", "End": False})) == [
        ("/States/A/End", "End must be true (omit it and give Next instead)")
    ]


def test_terminal_states_take_no_next(machine, errors_of) -> None:
    definition = machine(A={"Type": "Succeed", "Next": "B"}, B={"Type": "Fail", "End": True})
    assert errors_of(definition) == [
        ("/States/A/Next", "a Succeed state is terminal: it takes no Next"),
        ("/States/B/End", "a Fail state is terminal: it takes no End"),
        ("/States/B", "state 'B' is unreachable from StartAt"),
    ]
    assert errors_of(machine(A={"Type": "Succeed"})) == []


def test_unreachable_states_are_reported_and_catch_targets_count_as_reachable(machine, errors_of) -> None:
    assert errors_of(machine(A=PASS_END, Orphan=PASS_END)) == [
        ("/States/Orphan", "state 'Orphan' is unreachable from StartAt")
    ]
    task = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "End": True,
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handle"}],
    }
    assert errors_of(machine(A=task, Handle={"Type": "Fail"})) == []


def test_fields_of_another_state_type_are_unknown(machine, errors_of) -> None:
    assert errors_of(
        machine(A={"Type": "Pass", "Resource": "arn:aws:states:::lambda:invoke", "End": True})
    ) == [("/States/A/Resource", "unknown field 'Resource' for a Pass state")]


def test_required_fields_per_type(machine, errors_of) -> None:
    assert ("/States/A", "a Task state needs Resource") in errors_of(machine(A={"Type": "Task", "End": True}))
    assert ("/States/A", "a Parallel state needs a non-empty Branches array") in errors_of(
        machine(A={"Type": "Parallel", "End": True})
    )
    assert ("/States/A", "a Choice state needs a non-empty Choices array") in errors_of(
        machine(A={"Type": "Choice"})
    )
    assert ("/States/A", "a Map state needs ItemProcessor (or the older Iterator)") in errors_of(
        machine(A={"Type": "Map", "End": True})
    )


def test_wait_needs_exactly_one_duration(machine, errors_of) -> None:
    assert errors_of(machine(A={"Type": "Wait", "Seconds": 5, "End": True})) == []
    assert errors_of(machine(A={"Type": "Wait", "End": True})) == [
        (
            "/States/A",
            "a Wait state needs exactly one of Seconds, SecondsPath, Timestamp, TimestampPath (found 0)",
        )
    ]
    bad = machine(A={"Type": "Wait", "Seconds": -1, "Timestamp": "yesterday", "End": True})
    assert ("/States/A/Seconds", "must be a non-negative integer, got -1") in errors_of(bad)
    assert ("/States/A/Timestamp", "must be an RFC 3339 timestamp, got 'yesterday'") in errors_of(bad)


def test_mutually_exclusive_fields(machine, errors_of) -> None:
    assert errors_of(machine(A={"Type": "Fail", "Error": "E", "ErrorPath": "$.e"})) == [
        ("/States/A/ErrorPath", "Error and ErrorPath cannot both be set")
    ]


def test_task_timeouts(machine, errors_of) -> None:
    task = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True}
    assert errors_of(machine(A={**task, "TimeoutSeconds": 10, "HeartbeatSeconds": 5})) == []
    assert errors_of(machine(A={**task, "TimeoutSeconds": 10, "HeartbeatSeconds": 10})) == [
        ("/States/A/HeartbeatSeconds", "HeartbeatSeconds must be smaller than TimeoutSeconds")
    ]
    assert errors_of(machine(A={**task, "TimeoutSeconds": 0})) == [
        ("/States/A/TimeoutSeconds", "must be a positive integer, got 0")
    ]


def test_state_names_are_short_and_unique_across_branches(machine, errors_of) -> None:
    long_name = "N" * 81
    assert errors_of(machine(**{long_name: PASS_END})) == [
        (f"/States/{long_name}", "state names are at most 80 characters")
    ]
    parallel = {"Type": "Parallel", "End": True, "Branches": [{"StartAt": "A", "States": {"A": PASS_END}}]}
    [(at, message)] = errors_of(machine(A=parallel))
    assert at == "/States/A/Branches/0/States/A"
    assert message == "state name 'A' is already used at /States/A; names are unique per machine"


def test_pointer_escapes_slashes_in_state_names(machine, errors_of) -> None:
    assert errors_of(machine(**{"a/b": {"Type": "Pass", "End": True, "X": 1}})) == [
        ("/States/a~1b/X", "unknown field 'X' for a Pass state")
    ]


def test_a_definition_must_be_an_object(errors_of) -> None:
    assert errors_of("[]") == [("", "a state machine definition is a JSON object, got list")]
    assert errors_of({"StartAt": "A", "States": {"A": "Pass"}}) == [
        ("/States/A", "a state must be an object")
    ]
