"""Fields and expressions of one query language are rejected in a state of the other."""

from __future__ import annotations

TASK = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True}


def test_jsonpath_only_fields_in_a_jsonata_state(machine, errors_of) -> None:
    state = {**TASK, "QueryLanguage": "JSONata", "Parameters": {"a": 1}, "ResultPath": "$.r"}
    assert errors_of(machine(A=state)) == [
        ("/States/A/Parameters", "Parameters is JSONPath-only; in a JSONata state use Arguments"),
        ("/States/A/ResultPath", "ResultPath is JSONPath-only; in a JSONata state use Output (and Assign)"),
    ]


def test_jsonata_only_fields_in_a_jsonpath_state(machine, errors_of) -> None:
    assert errors_of(machine(A={**TASK, "Arguments": {"a": 1}})) == [
        ("/States/A/Arguments", 'Arguments is JSONata-only; set "QueryLanguage": "JSONata" or use Parameters')
    ]


def test_jsonata_machine_accepts_jsonata_fields(machine, errors_of) -> None:
    state = {
        **TASK,
        "Arguments": {"Payload": "{% $states.input %}"},
        "Output": "{% $states.result.Payload %}",
    }
    assert errors_of(machine(query_language="JSONata", A=state)) == []


def test_a_jsonpath_machine_may_opt_a_state_into_jsonata(machine, errors_of) -> None:
    state = {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input.a %}", "End": True}
    assert errors_of(machine(A=state)) == []


def test_a_jsonata_machine_may_not_downgrade_a_state_to_jsonpath(machine, errors_of) -> None:
    state = {"Type": "Pass", "QueryLanguage": "JSONPath", "End": True}
    [(at, message)] = errors_of(machine(query_language="JSONata", A=state))
    assert at == "/States/A/QueryLanguage"
    assert message.startswith("a state cannot use JSONPath inside a JSONata state machine, Parallel or Map")


def test_unknown_query_language(machine, errors_of) -> None:
    assert errors_of(machine(query_language="XPath", A={"Type": "Pass", "End": True})) == [
        ("/QueryLanguage", "QueryLanguage must be JSONPath or JSONata, got 'XPath'")
    ]
    assert errors_of(machine(A={"Type": "Pass", "QueryLanguage": "jsonata", "End": True})) == [
        ("/States/A/QueryLanguage", "QueryLanguage must be JSONPath or JSONata, got 'jsonata'")
    ]


def test_jsonata_choice_rules_need_condition_not_variable(machine, errors_of) -> None:
    good = {
        "Type": "Choice",
        "Choices": [{"Condition": "{% $states.input.n > 1 %}", "Next": "B"}],
        "Default": "B",
    }
    assert errors_of(machine(query_language="JSONata", A=good, B={"Type": "Succeed"})) == []
    bad = {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "B"}]}
    assert errors_of(machine(query_language="JSONata", A=bad, B={"Type": "Succeed"})) == [
        (
            "/States/A/Choices/0/NumericEquals",
            "unknown field 'NumericEquals' in a JSONata choice rule "
            "(Variable and comparison operators are JSONPath; write a Condition)",
        ),
        (
            "/States/A/Choices/0/Variable",
            "unknown field 'Variable' in a JSONata choice rule "
            "(Variable and comparison operators are JSONPath; write a Condition)",
        ),
        ("/States/A/Choices/0", "a JSONata choice rule needs Condition"),
    ]


def test_condition_in_a_jsonpath_choice_points_to_jsonata(machine, errors_of) -> None:
    rule = {"Condition": "{% true %}", "Next": "B"}
    problems = errors_of(machine(A={"Type": "Choice", "Choices": [rule]}, B={"Type": "Succeed"}))
    assert (
        "/States/A/Choices/0/Condition",
        'unknown field \'Condition\' in a choice rule (Condition is JSONata; set "QueryLanguage": "JSONata")',
    ) in problems


def test_jsonata_catch_uses_output_not_result_path(machine, errors_of) -> None:
    catcher = {"ErrorEquals": ["States.ALL"], "Next": "F", "ResultPath": "$.error"}
    state = {**TASK, "Catch": [catcher]}
    assert errors_of(machine(query_language="JSONata", A=state, F={"Type": "Fail"})) == [
        ("/States/A/Catch/0/ResultPath", "unknown field 'ResultPath'")
    ]


def test_nested_states_default_to_the_enclosing_states_language(machine, errors_of) -> None:
    processor = {
        "StartAt": "Item",
        "States": {"Item": {"Type": "Pass", "Output": "{% $states.input %}", "End": True}},
    }
    jsonata_map = {"Type": "Map", "QueryLanguage": "JSONata", "ItemProcessor": processor, "End": True}
    assert errors_of(machine(M=jsonata_map)) == []
    jsonpath_map = {"Type": "Map", "ItemProcessor": processor, "End": True}
    assert errors_of(machine(M=jsonpath_map)) == [
        (
            "/States/M/ItemProcessor/States/Item/Output",
            'Output is JSONata-only; set "QueryLanguage": "JSONata" '
            "or use ResultSelector / ResultPath / OutputPath",
        )
    ]
    downgrade = {"Type": "Pass", "QueryLanguage": "JSONPath", "End": True}
    branch = {"StartAt": "B", "States": {"B": downgrade}}
    parallel = {"Type": "Parallel", "QueryLanguage": "JSONata", "Branches": [branch], "End": True}
    [(at, _)] = errors_of(machine(P=parallel))
    assert at == "/States/P/Branches/0/States/B/QueryLanguage"
