"""JSONata query language and workflow variables.

Guide pages: "Transforming data with JSONata in Step Functions"
(https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html) and "Passing data between
states with variables" (workflow-variables.html).
"""

from __future__ import annotations

import pytest
from engine_support import chain, single

from workflows.engine import DefinitionError, ManualClock, TaskFailure, execute

INVOKE = "arn:aws:states:::lambda:invoke"
JSONATA = {"QueryLanguage": "JSONata"}


def test_jsonata_task_arguments_and_output():
    definition = single(
        {
            "Type": "Task",
            "Resource": INVOKE,
            "Arguments": {"FunctionName": "Greet", "Payload": {"name": "{% $states.input.customer.name %}"}},
            "Output": "{% $states.result.Payload %}",
        },
        **JSONATA,
    )
    functions = {"Greet": lambda event, ctx: {"greeting": "Hello " + event["name"]}}
    assert execute(definition, {"customer": {"name": "Ana"}}, functions=functions).output == {
        "greeting": "Hello Ana"
    }


def test_jsonata_default_output_of_a_task_is_the_result():
    resource = "arn:aws:states:::aws-sdk:comprehend:detectSentiment"
    definition = single({"Type": "Task", "Resource": resource}, **JSONATA)
    assert execute(definition, {"x": 1}, handlers={resource: lambda args, inv: {"got": args}}).output == {
        "got": {"x": 1}
    }


def test_jsonata_expressions_inside_strings_and_nested_templates():
    definition = single(
        {
            "Type": "Pass",
            "Output": {
                "total": "{% $sum($states.input.items.price) %}",
                "first": "{% $states.input.items[0].name %}",
                "literal": "plain text",
                "nulls": "{% null %}",
                "execution": "{% $states.context.Execution.Name %}",
            },
        },
        **JSONATA,
    )
    execution = execute(
        definition, {"items": [{"name": "a", "price": 2}, {"name": "b", "price": 3.5}]}, name="e1"
    )
    assert execution.output == {
        "total": 5.5,
        "first": "a",
        "literal": "plain text",
        "nulls": None,
        "execution": "e1",
    }


def test_jsonata_whole_numbers_are_integers():
    definition = single({"Type": "Pass", "Output": "{% $states.input.a / 2 %}"}, **JSONATA)
    output = execute(definition, {"a": 8}).output
    assert output == 4 and type(output) is int


def test_jsonata_null_input_values_stay_null():
    definition = single(
        {"Type": "Pass", "Output": {"v": "{% $states.input.v %}", "isNull": "{% $states.input.v = null %}"}},
        **JSONATA,
    )
    assert execute(definition, {"v": None}).output == {"v": None, "isNull": True}


def test_jsonata_choice_condition():
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "C",
        "States": {
            "C": {
                "Type": "Choice",
                "Default": "Low",
                "Choices": [
                    {
                        "Condition": "{% $states.input.value > 10 %}",
                        "Next": "High",
                        "Output": {"level": "high"},
                    }
                ],
            },
            "High": {"Type": "Succeed"},
            "Low": {"Type": "Succeed", "Output": {"level": "low"}},
        },
    }
    assert execute(definition, {"value": 11}).output == {"level": "high"}
    assert execute(definition, {"value": 1}).output == {"level": "low"}


def test_jsonata_condition_must_be_boolean():
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "C",
        "States": {
            "C": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.value %}", "Next": "D"}]},
            "D": {"Type": "Succeed"},
        },
    }
    assert execute(definition, {"value": 3}).error == "States.QueryEvaluationError"


def test_jsonata_map_items_and_item_selector():
    definition = single(
        {
            "Type": "Map",
            "Items": "{% $states.input.numbers %}",
            "ItemSelector": {
                "n": "{% $states.context.Map.Item.Value %}",
                "i": "{% $states.context.Map.Item.Index %}",
                "k": "{% $states.input.k %}",
            },
            "ItemProcessor": {
                "StartAt": "Double",
                "States": {
                    "Double": {
                        "Type": "Pass",
                        "Output": "{% $states.input.n * $states.input.k + $states.input.i %}",
                        "End": True,
                    }
                },
            },
            "MaxConcurrency": "{% 2 %}",
        },
        **JSONATA,
    )
    assert execute(definition, {"numbers": [1, 2, 3], "k": 10}).output == [10, 21, 32]


