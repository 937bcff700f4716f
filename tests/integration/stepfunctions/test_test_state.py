"""TestState: one state on its own (AWS: "Using TestState API to test a state"; API Reference TestState:
status SUCCEEDED, FAILED, RETRIABLE or CAUGHT_ERROR, `nextState`, `inspectionData` at DEBUG, `mock` with
`result` or `errorOutput`, `variables`, `stateName` to pick a state of a whole machine)."""

from __future__ import annotations

import json

from integrations.ai.shapes import output_problems

TASK = {
    "Type": "Task",
    "Resource": "arn:aws:states:::aws-sdk:comprehend:detectSentiment",
    "Parameters": {"Text.$": "$.text", "LanguageCode": "en"},
    "ResultSelector": {"Sentiment.$": "$.Sentiment"},
    "ResultPath": "$.analysis",
    "Retry": [{"ErrorEquals": ["Comprehend.ThrottlingException"]}],
    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Fallback"}],
    "Next": "Publish",
}


def _test(served, **request):
    status, response = served.raw(
        "TestState", {"definition": json.dumps(request.pop("state", TASK)), **request}
    )
    assert status == 200, response
    assert output_problems("stepfunctions", "TestState", response) == []
    return response


def test_a_mocked_result_goes_through_the_states_data_flow(served):
    response = _test(
        served,
        input='{"text": "lovely"}',
        mock={"result": '{"Sentiment": "POSITIVE", "SentimentScore": {}}'},
        inspectionLevel="DEBUG",
    )
    assert response["status"] == "SUCCEEDED"
    assert response["nextState"] == "Publish"
    assert json.loads(response["output"]) == {"text": "lovely", "analysis": {"Sentiment": "POSITIVE"}}
    assert json.loads(response["inspectionData"]["afterParameters"]) == {
        "Text": "lovely",
        "LanguageCode": "en",
    }


def test_a_caught_error_and_a_retriable_one(served):
    caught = _test(
        served,
        input='{"text": "x"}',
        mock={"errorOutput": {"error": "Comprehend.BadRequest", "cause": "bad"}},
    )
    assert (caught["status"], caught["nextState"], caught["error"]) == (
        "CAUGHT_ERROR",
        "Fallback",
        "Comprehend.BadRequest",
    )
    # Without a ResultPath on the Catch, the error output replaces the input.
    assert json.loads(caught["output"]) == {"Error": "Comprehend.BadRequest", "Cause": "bad"}
    retriable = _test(
        served,
        input='{"text": "x"}',
        mock={"errorOutput": {"error": "Comprehend.ThrottlingException", "cause": "slow"}},
    )
    assert (retriable["status"], retriable["error"]) == ("RETRIABLE", "Comprehend.ThrottlingException")


def test_choice_variables_and_state_name(served):
    machine = {
        "QueryLanguage": "JSONata",
        "StartAt": "Route",
        "States": {
            "Route": {
                "Type": "Choice",
                "Choices": [{"Condition": "{% $limit < $states.input.amount %}", "Next": "Review"}],
                "Default": "Approve",
            },
            "Review": {"Type": "Succeed"},
            "Approve": {"Type": "Succeed"},
        },
    }
    big = _test(served, state=machine, stateName="Route", input='{"amount": 500}', variables='{"limit": 100}')
    small = _test(served, state=machine, stateName="Route", input='{"amount": 5}', variables='{"limit": 100}')
    assert (big["status"], big["nextState"]) == ("SUCCEEDED", "Review")
    assert small["nextState"] == "Approve"


def test_a_fail_state_fails(served):
    response = _test(served, state={"Type": "Fail", "Error": "Nope", "Cause": "because"}, input="{}")
    assert (response["status"], response["error"], response["cause"]) == ("FAILED", "Nope", "because")
