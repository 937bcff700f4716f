"""`.waitForTaskToken` callbacks, StopExecution, Wait states in real time, and StartSyncExecution.

Behaviour from the Step Functions API Reference (SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat:
InvalidToken, TaskTimedOut; StopExecution → ABORTED and an ExecutionAborted event; StartSyncExecution only
for Express machines: StateMachineTypeNotSupported) and the developer guide's "Wait for a Callback with
Task Token" (the token in `$$.Task.Token`, HeartbeatSeconds → States.Timeout).
"""

from __future__ import annotations

import json
import time

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from sfn_served import details, event_types

CALLBACK = {
    "StartAt": "AskForApproval",
    "States": {
        "AskForApproval": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {
                "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
                "MessageBody": {"token.$": "$$.Task.Token", "order.$": "$.order"},
            },
            "HeartbeatSeconds": 2,
            "End": True,
        }
    },
}


def _token(served, execution_arn, timeout=10.0):
    """The task token, read from the TaskScheduled event as a test reads it off the queue."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for event in served.history(execution_arn):
            if event["type"] == "TaskScheduled":
                return json.loads(details(event)["parameters"])["MessageBody"]["token"]
        time.sleep(0.01)
    raise AssertionError("no TaskScheduled event")


def test_send_task_success_completes_the_task(served):
    arn = served.create("Approval", CALLBACK)
    started = served.client.start_execution(stateMachineArn=arn, input='{"order": 7}')
    token = _token(served, started["executionArn"])
    assert served.client.describe_execution(executionArn=started["executionArn"])["status"] == "RUNNING"
    served.client.send_task_heartbeat(taskToken=token)
    served.client.send_task_success(taskToken=token, output='{"approved": true}')
    described = served.finish(started["executionArn"])
    assert (described["status"], json.loads(described["output"])) == ("SUCCEEDED", {"approved": True})
    # The token is spent: answering again is too late.
    with pytest.raises(ClientError) as late:
        served.client.send_task_success(taskToken=token, output="{}")
    assert late.value.response["Error"]["Code"] == "TaskTimedOut"


def test_send_task_failure_fails_the_task_with_its_error(served):
    arn = served.create("Approval", CALLBACK)
    started = served.client.start_execution(stateMachineArn=arn, input='{"order": 8}')
    served.client.send_task_failure(
        taskToken=_token(served, started["executionArn"]), error="Rejected", cause="no"
    )
    described = served.finish(started["executionArn"])
    assert (described["status"], described["error"], described["cause"]) == ("FAILED", "Rejected", "no")


def test_a_task_without_heartbeats_times_out(served):
    arn = served.create("Approval", CALLBACK)
    started = served.client.start_execution(stateMachineArn=arn, input='{"order": 9}')
    described = served.finish(started["executionArn"])
    assert (described["status"], described["error"]) == ("FAILED", "States.Timeout")
    assert "TaskTimedOut" in event_types(served.history(started["executionArn"]))


def test_unknown_tokens_and_bad_output_are_refused(served):
    with pytest.raises(ClientError) as unknown:
        served.client.send_task_success(taskToken="not-a-token", output="{}")
    assert unknown.value.response["Error"]["Code"] == "InvalidToken"
    with pytest.raises(ClientError) as bad:
        served.client.send_task_success(taskToken="x", output="{not json")
    assert bad.value.response["Error"]["Code"] == "InvalidOutput"


def test_stop_execution_aborts_a_waiting_execution(served):
    arn = served.create(
        "Sleepy", {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 60, "End": True}}}
    )
    started = served.client.start_execution(stateMachineArn=arn, input="{}")
    time.sleep(0.05)
    stopped = served.client.stop_execution(
        executionArn=started["executionArn"], error="Manual", cause="enough"
    )
    described = served.client.describe_execution(executionArn=started["executionArn"])
    assert (described["status"], described["error"], described["cause"]) == ("ABORTED", "Manual", "enough")
    assert described["stopDate"] == stopped["stopDate"]
    events = served.history(started["executionArn"])
    assert event_types(events)[-1] == "ExecutionAborted"
    assert details(events[-1]) == {"error": "Manual", "cause": "enough"}
    assert events[-1]["previousEventId"] == events[-2]["id"]


def test_wait_states_take_real_time_unless_scaled(serve):
    def pause(seconds):
        return {"StartAt": "Pause", "States": {"Pause": {"Type": "Wait", "Seconds": seconds, "End": True}}}

    real = serve()
    started = real.client.start_execution(stateMachineArn=real.create("Pause", pause(1)))
    assert real.client.describe_execution(executionArn=started["executionArn"])["status"] == "RUNNING"
    assert real.finish(started["executionArn"])["status"] == "SUCCEEDED"
    events = real.history(started["executionArn"])
    entered, exited = (e["timestamp"] for e in events if e["type"] in ("WaitStateEntered", "WaitStateExited"))
    assert (exited - entered).total_seconds() >= 0.999  # timestamps carry milliseconds

    scaled = serve(WAIT_TIME_SCALE="0")
    started = scaled.client.start_execution(stateMachineArn=scaled.create("Pause", pause(600)))
    assert scaled.finish(started["executionArn"], timeout=60)["status"] == "SUCCEEDED"


def test_start_sync_execution_runs_express_machines_and_refuses_standard_ones(served):
    machine = {
        "QueryLanguage": "JSONata",
        "StartAt": "Greet",
        "States": {
            # Variables assigned by a state are visible from the next state on (AWS: "Passing data
            # between states with variables").
            "Greet": {
                "Type": "Pass",
                "Assign": {"greeting": "{% 'Hello, ' & $states.input.name %}"},
                "Next": "Reply",
            },
            "Reply": {
                "Type": "Pass",
                "Output": "{% {'message': $greeting, 'length': $length($greeting)} %}",
                "End": True,
            },
        },
    }
    express = served.create("Greeter", machine, "EXPRESS")
    status, response = served.raw(
        "StartSyncExecution", {"stateMachineArn": express, "input": '{"name": "Ada"}'}
    )
    assert status == 200
    assert response["status"] == "SUCCEEDED"
    assert json.loads(response["output"]) == {"message": "Hello, Ada", "length": 10}
    assert response["executionArn"].startswith("arn:aws:states:us-east-1:123456789012:express:Greeter:")
    assert response["billingDetails"]["billedDurationInMilliseconds"] >= 100
    standard = served.create("StandardGreeter", machine)
    # botocore sends StartSyncExecution to the host "sync-<endpoint host>" (the model's host prefix); a
    # local endpoint needs inject_host_prefix=False, as with Step Functions Local.
    client = boto3.client(
        "stepfunctions",
        endpoint_url=served.url,
        region_name="us-east-1",
        config=Config(inject_host_prefix=False, retries={"max_attempts": 1}),
    )
    with pytest.raises(ClientError) as refused:
        client.start_sync_execution(stateMachineArn=standard, input="{}")
    assert refused.value.response["Error"]["Code"] == "StateMachineTypeNotSupported"


def test_the_history_starts_before_start_execution_answers(served):
    # A suite may read the history right after StartExecution: AWS has recorded ExecutionStarted by then.
    arn = served.create(
        "Slow", {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 30, "End": True}}}
    )
    for index in range(20):
        started = served.client.start_execution(stateMachineArn=arn, name=f"run-{index}", input='{"n": 1}')
        events = served.history(started["executionArn"])
        assert events[0]["type"] == "ExecutionStarted"
        served.client.stop_execution(executionArn=started["executionArn"])