def test_jsonata_wait_seconds_and_fail_fields():
    clock = ManualClock()
    definition = chain(
        ("W", {"Type": "Wait", "Seconds": "{% $states.input.delay %}"}),
        (
            "F",
            {
                "Type": "Fail",
                "Error": "{% 'Err.' & $states.input.kind %}",
                "Cause": "{% 'delay was ' & $string($states.input.delay) %}",
            },
        ),
        **JSONATA,
    )
    execution = execute(definition, {"delay": 7, "kind": "Slow"}, clock=clock)
    assert (execution.error, execution.cause) == ("Err.Slow", "delay was 7")
    assert execution.duration == 7


def test_jsonata_evaluation_error_is_a_query_evaluation_error():
    definition = single({"Type": "Pass", "Output": "{% $number('x') + $undefinedFunction() %}"}, **JSONATA)
    execution = execute(definition, {})
    assert execution.error == "States.QueryEvaluationError"


def test_jsonata_catch_error_output_and_assign():
    resource = "arn:aws:states:::aws-sdk:comprehend:detectSentiment"

    def failing(arguments, invocation):
        raise TaskFailure("Bad", "because")

    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": resource,
                "End": True,
                "Catch": [
                    {
                        "ErrorEquals": ["States.ALL"],
                        "Next": "R",
                        "Assign": {"failure": "{% $states.errorOutput.Error %}"},
                        "Output": {"in": "{% $states.input %}", "err": "{% $states.errorOutput %}"},
                    }
                ],
            },
            "R": {
                "Type": "Pass",
                "Output": {"was": "{% $failure %}", "prev": "{% $states.input %}"},
                "End": True,
            },
        },
    }
    assert execute(definition, {"a": 1}, handlers={resource: failing}).output == {
        "was": "Bad",
        "prev": {"in": {"a": 1}, "err": {"Error": "Bad", "Cause": "because"}},
    }


@pytest.mark.parametrize("field", ["InputPath", "Parameters", "ResultPath", "OutputPath", "ResultSelector"])
def test_jsonpath_fields_are_rejected_in_jsonata_states(field):
    with pytest.raises(
        DefinitionError,
        match=f"set to 'JSONata', but field '{field}' is only supported for the 'JSONPath'",
    ):
        execute(single({"Type": "Pass", field: "$"}, **JSONATA), {})


def test_jsonata_fields_are_rejected_in_jsonpath_states():
    with pytest.raises(
        DefinitionError, match="field 'Output' is only supported for the 'JSONata' QueryLanguage"
    ):
        execute(single({"Type": "Pass", "Output": "{% 1 %}"}), {})


