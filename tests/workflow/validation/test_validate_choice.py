"""JSONPath Choice rules: exactly one operator, typed values, *Path values are paths, nesting."""

from __future__ import annotations

END = {"Type": "Succeed"}


def choice(*rules, **extra):
    return {"Type": "Choice", "Choices": list(rules), **extra}


def test_valid_rules_with_nesting_and_default(machine, errors_of) -> None:
    rules = [
        {"Variable": "$.sentiment", "StringEquals": "NEGATIVE", "Next": "Yes"},
        {
            "And": [
                {"Variable": "$.score", "NumericGreaterThanPath": "$.threshold"},
                {"Not": {"Variable": "$.muted", "BooleanEquals": True}},
                {
                    "Or": [
                        {"Variable": "$.at", "TimestampLessThan": "2024-01-31T12:00:00Z"},
                        {"Variable": "$.x", "IsPresent": False},
                    ]
                },
            ],
            "Next": "Yes",
        },
    ]
    assert errors_of(machine(C=choice(*rules, Default="No"), Yes=END, No=END)) == []


def test_rule_needs_exactly_one_operator(machine, errors_of) -> None:
    two = {"Variable": "$.a", "StringEquals": "x", "IsNull": False, "Next": "Yes"}
    none = {"Variable": "$.a", "Next": "Yes"}
    assert errors_of(machine(C=choice(two, none), Yes=END)) == [
        (
            "/States/C/Choices/0",
            "a choice rule needs exactly one comparison operator or And/Or/Not (found: StringEquals, IsNull)",
        ),
        (
            "/States/C/Choices/1",
            "a choice rule needs exactly one comparison operator or And/Or/Not (found: none)",
        ),
    ]


def test_operator_values_are_typed(machine, errors_of) -> None:
    rules = [
        {"Variable": "$.a", "NumericEquals": "1", "Next": "Yes"},
        {"Variable": "$.a", "TimestampEquals": "monday", "Next": "Yes"},
        {"Variable": "$.a", "IsString": "yes", "Next": "Yes"},
    ]
    problems = errors_of(machine(C=choice(*rules), Yes=END))
    assert problems == [
        ("/States/C/Choices/0/NumericEquals", "NumericEquals needs a number, got '1'"),
        (
            "/States/C/Choices/1/TimestampEquals",
            "TimestampEquals needs an RFC 3339 timestamp such as 2024-01-31T12:00:00Z, got 'monday'",
        ),
        ("/States/C/Choices/2/IsString", "IsString needs true or false, got 'yes'"),
    ]


def test_path_operators_and_variable_are_paths(machine, errors_of) -> None:
    rule = {"Variable": "a.b", "StringEqualsPath": "$.[", "Next": "Yes"}
    pointers = [at for at, _ in errors_of(machine(C=choice(rule), Yes=END))]
    assert pointers == ["/States/C/Choices/0/Variable", "/States/C/Choices/0/StringEqualsPath"]


def test_comparison_needs_variable_and_combinators_do_not_take_one(machine, errors_of) -> None:
    assert errors_of(machine(C=choice({"StringEquals": "x", "Next": "Yes"}), Yes=END)) == [
        ("/States/C/Choices/0", "the comparison StringEquals needs a Variable")
    ]
    rule = {"Variable": "$.a", "Not": {"Variable": "$.a", "IsNull": True}, "Next": "Yes"}
    assert errors_of(machine(C=choice(rule), Yes=END)) == [
        ("/States/C/Choices/0/Variable", "And/Or/Not rules do not take a Variable")
    ]


def test_next_only_on_top_level_rules(machine, errors_of) -> None:
    nested = {"And": [{"Variable": "$.a", "IsNull": True, "Next": "Yes"}], "Next": "Yes"}
    missing = {"Variable": "$.a", "IsNull": True}
    assert errors_of(machine(C=choice(nested, missing), Yes=END)) == [
        ("/States/C/Choices/0/And/0/Next", "Next is only allowed on a top-level choice rule"),
        ("/States/C/Choices/1", "a top-level choice rule needs Next"),
    ]


def test_and_or_need_non_empty_arrays(machine, errors_of) -> None:
    assert errors_of(machine(C=choice({"Or": [], "Next": "Yes"}), Yes=END)) == [
        ("/States/C/Choices/0/Or", "Or needs a non-empty array of choice rules")
    ]


def test_choice_and_default_targets_must_exist(machine, errors_of) -> None:
    rule = {"Variable": "$.a", "IsNull": True, "Next": "Missing"}
    assert errors_of(machine(C=choice(rule, Default="Gone"))) == [
        ("/States/C/Choices/0/Next", "no state named 'Missing' in this scope"),
        ("/States/C/Default", "no state named 'Gone' in this scope"),
    ]


def test_choice_takes_no_next_or_end(machine, errors_of) -> None:
    rule = {"Variable": "$.a", "IsNull": True, "Next": "Yes"}
    assert errors_of(machine(C=choice(rule, End=True), Yes=END)) == [
        ("/States/C/End", "a Choice state transitions through its Choices and Default: it takes no End")
    ]


def test_a_choice_without_default_is_a_warning(machine) -> None:
    from workflows import validate
    from workflows.validation import Severity

    rule = {"Variable": "$.a", "IsNull": True, "Next": "Yes"}
    [problem] = validate(machine(C=choice(rule), Yes=END))
    assert (problem.severity, problem.pointer) == (Severity.WARNING, "/States/C")
    # What AWS executions report (the engine README's Choice entry); the guide's name is mentioned too.
    assert "fails with States.Runtime" in problem.message
    assert validate(machine(C=choice(rule, Default="Yes"), Yes=END)) == []


def test_timestamps_need_a_time_zone(machine, errors_of) -> None:
    good = {"Variable": "$.at", "TimestampEquals": "2024-01-31T12:00:00+01:00", "Next": "Yes"}
    assert errors_of(machine(C=choice(good, Default="Yes"), Yes=END)) == []
    bad = {"Variable": "$.at", "TimestampEquals": "2024-01-31T12:00:00", "Next": "Yes"}
    [(at, _)] = errors_of(machine(C=choice(bad, Default="Yes"), Yes=END))
    assert at == "/States/C/Choices/0/TimestampEquals"
