"""Activities: workers poll GetActivityTask and answer with SendTaskSuccess or SendTaskFailure (AWS:
"Learn about Activities in Step Functions"; API Reference: CreateActivity is idempotent, GetActivityTask
returns the task token and the task's input; ActivityDoesNotExist). History events: ActivityScheduled
(the activity ARN and input), ActivityStarted, ActivitySucceeded / ActivityFailed, as the API Reference's
HistoryEvent lists them."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from sfn_served import details, event_types

from integrations.ai.shapes import output_problems


def _machine(activity_arn):
    return {
        "StartAt": "Review",
        "States": {
            "Review": {
                "Type": "Task",
                "Resource": activity_arn,
                "Parameters": {"document.$": "$.document"},
                "TimeoutSeconds": 30,
                "End": True,
            }
        },
    }


def test_a_worker_does_the_activitys_work(served):
    activity = served.client.create_activity(name="Review")["activityArn"]
    assert activity == "arn:aws:states:us-east-1:123456789012:activity:Review"
    assert served.client.create_activity(name="Review")["activityArn"] == activity
    assert [a["name"] for a in served.client.list_activities()["activities"]] == ["Review"]
    assert served.client.describe_activity(activityArn=activity)["name"] == "Review"

    arn = served.create("Reviews", _machine(activity))
    started = served.client.start_execution(stateMachineArn=arn, input='{"document": "d-1"}')
    task = served.client.get_activity_task(activityArn=activity, workerName="worker-1")
    assert json.loads(task["input"]) == {"document": "d-1"}
    served.client.send_task_heartbeat(taskToken=task["taskToken"])
    served.client.send_task_success(taskToken=task["taskToken"], output='{"approved": true}')
    described = served.finish(started["executionArn"])
    assert (described["status"], json.loads(described["output"])) == ("SUCCEEDED", {"approved": True})

    events = served.history(started["executionArn"])
    assert event_types(events)[2:5] == ["ActivityScheduled", "ActivityStarted", "ActivitySucceeded"]
    scheduled = details(events[2])
    assert scheduled["resource"] == activity
    assert json.loads(scheduled["input"]) == {"document": "d-1"}
    assert scheduled["timeoutInSeconds"] == 30
    status, raw = served.raw("GetExecutionHistory", {"executionArn": started["executionArn"]})
    assert status == 200
    assert output_problems("stepfunctions", "GetExecutionHistory", raw) == []


def test_a_worker_failure_fails_the_task(served):
    activity = served.client.create_activity(name="Check")["activityArn"]
    arn = served.create("Checks", _machine(activity))
    started = served.client.start_execution(stateMachineArn=arn, input='{"document": "d-2"}')
    task = served.client.get_activity_task(activityArn=activity)
    served.client.send_task_failure(taskToken=task["taskToken"], error="Unreadable", cause="blurred scan")
    described = served.finish(started["executionArn"])
    assert (described["status"], described["error"], described["cause"]) == (
        "FAILED",
        "Unreadable",
        "blurred scan",
    )
    failed = next(e for e in served.history(started["executionArn"]) if e["type"] == "ActivityFailed")
    assert details(failed) == {"error": "Unreadable", "cause": "blurred scan"}


def test_unknown_activities(served):
    missing = "arn:aws:states:us-east-1:123456789012:activity:Nope"
    with pytest.raises(ClientError) as error:
        served.client.describe_activity(activityArn=missing)
    assert error.value.response["Error"] == {
        "Code": "ActivityDoesNotExist",
        "Message": f"Activity Does Not Exist: '{missing}'",
    }
    served.client.delete_activity(activityArn=missing)  # deleting what is not there succeeds
