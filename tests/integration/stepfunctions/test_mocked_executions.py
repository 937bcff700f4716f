"""Executions with Step Functions Local's mock configuration: SFN_MOCK_CONFIG and `#TestCase` ARNs.

Behaviour from AWS's "Using mocked service integrations for testing in Step Functions Local" (mock file
format, Return and Throw, invocation ranges such as "1-2", `<state machine ARN>#<test case>`), its
"Setting configuration options for Step Functions Local" (account 123456789012 and us-east-1 by default,
WAIT_TIME_SCALE), and the history events GetExecutionHistory documents (ids, previousEventId). Where
Step Functions Local differs from AWS (aws-sdk task events), issue 17 records both forms.
"""

from __future__ import annotations

import itertools
import json
import time

import pytest
from botocore.exceptions import ClientError
from sfn_served import details, event_types

from integrations.ai.shapes import output_problems

MACHINE = {
    "Comment": "Detects the sentiment, then calls a Lambda function that is throttled at first.",
    "StartAt": "Detect",
    "States": {
        "Detect": {
            "Type": "Task",
            "Resource": "arn:aws:states:::aws-sdk:comprehend:detectSentiment",
            "Parameters": {"Text.$": "$.text", "LanguageCode": "en"},
            "ResultSelector": {"Sentiment.$": "$.Sentiment"},
            "ResultPath": "$.analysis",
            "Next": "Notify",
        },
        "Notify": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "notify", "Payload.$": "$"},
            "OutputPath": "$.Payload",
            "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException"], "IntervalSeconds": 1}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}],
            "End": True,
        },
        "Failed": {"Type": "Fail", "Error": "NotifyFailed", "Cause": "the notification was not sent"},
    },
}
MOCKS = {
    "StateMachines": {
        "Sentiment": {
            "TestCases": {
                "HappyPath": {"Detect": "Positive", "Notify": "Notified"},
                "Throttled": {"Detect": "Positive", "Notify": "ThrottledTwice"},
                "Broken": {"Detect": "Positive", "Notify": "Broken"},
            }
        }
    },
    "MockedResponses": {
        "Positive": {"0": {"Return": {"Sentiment": "POSITIVE", "SentimentScore": {"Positive": 0.99}}}},
        "Notified": {"0": {"Return": {"StatusCode": 200, "Payload": {"sent": True}}}},
        "ThrottledTwice": {
            "0-1": {"Throw": {"Error": "Lambda.TooManyRequestsException", "Cause": "Rate exceeded"}},
            "2": {"Return": {"StatusCode": 200, "Payload": {"sent": "late"}}},
        },
        "Broken": {"0": {"Throw": {"Error": "Lambda.ServiceException", "Cause": "boom"}}},
    },
}


@pytest.fixture
def mocked(serve, tmp_path):
    path = tmp_path / "MockConfigFile.json"
    path.write_text(json.dumps(MOCKS))

    def start(**environment):
        served = serve(SFN_MOCK_CONFIG=str(path), **environment)
        return served, served.create("Sentiment", MACHINE)

    return start