def test_per_state_query_language():
    definition = chain(
        ("Path", {"Type": "Pass", "Parameters": {"v.$": "$.a"}}),
        ("Nata", {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input.v + 1 %}"}),
    )
    assert execute(definition, {"a": 1}).output == 2


def test_variables_assign_and_reference_in_both_languages():
    definition = chain(
        ("Set", {"Type": "Pass", "Assign": {"productName": "product1", "count": 42, "available": True}}),
        ("UsePath", {"Type": "Pass", "Parameters": {"name.$": "$productName", "n.$": "$count"}}),
        (
            "UseNata",
            {
                "Type": "Pass",
                "QueryLanguage": "JSONata",
                "Output": {
                    "name": "{% $productName %}",
                    "more": "{% $count + 1 %}",
                    "prev": "{% $states.input %}",
                },
            },
        ),
    )
    assert execute(definition, {}).output == {
        "name": "product1",
        "more": 43,
        "prev": {"name": "product1", "n": 42},
    }


def test_all_assignments_in_one_assign_see_the_old_values():
    definition = chain(
        ("Init", {"Type": "Pass", "Assign": {"a": 1, "b": 2}}),
        ("Swap", {"Type": "Pass", "Assign": {"a.$": "$b", "b.$": "$a"}}),
        ("Show", {"Type": "Pass", "Parameters": {"a.$": "$a", "b.$": "$b"}}),
    )
    assert execute(definition, {}).output == {"a": 2, "b": 1}


def test_jsonpath_assign_sees_the_result_after_result_selector_before_resultpath():
    resource = "arn:aws:states:::aws-sdk:comprehend:detectSentiment"
    definition = chain(
        (
            "T",
            {
                "Type": "Task",
                "Resource": resource,
                "ResultSelector": {"s.$": "$.Sentiment"},
                "Assign": {"sentiment.$": "$.s"},
                "ResultPath": "$.r",
            },
        ),
        ("Show", {"Type": "Pass", "Parameters": {"v.$": "$sentiment", "r.$": "$.r"}}),
    )
    output = execute(definition, {}, handlers={resource: lambda a, i: {"Sentiment": "NEGATIVE"}}).output
    assert output == {"v": "NEGATIVE", "r": {"s": "NEGATIVE"}}


def test_jsonata_output_does_not_see_assignments_of_the_same_state():
    definition = chain(
        ("Init", {"Type": "Pass", "Assign": {"x": "old"}}),
        ("Both", {"Type": "Pass", "Assign": {"x": "new"}, "Output": {"x": "{% $x %}"}}),
        ("After", {"Type": "Pass", "Output": {"x": "{% $x %}"}}),
        **JSONATA,
    )
    execution = execute(definition, {})
    assert execution.output == {"x": "new"}
    both_exit = [e for e in execution.history if e["type"] == "PassStateExited"][1]
    assert both_exit["stateExitedEventDetails"]["output"] == '{"x":"old"}'


def test_branch_variables_are_copies_and_do_not_leak_out():
    definition = chain(
        ("Init", {"Type": "Pass", "Assign": {"outer": 1}}),
        (
            "P",
            {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "B",
                        "States": {
                            "B": {
                                "Type": "Pass",
                                "Assign": {"outer": 99, "inner": 2},
                                "Parameters": {"seen.$": "$outer"},
                                "End": True,
                            }
                        },
                    }
                ],
            },
        ),
        ("Show", {"Type": "Pass", "Parameters": {"outer.$": "$outer", "branch.$": "$[0].seen"}}),
    )
    assert execute(definition, {}).output == {"outer": 1, "branch": 1}
    leaking = chain(
        ("Init", definition["States"]["Init"]),
        ("P", definition["States"]["P"] | {"Next": "Use"}),
        ("Use", {"Type": "Pass", "Parameters": {"v.$": "$inner"}}),
    )
    execution = execute(leaking, {})
    assert execution.error == "States.Runtime" and "'$inner'" in execution.cause


def test_map_iterations_read_outer_variables():
    definition = chain(
        ("Init", {"Type": "Pass", "Assign": {"factor": 3}}),
        (
            "M",
            {
                "Type": "Map",
                "ItemProcessor": {
                    "StartAt": "I",
                    "States": {
                        "I": {
                            "Type": "Pass",
                            "QueryLanguage": "JSONata",
                            "Output": "{% $states.input * $factor %}",
                            "End": True,
                        }
                    },
                },
            },
        ),
    )
    assert execute(definition, [1, 2]).output == [3, 6]


def test_jsonata_required_field_that_yields_nothing():
    execution = execute(single({"Type": "Pass", "Output": "{% $states.input.missing %}"}, **JSONATA), {})
    assert execution.error == "States.QueryEvaluationError"
    assert execution.cause == (
        "An error occurred while executing the state 'S' (entered at the event id #2). The JSONata "
        "expression '$states.input.missing' specified for the field 'Output' returned nothing (undefined)."
    )
    assert [event["type"] for event in execution.history][-2:] == ["EvaluationFailed", "ExecutionFailed"]


@pytest.mark.parametrize("name", ["states", "1st", "has-dash", "x" * 81])
def test_invalid_variable_names_are_definition_errors(name):
    with pytest.raises(DefinitionError, match="not a valid variable name"):
        execute(single({"Type": "Pass", "Assign": {name: 1}}), {})


