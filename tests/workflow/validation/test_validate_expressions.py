"""JSONPath, intrinsic functions and JSONata are parsed; bad syntax is reported where it is."""

from __future__ import annotations

TASK = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True}


def test_good_paths_and_intrinsics_pass(machine, errors_of) -> None:
    state = {
        **TASK,
        "InputPath": "$.detail",
        "Parameters": {
            "Payload.$": "$",
            "Name.$": "$$.Execution.Name",
            "Text.$": "States.Format('Hi {}', $.name)",
            "Nested": {"List": [{"Id.$": "$.items[0].id"}]},
        },
        "ResultSelector": {"Body.$": "$.Payload"},
        "ResultPath": None,
        "OutputPath": "$",
    }
    assert errors_of(machine(A=state)) == []


def test_bad_path_field(machine, errors_of) -> None:
    [(at, message)] = errors_of(machine(A={**TASK, "InputPath": "$.a[", "ResultPath": 7}))[:1]
    assert at == "/States/A/InputPath" and message.startswith("bad JSONPath '$.a['")
    assert ("/States/A/ResultPath", "must be a string path or null, got int") in errors_of(
        machine(A={**TASK, "ResultPath": 7})
    )


def test_bad_dynamic_value_in_a_template(machine, errors_of) -> None:
    state = {**TASK, "Parameters": {"Deep": [{"Id.$": "$..[bad"}], "Text.$": "hello"}}
    problems = errors_of(machine(A=state))
    assert problems[0][0] == "/States/A/Parameters/Deep/0/Id.$"
    assert problems[0][1].startswith("bad JSONPath")
    assert problems[1] == (
        "/States/A/Parameters/Text.$",
        "'hello' is neither a path (starting with '$') nor an intrinsic function (States.…)",
    )


def test_bad_intrinsic_function(machine, errors_of) -> None:
    [(at, message)] = errors_of(machine(A={**TASK, "Parameters": {"Id.$": "States.Format('x', $.a"}}))
    assert at == "/States/A/Parameters/Id.$"
    assert message.startswith("bad intrinsic function \"States.Format('x', $.a\"")


def test_jsonata_text_in_a_jsonpath_state_is_flagged(machine, errors_of) -> None:
    [(at, message)] = errors_of(machine(A={**TASK, "Parameters": {"Id": "{% $states.input.id %}"}}))
    assert at == "/States/A/Parameters/Id" and "is plain text" in message


def test_bad_jsonata_anywhere_in_a_jsonata_field(machine, errors_of) -> None:
    state = {**TASK, "Arguments": {"Payload": {"Text": "{% $states.input.text & %}"}}}
    [(at, message)] = errors_of(machine(query_language="JSONata", A=state))
    assert at == "/States/A/Arguments/Payload/Text" and message.startswith(
        "bad JSONata '$states.input.text &'"
    )


def test_unterminated_and_empty_jsonata(machine, errors_of) -> None:
    state = {**TASK, "Output": {"a": "{% $states.input", "b": "{%  %}"}}
    assert errors_of(machine(query_language="JSONata", A=state)) == [
        ("/States/A/Output/a", "a JSONata expression starts with '{%' and must end with '%}'"),
        ("/States/A/Output/b", "empty JSONata expression '{% %}'"),
    ]


def test_dollar_suffix_keys_are_jsonpath_syntax(machine, errors_of) -> None:
    state = {**TASK, "Arguments": {"Payload.$": "$"}}
    assert errors_of(machine(query_language="JSONata", A=state)) == [
        (
            "/States/A/Arguments/Payload.$",
            "'Payload.$': the '.$' suffix is JSONPath syntax; in a JSONata state name the field 'Payload' "
            "and give it a {% %} value",
        )
    ]


def test_jsonata_numbers_accept_expressions(machine, errors_of) -> None:
    wait = {"Type": "Wait", "Seconds": "{% $states.input.delay %}", "End": True}
    assert errors_of(machine(query_language="JSONata", A=wait)) == []
    assert errors_of(machine(A={"Type": "Wait", "Seconds": "{% $states.input.delay %}", "End": True})) == [
        ("/States/A/Seconds", "must be a non-negative integer, got '{% $states.input.delay %}'")
    ]


def test_fail_error_path_accepts_an_intrinsic(machine, errors_of) -> None:
    fail = {"Type": "Fail", "ErrorPath": "$.error", "CausePath": "States.Format('failed: {}', $.cause)"}
    assert errors_of(machine(A=fail)) == []


def test_assign_values_are_checked_in_both_languages(machine, errors_of) -> None:
    jsonpath = {"Type": "Pass", "Assign": {"count.$": "$.n[", "fixed": 1}, "End": True}
    assert errors_of(machine(A=jsonpath))[0][0] == "/States/A/Assign/count.$"
    jsonata = {"Type": "Pass", "Assign": {"count": "{% $states.input.n + %}"}, "End": True}
    assert errors_of(machine(query_language="JSONata", A=jsonata))[0][0] == "/States/A/Assign/count"


def test_result_path_must_be_a_reference_path(machine, errors_of) -> None:
    assert errors_of(machine(A={**TASK, "ResultPath": "$.results"})) == []
    assert errors_of(machine(A={**TASK, "ResultPath": "$.items[*].id"})) == [
        (
            "/States/A/ResultPath",
            "'$.items[*].id' must be a reference path naming one node (no *, .., [?], [a:b])",
        )
    ]


def test_credentials_role_arn_path_is_checked(machine, errors_of) -> None:
    assert errors_of(machine(A={**TASK, "Credentials": {"RoleArn.$": "$.role"}})) == []
    [(at, message)] = errors_of(machine(A={**TASK, "Credentials": {"RoleArn.$": "$.role["}}))
    assert at == "/States/A/Credentials/RoleArn.$" and message.startswith("bad JSONPath")