def test_happy_path_history_is_written_as_aws_writes_it(mocked):
    served, arn = mocked()
    started = served.client.start_execution(
        stateMachineArn=arn + "#HappyPath", name="happy", input='{"text": "great"}'
    )
    # The execution belongs to the machine, not to the test case.
    assert started["executionArn"] == "arn:aws:states:us-east-1:123456789012:execution:Sentiment:happy"
    described = served.finish(started["executionArn"])
    assert described["status"] == "SUCCEEDED"
    assert described["stateMachineArn"] == arn
    assert json.loads(described["output"]) == {"sent": True}

    events = served.history(started["executionArn"])
    assert event_types(events) == [
        "ExecutionStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSucceeded",
        "TaskStateExited",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    assert [event["id"] for event in events] == list(range(1, 13))
    # The first state's entry points at no event (0); every later event at the one before it.
    assert [event["previousEventId"] for event in events] == [0, 0, *range(2, 12)]
    scheduled = details(events[7])
    assert (scheduled["resourceType"], scheduled["resource"]) == ("lambda", "invoke")
    assert json.loads(scheduled["parameters"]) == {
        "FunctionName": "notify",
        "Payload": {"text": "great", "analysis": {"Sentiment": "POSITIVE"}},
    }
    status, raw = served.raw("GetExecutionHistory", {"executionArn": started["executionArn"]})
    assert status == 200
    assert output_problems("stepfunctions", "GetExecutionHistory", raw) == []


def test_aws_sdk_task_events_take_step_functions_locals_form_by_default(mocked):
    served, arn = mocked()
    started = served.client.start_execution(stateMachineArn=arn + "#HappyPath", input='{"text": "great"}')
    served.finish(started["executionArn"])
    task_events = [
        details(e) for e in served.history(started["executionArn"]) if e["type"].startswith("Task")
    ]
    sdk = next((d["resourceType"], d["resource"]) for d in task_events if "resourceType" in d)
    assert sdk == ("aws-sdk", "comprehend:detectSentiment")


def test_compat_aws_writes_aws_sdk_events_and_arns_as_aws_does(mocked):
    served, arn = mocked(SFN_COMPAT="aws")
    # AWS puts the region the request was signed for in the ARN.
    assert arn == "arn:aws:states:us-central-1:123456789012:stateMachine:Sentiment"
    started = served.client.start_execution(stateMachineArn=arn + "#HappyPath", input='{"text": "great"}')
    served.finish(started["executionArn"])
    scheduled = next(e for e in served.history(started["executionArn"]) if e["type"] == "TaskScheduled")
    assert (details(scheduled)["resourceType"], details(scheduled)["resource"]) == (
        "aws-sdk:comprehend",
        "detectSentiment",
    )


def test_repeated_responses_drive_retries_in_real_time(mocked):
    served, arn = mocked()
    started = served.client.start_execution(stateMachineArn=arn + "#Throttled", input='{"text": "ok"}')
    described = served.finish(started["executionArn"])
    assert (described["status"], json.loads(described["output"])) == ("SUCCEEDED", {"sent": "late"})
    events = served.history(started["executionArn"])
    failures = [details(e)["error"] for e in events if e["type"] == "TaskFailed"]
    assert failures == ["Lambda.TooManyRequestsException"] * 2
    # IntervalSeconds 1 and BackoffRate 2: the retries waited 1 s and then 2 s, really.
    attempts = [e["timestamp"] for e in events if e["type"] == "TaskScheduled"][1:]
    gaps = [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(attempts)]
    # (history timestamps carry milliseconds, hence the millisecond of slack)
    assert gaps[0] >= 0.999
    assert gaps[1] >= 1.999


def test_wait_time_scale_zero_skips_the_retry_intervals(mocked):
    served, arn = mocked(WAIT_TIME_SCALE="0")
    started = served.client.start_execution(stateMachineArn=arn + "#Throttled", input='{"text": "ok"}')
    described = served.finish(started["executionArn"], timeout=2.5)
    assert described["status"] == "SUCCEEDED"
    assert (described["stopDate"] - described["startDate"]).total_seconds() < 2.5


def test_a_thrown_error_is_caught(mocked):
    served, arn = mocked()
    started = served.client.start_execution(stateMachineArn=arn + "#Broken", input='{"text": "ok"}')
    described = served.finish(started["executionArn"])
    assert (described["status"], described["error"], described["cause"]) == (
        "FAILED",
        "NotifyFailed",
        "the notification was not sent",
    )
    failed = next(e for e in served.history(started["executionArn"]) if e["type"] == "TaskFailed")
    assert (details(failed)["error"], details(failed)["cause"]) == ("Lambda.ServiceException", "boom")


def test_an_unknown_test_case_is_refused_at_start(mocked):
    served, arn = mocked()
    with pytest.raises(ClientError) as error:
        served.client.start_execution(stateMachineArn=arn + "#NoSuchCase")
    assert error.value.response["Error"]["Code"] == "ValidationException"
    assert "NoSuchCase" in error.value.response["Error"]["Message"]


def test_a_task_without_mock_or_endpoint_fails_naming_the_variable(mocked):
    served, arn = mocked()
    started = served.client.start_execution(stateMachineArn=arn, input='{"text": "ok"}')
    described = served.finish(started["executionArn"])
    assert described["status"] == "FAILED"
    failed = next(e for e in served.history(started["executionArn"]) if e["type"] == "TaskFailed")
    assert "COMPREHEND_ENDPOINT" in details(failed)["cause"]


def test_list_executions_and_describe_state_machine_for_execution(mocked):
    served, arn = mocked()
    first = served.client.start_execution(
        stateMachineArn=arn + "#HappyPath", name="one", input='{"text": "a"}'
    )
    served.finish(first["executionArn"])
    time.sleep(0.002)
    second = served.client.start_execution(
        stateMachineArn=arn + "#HappyPath", name="two", input='{"text": "b"}'
    )
    served.finish(second["executionArn"])
    listed = served.client.list_executions(stateMachineArn=arn)["executions"]
    assert [e["name"] for e in listed] == ["two", "one"]
    assert served.client.list_executions(stateMachineArn=arn, statusFilter="FAILED")["executions"] == []
    _status, for_execution = served.raw(
        "DescribeStateMachineForExecution", {"executionArn": first["executionArn"]}
    )
    assert output_problems("stepfunctions", "DescribeStateMachineForExecution", for_execution) == []
    assert json.loads(for_execution["definition"]) == MACHINE
    with pytest.raises(ClientError) as taken:
        served.client.start_execution(stateMachineArn=arn + "#HappyPath", name="one", input='{"text": "c"}')
    assert taken.value.response["Error"]["Code"] == "ExecutionAlreadyExists"


def test_the_mock_file_is_read_when_executions_start(serve, tmp_path):
    # Suites copy the file into the Step Functions Local container after starting it, or rewrite it
    # between tests: the server reads it at StartExecution, again whenever it has changed.
    path = tmp_path / "MockConfigFile.json"
    served = serve(SFN_MOCK_CONFIG=str(path))
    arn = served.create("Sentiment", MACHINE)
    with pytest.raises(ClientError) as missing:
        served.client.start_execution(stateMachineArn=arn + "#HappyPath")
    assert "not found" in missing.value.response["Error"]["Message"]
    path.write_text(json.dumps(MOCKS))
    first = served.client.start_execution(stateMachineArn=arn + "#HappyPath", input='{"text": "a"}')
    assert json.loads(served.finish(first["executionArn"])["output"]) == {"sent": True}
    changed = json.loads(json.dumps(MOCKS))
    changed["MockedResponses"]["Notified"]["0"]["Return"]["Payload"] = {"sent": "changed"}
    path.write_text(json.dumps(changed, indent=1))
    second = served.client.start_execution(stateMachineArn=arn + "#HappyPath", input='{"text": "b"}')
    assert json.loads(served.finish(second["executionArn"])["output"]) == {"sent": "changed"}