def test_step_functions_jsonata_functions():
    # transforming-data.html, "JSONata functions provided by Step Functions".
    definition = single(
        {
            "Type": "Pass",
            "Output": {
                "partition": "{% $partition([1,2,3,4], 3) %}",
                "range": "{% $range(0, 10, 2) %}",
                "hash": "{% $hash('input data', 'SHA-1') %}",
                "parsed": "{% $parse($states.input.json) %}",
                "uuid": "{% $length($uuid()) %}",
                "random": "{% $random() < 1 and $random() >= 0 %}",
                "seeded": "{% $random(7) = $random(7) %}",
            },
        },
        **JSONATA,
    )
    assert execute(definition, {"json": '{"a": [1, null]}'}).output == {
        "partition": [[1, 2, 3], [4]],
        "range": [0, 2, 4, 6, 8, 10],
        "hash": "aaff4a450a104cd177d28d18d74485e8cae074b7",
        "parsed": {"a": [1, None]},
        "uuid": 36,
        "random": True,
        "seeded": True,
    }


def test_step_functions_jsonata_functions_truncate_and_collapse_like_aws():
    definition = single(
        {
            "Type": "Pass",
            "Output": {
                "chunks": "{% $partition([1, 2, 3, 4, 5], 2.9) %}",
                "range": "{% $range(-1.7, 2, 1) %}",
                "single": "{% $range(3, 3, 1) %}",
            },
        },
        **JSONATA,
    )
    assert execute(definition, {}).output == {
        "chunks": [[1, 2], [3, 4], [5]],
        "range": [-1, 0, 1, 2],
        "single": 3,
    }


@pytest.mark.parametrize(
    ("expression", "cause"),
    [
        ("$range(1, 5)", "returned nothing (undefined)."),
        ("$range(5, 1, 1)", "returned nothing (undefined)."),
        ("$partition([], 2)", "returned nothing (undefined)."),
        ("$partition([1], 0)", "returned nothing (undefined)."),
        ("$hash('x')", "returned nothing (undefined)."),
        ("$range(1, 400000, 1)", "Expression evaluation memory limit exceeded"),
        ("$eval('1')", "T1006: Attempted to invoke a non-function"),
        ("$parse('{nope')", "$parse needs a JSON string"),
    ],
)
def test_step_functions_jsonata_functions_edge_cases(expression, cause):
    execution = execute(single({"Type": "Pass", "Output": "{% " + expression + " %}"}, **JSONATA), {})
    assert execution.error == "States.QueryEvaluationError"
    assert execution.cause.endswith(cause) or cause in execution.cause


def test_now_and_millis_follow_the_execution_clock():
    definition = chain(
        ("W", {"Type": "Wait", "Seconds": 90}),
        (
            "S",
            {
                "Type": "Pass",
                "Output": {
                    "now": "{% $now() %}",
                    "ms": "{% $millis() %}",
                    "month": "{% $now('[Y0001]-[M01]') %}",
                },
            },
        ),
        **JSONATA,
    )
    assert execute(definition, {}).output == {
        "now": "2024-01-01T00:01:30.000Z",
        "ms": 1704067290000,
        "month": "2024-01",
    }


def test_evaluation_failed_is_recorded_for_each_attempt_before_retry_and_catch():
    resource = "arn:aws:states:::aws-sdk:comprehend:detectSentiment"
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": resource,
                "Arguments": "{% $states.input.nothing %}",
                "End": True,
                "Retry": [{"ErrorEquals": ["States.QueryEvaluationError"], "MaxAttempts": 1}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
            },
            "Caught": {"Type": "Pass", "End": True},
        },
    }
    execution = execute(definition, {}, handlers={resource: lambda arguments, invocation: "unused"})
    assert [event["type"] for event in execution.history].count("EvaluationFailed") == 2
    assert execution.output["Error"] == "States.QueryEvaluationError"
    assert execution.output["Cause"].startswith("An error occurred while executing the state 'T'")


