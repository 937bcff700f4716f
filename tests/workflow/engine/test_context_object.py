"""The context object (`$$` in JSONPath, `$states.context` in JSONata), member by member and in every
field that can read it.

Sources: the guide page "Accessing execution data from the Context object"
(https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html) for the members
and the fields that read `$$`; recorded AWS executions in LocalStack's AWS-validated snapshots
(github.com/localstack/localstack, tests/aws/services/stepfunctions/v2/context_object/
test_context_object.snapshot.json: test_input_path[$$], and v2/scenarios/test_base_scenarios.snapshot.json:
test_lambda_invoke_with_retry_extended_input) for the members' order, `State.RetryCount` only in a state
that can retry, and `RedriveCount`; v2/test_state/test_state_configuration.snapshot.json for an Express
execution's context, which has no RedriveCount.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from engine_support import single

from workflows.engine import ManualClock, TaskFailure, execute

MACHINE = "arn:aws:states:eu-west-2:111122223333:stateMachine:Analyse"
ROLE = "arn:aws:iam::111122223333:role/R"
START = datetime(2025, 3, 4, 5, 6, 7, 890000, tzinfo=UTC)
STARTED = "2025-03-04T05:06:07.890Z"
RESOURCE = "arn:aws:states:::aws-sdk:comprehend:detectSentiment"


def run(definition, data=None, **options):
    options.setdefault("clock", ManualClock(START))
    return execute(
        definition,
        data if data is not None else {"a": 1},
        name="run-1",
        state_machine_arn=MACHINE,
        role_arn=ROLE,
        **options,
    )


def expected_context(state="S", *, retry_count=None, express=False):
    execution = {
        "Id": f"arn:aws:states:eu-west-2:111122223333:{'express' if express else 'execution'}:Analyse:run-1",
        "Input": {"a": 1},
        "StartTime": STARTED,
        "Name": "run-1",
        "RoleArn": ROLE,
    }
    if not express:
        execution["RedriveCount"] = 0
    state_part = {"Name": state, "EnteredTime": STARTED}
    if retry_count is not None:
        state_part["RetryCount"] = retry_count
    return {"Execution": execution, "StateMachine": {"Id": MACHINE, "Name": "Analyse"}, "State": state_part}


def test_pass_state_context_has_aws_members_in_aws_order():
    output = run(single({"Type": "Pass", "InputPath": "$$"})).output
    assert output == expected_context()
    # Key order matters wherever the object is written out (States.JsonToString, history, outputs).
    assert json.dumps(output) == json.dumps(expected_context())


def test_jsonata_states_context_is_the_same_object():
    definition = single({"Type": "Pass", "Output": "{% $states.context %}"}, QueryLanguage="JSONata")
    assert json.dumps(run(definition).output) == json.dumps(expected_context())


def test_express_executions_have_no_redrive_count():
    output = run(single({"Type": "Pass", "InputPath": "$$"}), state_machine_type="EXPRESS").output
    assert output["Execution"]["Id"].split(":")[5] == "express"
    assert "RedriveCount" not in output["Execution"]


def test_task_context_counts_retries_in_parameters_and_result_selector():
    seen = []

    def flaky(arguments, invocation):
        seen.append(arguments["retry"])
        if len(seen) < 3:
            raise TaskFailure("Boom", "again")
        return {"ok": True}

    definition = single(
        {
            "Type": "Task",
            "Resource": RESOURCE,
            "Parameters": {"retry.$": "$$.State.RetryCount", "context.$": "$$"},
            "ResultSelector": {"after.$": "$$.State.RetryCount"},
            "Retry": [{"ErrorEquals": ["Boom"], "IntervalSeconds": 1, "MaxAttempts": 3}],
        }
    )
    execution = run(definition, handlers={RESOURCE: flaky})
    assert seen == [0, 1, 2]
    assert execution.output == {"after": 2}


def test_task_parameters_see_the_whole_context_with_retry_count():
    captured = {}

    def handler(arguments, invocation):
        captured.update(arguments)
        return {}

    run(
        single({"Type": "Task", "Resource": RESOURCE, "Parameters": {"c.$": "$$"}}),
        handlers={RESOURCE: handler},
    )
    assert json.dumps(captured["c"]) == json.dumps(expected_context(retry_count=0))


def test_map_and_parallel_states_have_a_retry_count_and_items_see_map_item():
    definition = single(
        {
            "Type": "Map",
            "ItemSelector": {
                "index.$": "$$.Map.Item.Index",
                "value.$": "$$.Map.Item.Value",
                "retries.$": "$$.State.RetryCount",
            },
            "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}},
        }
    )
    assert run(definition, ["x", "y"]).output == [
        {"index": 0, "value": "x", "retries": 0},
        {"index": 1, "value": "y", "retries": 0},
    ]


def test_states_inside_a_map_iteration_do_not_see_map_item():
    definition = single(
        {
            "Type": "Map",
            "ItemProcessor": {
                "StartAt": "I",
                "States": {"I": {"Type": "Pass", "InputPath": "$$", "End": True}},
            },
        }
    )
    (inner,) = run(definition, ["x"]).output
    assert "Map" not in inner and inner["State"]["Name"] == "I"


def test_task_token_is_in_the_context_of_a_wait_for_task_token_task():
    resource = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
    definition = single({"Type": "Task", "Resource": resource, "Parameters": {"token.$": "$$.Task.Token"}})
    execution = run(definition, handlers={resource: lambda arguments, invocation: arguments})
    assert execution.output["token"] and len(execution.output["token"]) >= 32


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("OutputPath", "$$.Execution.Name"),
        ("InputPath", "$$.Execution.Name"),
    ],
)
def test_input_and_output_path_read_the_context(field, value):
    assert run(single({"Type": "Pass", field: value})).output == "run-1"


def test_choice_variable_and_catch_paths_read_the_context():
    definition = {
        "StartAt": "C",
        "States": {
            "C": {
                "Type": "Choice",
                "Choices": [{"Variable": "$$.Execution.Name", "StringEquals": "run-1", "Next": "F"}],
                "Default": "F",
            },
            "F": {"Type": "Fail", "ErrorPath": "$$.State.Name", "CausePath": "$$.StateMachine.Name"},
        },
    }
    execution = run(definition)
    assert (execution.error, execution.cause) == ("F", "Analyse")
