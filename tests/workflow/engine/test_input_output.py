"""Input and output processing (JSONPath): InputPath, Parameters, ResultSelector, ResultPath, OutputPath
and the context object.

Guide pages: "Processing input and output in Step Functions"
(https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html),
"Example: Manipulating state data with paths" (input-output-example.html),
"Specifying state output using ResultPath" (input-output-resultpath.html),
"Accessing execution data from the Context object" (input-output-contextobject.html).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from engine_support import chain, single

from workflows.engine import ManualClock, execute

LAMBDA_ARN = "arn:aws:lambda:us-east-1:123456789012:function:HelloFunction"
GREETER = {"HelloFunction": lambda event, context: f"Hello, {event['who']}!"}
RESULTPATH_INPUT = {
    "comment": "This is a test of the input and output of a Task state.",
    "details": "Default example",
    "who": "AWS Step Functions",
}


def run_task(input_data, **fields):
    return execute(single({"Type": "Task", "Resource": LAMBDA_ARN, **fields}), input_data, functions=GREETER)


def test_resultpath_default_replaces_the_input_with_the_result():
    assert run_task(RESULTPATH_INPUT).output == "Hello, AWS Step Functions!"


def test_resultpath_includes_the_result_with_the_input():
    output = run_task(RESULTPATH_INPUT, ResultPath="$.taskresult").output
    assert output == {**RESULTPATH_INPUT, "taskresult": "Hello, AWS Step Functions!"}


def test_resultpath_null_discards_the_result_and_keeps_the_input():
    assert run_task(RESULTPATH_INPUT, ResultPath=None).output == RESULTPATH_INPUT


def test_resultpath_creates_nested_nodes():
    data = {**RESULTPATH_INPUT, "strings": {"string1": "x"}}
    output = run_task(data, ResultPath="$.strings.lambdaresult").output
    assert output["strings"] == {"string1": "x", "lambdaresult": "Hello, AWS Step Functions!"}


def test_resultpath_into_a_non_object_fails_with_the_reference_path_conflict_aws_reports():
    # The guide names States.ResultPathMatchFailure; AWS executions report States.ReferencePathConflict
    # with "Unable to apply step ..." (e.g. a ResultPath write on an array input), and nothing catches it.
    execution = run_task(
        {**RESULTPATH_INPUT, "details": "text"},
        ResultPath="$.details.result",
        Catch=[{"ErrorEquals": ["States.ALL"], "Next": "S"}],
    )
    assert execution.error == "States.ReferencePathConflict"
    assert execution.cause.startswith('Unable to apply step "result" to input {"comment":')
    on_array = execute(single({"Type": "Pass", "Result": 1, "ResultPath": "$.x"}), [1, 2])
    assert (on_array.error, on_array.cause) == (
        "States.ReferencePathConflict",
        'Unable to apply step "x" to input [1,2]',
    )


def test_items_path_that_matches_nothing_is_a_reference_path_conflict():
    definition = single(
        {
            "Type": "Map",
            "ItemsPath": "$.discovery.objects",
            "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}},
        }
    )
    execution = execute(definition, {"discovery": {"statusCode": 500}})
    assert execution.error == "States.ReferencePathConflict"
    assert execution.cause == 'Unable to apply step "objects" to input {"discovery":{"statusCode":500}}'


def test_the_guide_paths_example_inputpath_resultpath_outputpath():
    data = {
        "comment": "An input comment.",
        "data": {"val1": 23, "val2": 17},
        "extra": "foo",
        "lambda": {"who": "AWS Step Functions"},
    }
    execution = run_task(data, InputPath="$.lambda", ResultPath="$.data.lambdaresult", OutputPath="$.data")
    assert execution.output == {"val1": 23, "val2": 17, "lambdaresult": "Hello, AWS Step Functions!"}


def test_inputpath_selects_a_part_of_the_input():
    data = {
        "comment": "Example for InputPath.",
        "dataset1": {"val1": 1, "val2": 2, "val3": 3},
        "dataset2": {"val1": "a", "val2": "b", "val3": "c"},
    }
    execution = execute(single({"Type": "Pass", "InputPath": "$.dataset2"}), data)
    assert execution.output == {"val1": "a", "val2": "b", "val3": "c"}


def test_inputpath_and_outputpath_null_give_an_empty_object():
    assert execute(single({"Type": "Pass", "InputPath": None}), {"a": 1}).output == {}
    assert execute(single({"Type": "Pass", "OutputPath": None}), {"a": 1}).output == {}


def test_parameters_example():
    data = {
        "comment": "Example for Parameters.",
        "product": {
            "details": {"color": "blue", "size": "small", "material": "cotton"},
            "availability": "in stock",
            "sku": "2317",
            "cost": "$23",
        },
    }
    parameters = {
        "comment": "Selecting what I care about.",
        "MyDetails": {
            "size.$": "$.product.details.size",
            "exists.$": "$.product.availability",
            "StaticValue": "foo",
        },
    }
    assert execute(single({"Type": "Pass", "Parameters": parameters}), data).output == {
        "comment": "Selecting what I care about.",
        "MyDetails": {"size": "small", "exists": "in stock", "StaticValue": "foo"},
    }


def test_parameters_missing_path_is_a_runtime_error_with_aws_cause():
    execution = execute(single({"Type": "Pass", "Parameters": {"y.$": "$.x"}}), {"a": 1})
    assert execution.status == "FAILED"
    assert execution.error == "States.Runtime"
    assert execution.cause == (
        "An error occurred while executing the state 'S' (entered at the event id #2). The JSONPath '$.x' "
        "specified for the field 'y.$' could not be found in the input '{\"a\":1}'"
    )


def test_parameters_list_index_returns_the_value_and_filters_return_lists():
    data = {"list": [{"field": "first", "n": 1}, {"field": "second", "n": 5}]}
    parameters = {"first.$": "$.list[0].field", "big.$": "$.list[?(@.n > 1)].field", "all.$": "$.list[*].n"}
    assert execute(single({"Type": "Pass", "Parameters": parameters}), data).output == {
        "first": "first",
        "big": ["second"],
        "all": [1, 5],
    }


def test_result_selector_reshapes_the_task_result_before_resultpath():
    functions = {
        "Describe": lambda event, context: {"output": {"ClusterId": "AKIAI"}, "resourceType": "elastic"}
    }
    definition = single(
        {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Describe",
            "ResultSelector": {"ClusterId.$": "$.output.ClusterId", "ResourceType.$": "$.resourceType"},
            "ResultPath": "$.EMROutput",
        }
    )
    assert execute(definition, {"keep": 1}, functions=functions).output == {
        "keep": 1,
        "EMROutput": {"ClusterId": "AKIAI", "ResourceType": "elastic"},
    }


def test_pass_result_with_resultpath():
    definition = single(
        {
            "Type": "Pass",
            "Result": {"x-datum": 0.381018, "y-datum": 622.2269926397355},
            "ResultPath": "$.coords",
        }
    )
    assert execute(definition, {"georefOf": "Home"}).output == {
        "georefOf": "Home",
        "coords": {"x-datum": 0.381018, "y-datum": 622.2269926397355},
    }


def test_context_object_fields():
    clock = ManualClock(datetime(2025, 3, 4, 5, 6, 7, 890000, tzinfo=UTC))
    parameters = {
        "id.$": "$$.Execution.Id",
        "name.$": "$$.Execution.Name",
        "input.$": "$$.Execution.Input",
        "start.$": "$$.Execution.StartTime",
        "state.$": "$$.State.Name",
        "entered.$": "$$.State.EnteredTime",
        "machine.$": "$$.StateMachine.Name",
        "role.$": "$$.Execution.RoleArn",
    }
    execution = execute(
        single({"Type": "Pass", "Parameters": parameters}),
        {"a": 1},
        name="run-1",
        clock=clock,
        state_machine_arn="arn:aws:states:eu-west-2:111122223333:stateMachine:Analyse",
        role_arn="arn:aws:iam::111122223333:role/R",
    )
    assert execution.output == {
        "id": "arn:aws:states:eu-west-2:111122223333:execution:Analyse:run-1",
        "name": "run-1",
        "input": {"a": 1},
        "start": "2025-03-04T05:06:07.890Z",
        "state": "S",
        "entered": "2025-03-04T05:06:07.890Z",
        "machine": "Analyse",
        "role": "arn:aws:iam::111122223333:role/R",
    }


def test_inputpath_can_select_the_context_object():
    execution = execute(single({"Type": "Pass", "InputPath": "$$.Execution.Input"}), {"a": 1})
    assert execution.output == {"a": 1}


def test_outputpath_missing_is_a_runtime_error():
    execution = execute(single({"Type": "Pass", "OutputPath": "$.nope"}), {"a": 1})
    assert execution.error == "States.Runtime" and "$.nope" in execution.cause


def test_state_output_over_256_kib_fails_with_data_limit_exceeded():
    definition = chain(
        ("Big", {"Type": "Pass", "Parameters": {"v.$": "States.ArrayRange(1, 1000, 1)"}}),
        ("Bigger", {"Type": "Pass", "Parameters": {"a.$": "$.v", "b.$": "$.v", "t.$": "$$.Execution.Input"}}),
    )
    execution = execute(definition, {"text": "é" * 130_000})
    assert execution.error == "States.DataLimitExceeded"
    assert "'Bigger'" in execution.cause


def test_static_parts_of_parameters_are_not_shared_between_outputs():
    definition = chain(
        ("A", {"Type": "Pass", "Parameters": {"fixed": {"n": 1}, "v.$": "$.v"}}),
        ("B", {"Type": "Pass", "Result": 2, "ResultPath": "$.fixed.n"}),
    )
    first = execute(definition, {"v": 1})
    second = execute(definition, {"v": 2})
    assert first.output == {"fixed": {"n": 2}, "v": 1}
    assert second.output == {"fixed": {"n": 2}, "v": 2}


def test_inputpath_double_dollar_selects_the_whole_context_object():
    output = execute(single({"Type": "Pass", "InputPath": "$$"}), {"a": 1}, name="ctx").output
    assert output["Execution"]["Name"] == "ctx"
    # A Pass state cannot retry, so AWS gives it no State.RetryCount (test_context_object.py).
    assert output["State"] == {"Name": "S", "EnteredTime": "2024-01-01T00:00:00.000Z"}


def test_variables_in_choice_rules_and_intrinsics():
    definition = chain(
        ("Init", {"Type": "Pass", "Assign": {"limit": 3, "names": ["a", "b"]}}),
        (
            "C",
            {
                "Type": "Choice",
                "Default": "Low",
                "Choices": [{"Variable": "$limit", "NumericGreaterThanPath": "$.n", "Next": "High"}],
            },
        ),
        (
            "High",
            {
                "Type": "Pass",
                "Parameters": {
                    "joined.$": "States.Format('{} of {}', $.n, $limit)",
                    "count.$": "States.ArrayLength($names)",
                },
                "End": True,
            },
        ),
        ("Low", {"Type": "Fail", "Error": "TooHigh"}),
    )
    assert execute(definition, {"n": 2}).output == {"joined": "2 of 3", "count": 2}
    assert execute(definition, {"n": 5}).error == "TooHigh"


def test_an_index_past_the_end_in_parameters_is_null_but_a_missing_key_fails():
    definition = single({"Type": "Pass", "Parameters": {"third.$": "$.list[2]", "first.$": "$.list[0]"}})
    assert execute(definition, {"list": ["a"]}).output == {"third": None, "first": "a"}
    assert execute(
        single({"Type": "Pass", "Parameters": {"x.$": "$.list[0].nope"}}), {"list": [{}]}
    ).error == ("States.Runtime")


# Recorded AWS executions (LocalStack's AWS-validated snapshot
# tests/aws/services/stepfunctions/v2/scenarios/test_base_scenarios.snapshot.json: test_catch_states_runtime
# and test_invalid_jsonpath): Jayway's two messages for a path that finds nothing.
@pytest.mark.parametrize(
    ("field", "path", "data", "message"),
    [
        ("OutputPath", "$.no.such.result.path", {}, "Missing property in path $['no']"),
        ("OutputPath", "$.a.b.c", {"a": {}}, "Missing property in path $['a']['b']"),
        ("OutputPath", "$.NoSuchOutputPath", {}, "No results for path: $['NoSuchOutputPath']"),
        ("InputPath", "$.NoSuchInputPath", {}, "No results for path: $['NoSuchInputPath']"),
        ("InputPath", "$.a.missing", {"a": {}}, "No results for path: $['a']['missing']"),
    ],
)
def test_a_path_that_finds_nothing_fails_with_jayways_message(field, path, data, message):
    execution = execute(single({"Type": "Pass", field: path}), data)
    assert execution.error == "States.Runtime"
    assert execution.cause == (
        "An error occurred while executing the state 'S' (entered at the event id #2). "
        f"Invalid path '{path}' : {message}"
    )


def test_fail_error_and_cause_paths_may_read_variables():
    # "Passing data between states with variables" (workflow-variables.html) lists ErrorPath and CausePath
    # among the fields that accept variables.
    definition = chain(
        ("A", {"Type": "Pass", "Assign": {"e": "Oops", "c": "why"}}),
        ("F", {"Type": "Fail", "ErrorPath": "$e", "CausePath": "States.Format('because {}', $c)"}),
    )
    execution = execute(definition)
    assert (execution.error, execution.cause) == ("Oops", "because why")


# Recorded AWS executions (test_base_scenarios.snapshot.json, test_invalid_jsonpath[INVALID_JSONPATH_IN_
# STRING_EXPR_JSONPATH] and [..._CONTEXTPATH]): a `.$` path that misses names the state's input, even for a
# `$$` path.
@pytest.mark.parametrize("path", ["$.no_such_jsonpath", "$$.Execution.Input.no_such_jsonpath"])
def test_a_payload_path_that_misses_names_the_field_and_the_state_input(path):
    execution = execute(single({"Type": "Pass", "Parameters": {"value.$": path}}), {"int-literal": 0})
    assert execution.error == "States.Runtime"
    assert execution.cause == (
        "An error occurred while executing the state 'S' (entered at the event id #2). "
        f"The JSONPath '{path}' specified for the field 'value.$' could not be found in the input "
        """'{"int-literal":0}'"""
    )