@pytest.mark.parametrize(
    ("state", "field"),
    [
        ({"Type": "Pass", "Output": {"a": {"b": ["{% 1 %}", "{% $states.input.none %}"]}}}, "Output/a/b[1]"),
        ({"Type": "Pass", "Assign": {"x": "{% $states.input.none %}"}}, "Assign/x"),
        (
            {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage",
                "Arguments": {"MessageGroupId": "{% $states.input.none %}"},
            },
            "Arguments/MessageGroupId",
        ),
        (
            {
                "Type": "Choice",
                "Choices": [{"Condition": "{% true %}", "Next": "End", "Output": {"v": "{% $none %}"}}],
            },
            "Choices[0]/Output/v",
        ),
    ],
)
def test_an_expression_that_yields_nothing_fails_its_field_by_name(state, field):
    # transforming-data.html; the cause as AWS writes it, e.g. "... specified for the field
    # 'Arguments/Input/pushLocation' returned nothing (undefined)."
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "S",
        "States": {
            "S": {**state, **({} if state["Type"] == "Choice" else {"End": True})},
            "End": {"Type": "Succeed"},
        },
    }
    execution = execute(definition, {}, handlers={"arn:aws:states:::sqs:sendMessage": lambda a, i: {}})
    assert execution.error == "States.QueryEvaluationError"
    assert f"specified for the field '{field}' returned nothing (undefined)." in execution.cause


def test_evaluation_errors_carry_the_jsonata_error_code():
    execution = execute(single({"Type": "Pass", "Output": "{% $nope() %}"}, **JSONATA), {})
    assert execution.error == "States.QueryEvaluationError"
    assert "T1006: Attempted to invoke a non-function" in execution.cause


def test_nested_states_fall_back_to_the_state_machine_language_not_the_enclosing_state():
    # ASL: a state's QueryLanguage defaults to the state machine's, independently of an enclosing Map.
    definition = single(
        {
            "Type": "Map",
            "QueryLanguage": "JSONata",
            "Items": "{% $states.input.n %}",
            "ItemProcessor": {
                "StartAt": "I",
                "States": {"I": {"Type": "Pass", "Parameters": {"v.$": "$"}, "End": True}},
            },
        }
    )
    assert execute(definition, {"n": [1]}).output == [{"v": 1}]
    definition["States"]["S"]["ItemProcessor"]["QueryLanguage"] = "JSONata"
    with pytest.raises(DefinitionError, match="Field 'QueryLanguage' is not supported here"):
        execute(definition, {"n": [1]})


@pytest.mark.parametrize(
    ("state", "field"),
    [
        ({"Type": "Pass", "Retry": [{"ErrorEquals": ["States.ALL"]}]}, "Retry"),
        ({"Type": "Wait", "Seconds": 1, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "S"}]}, "Catch"),
        (
            {
                "Type": "Parallel",
                "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}],
                "TimeoutSeconds": 5,
            },
            "TimeoutSeconds",
        ),
        # Any field outside the validator's table for the type (workflows.validation.fields), as
        # CreateStateMachine refuses it (state-pass.html lists the Pass state's fields).
        ({"Type": "Pass", "Resource": "arn:aws:states:::sqs:sendMessage"}, "Resource"),
        ({"Type": "Succeed", "Next": "S"}, "Next"),
    ],
)
def test_fields_a_state_type_does_not_carry_are_refused(state, field):
    with pytest.raises(DefinitionError, match=f"does not support {field}"):
        execute(single(state), {})


def test_an_expression_that_throws_names_the_field_and_the_jsonata_error():
    # Recorded AWS execution (LocalStack's AWS-validated snapshot
    # v2/intrinsic_functions/test_math_operations_jsonata.snapshot.json, test_math_random_seeded): AWS has no
    # $randomSeeded, and the JSONata error is quoted after "threw an error during evaluation."
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "S",
        "States": {
            "S": {
                "Type": "Pass",
                "Output": {"FunctionResult": "{% $randomSeeded($states.input.fst) %}"},
                "End": True,
            }
        },
    }
    execution = execute(definition, {"fst": 0})
    assert execution.error == "States.QueryEvaluationError"
    assert execution.cause == (
        "An error occurred while executing the state 'S' (entered at the event id #2). "
        "The JSONata expression '$randomSeeded($states.input.fst)' specified for the field "
        "'Output/FunctionResult' threw an error during evaluation. T1006: Attempted to invoke a non-function"
    )
