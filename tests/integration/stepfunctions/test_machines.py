"""State machine operations through boto3 and raw JSON 1.0, checked against botocore's service model.

Shapes, error codes and required members: botocore's Step Functions model (the one AWS publishes for the
SDKs). Error messages: the Step Functions API Reference ("Errors" of each operation) and recorded AWS
answers (`State Machine Does Not Exist: '<arn>'`, `Invalid Name: '<name>'`, `Invalid Arn: 'Invalid ARN
prefix: not-an-arn'`, model violations under `com.amazon.coral.validate#ValidationException`).
"""

from __future__ import annotations

import http.client
import json

import pytest
from botocore.exceptions import ClientError
from sfn_served import ROLE

from integrations.ai.shapes import declared_errors, output_problems

PASS = {"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "Result": "World", "End": True}}}


def test_create_describe_list_update_delete(served):
    status, created = served.raw(
        "CreateStateMachine", {"name": "Hello", "definition": json.dumps(PASS), "roleArn": ROLE}
    )
    assert status == 200
    assert output_problems("stepfunctions", "CreateStateMachine", created) == []
    # Step Functions Local's account and region, whatever region the client signed for (us-central-1).
    assert created["stateMachineArn"] == "arn:aws:states:us-east-1:123456789012:stateMachine:Hello"
    arn = created["stateMachineArn"]

    status, described = served.raw("DescribeStateMachine", {"stateMachineArn": arn})
    assert output_problems("stepfunctions", "DescribeStateMachine", described) == []
    assert (described["name"], described["type"], described["status"]) == ("Hello", "STANDARD", "ACTIVE")
    assert json.loads(described["definition"]) == PASS

    listed = served.client.list_state_machines()["stateMachines"]
    assert [machine["stateMachineArn"] for machine in listed] == [arn]

    changed = {**PASS, "States": {"Hello": {"Type": "Pass", "Result": "Again", "End": True}}}
    status, updated = served.raw(
        "UpdateStateMachine", {"stateMachineArn": arn, "definition": json.dumps(changed)}
    )
    assert output_problems("stepfunctions", "UpdateStateMachine", updated) == []
    assert updated["revisionId"] != described["revisionId"]
    execution = served.client.start_execution(stateMachineArn=arn)
    assert served.finish(execution["executionArn"])["output"] == '"Again"'

    served.client.delete_state_machine(stateMachineArn=arn)
    with pytest.raises(ClientError) as missing:
        served.client.describe_state_machine(stateMachineArn=arn)
    assert missing.value.response["Error"] == {
        "Code": "StateMachineDoesNotExist",
        "Message": f"State Machine Does Not Exist: '{arn}'",
    }


def test_creating_the_same_machine_twice_is_idempotent_but_another_definition_is_refused(served):
    first = served.create("Twice", PASS)
    assert served.create("Twice", PASS) == first
    with pytest.raises(ClientError) as error:
        served.create("Twice", {**PASS, "Comment": "different"})
    assert error.value.response["Error"]["Code"] == "StateMachineAlreadyExists"


@pytest.mark.parametrize(
    ("operation", "body", "code", "message"),
    [
        (
            "CreateStateMachine",
            {"name": "bad name", "definition": json.dumps(PASS), "roleArn": ROLE},
            "InvalidName",
            "Invalid Name: 'bad name'",
        ),
        (
            "CreateStateMachine",
            {"definition": json.dumps(PASS), "roleArn": ROLE},
            "ValidationException",
            "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not "
            "be null",
        ),
        (
            "CreateStateMachine",
            {"name": "x", "definition": json.dumps(PASS), "roleArn": ROLE, "type": "FAST"},
            "ValidationException",
            "1 validation error detected: Value 'FAST' at 'type' failed to satisfy constraint: Member must "
            "satisfy enum value set: [STANDARD, EXPRESS]",
        ),
        (
            "DescribeStateMachine",
            {"stateMachineArn": "not-an-arn"},
            "InvalidArn",
            "Invalid Arn: 'Invalid ARN prefix: not-an-arn'",
        ),
        (
            "DescribeExecution",
            {"executionArn": "arn:aws:states:us-east-1:123456789012:execution:Nope:run"},
            "ExecutionDoesNotExist",
            "Execution Does Not Exist: 'arn:aws:states:us-east-1:123456789012:execution:Nope:run'",
        ),
    ],
)
def test_bad_requests_get_the_error_aws_declares(served, operation, body, code, message):
    status, error = served.raw(operation, body)
    assert status == 400
    namespace = (
        "com.amazon.coral.validate" if code == "ValidationException" else "com.amazonaws.swf.service.v2.model"
    )
    assert error == {"__type": f"{namespace}#{code}", "message": message}
    assert code in declared_errors("stepfunctions", operation) | {"ValidationException"}


def test_an_invalid_definition_is_refused_with_invalid_definition(served):
    broken = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Missing"}}}
    status, error = served.raw(
        "CreateStateMachine", {"name": "Broken", "definition": json.dumps(broken), "roleArn": ROLE}
    )
    assert status == 400
    assert error["__type"].endswith("#InvalidDefinition")
    assert error["message"].startswith("Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: ")
    assert "Missing" in error["message"]


def test_an_express_machine_with_a_callback_task_is_refused(served):
    # "Express Workflows do not support .waitForTaskToken or .sync" (Standard vs Express, AWS docs).
    callback = {
        "StartAt": "Wait",
        "States": {
            "Wait": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"QueueUrl": "q", "MessageBody.$": "$$.Task.Token"},
                "End": True,
            }
        },
    }
    with pytest.raises(ClientError) as error:
        served.create("Callback", callback, "EXPRESS")
    assert error.value.response["Error"]["Code"] == "InvalidDefinition"


def test_unknown_operation(served):
    status, error = served.raw("DescribeEverything", {})
    assert status == 400
    assert error["__type"].endswith("#UnknownOperationException")


def test_validate_state_machine_definition(served):
    status, valid = served.raw("ValidateStateMachineDefinition", {"definition": json.dumps(PASS)})
    assert (status, valid) == (200, {"result": "OK", "diagnostics": [], "truncated": False})
    broken = {"StartAt": "A", "States": {"A": {"Type": "Pass"}}}
    status, invalid = served.raw("ValidateStateMachineDefinition", {"definition": json.dumps(broken)})
    assert output_problems("stepfunctions", "ValidateStateMachineDefinition", invalid) == []
    assert invalid["result"] == "FAIL"
    assert invalid["diagnostics"][0]["severity"] == "ERROR"
    assert invalid["diagnostics"][0]["location"] == "/States/A"


def test_list_state_machines_pages_with_next_token(served):
    for index in range(3):
        served.create(f"M{index}", PASS)
    first = served.client.list_state_machines(maxResults=2)
    second = served.client.list_state_machines(maxResults=2, nextToken=first["nextToken"])
    names = [m["name"] for m in first["stateMachines"] + second["stateMachines"]]
    assert names == ["M0", "M1", "M2"]
    assert "nextToken" not in second


def test_every_operation_answers_in_its_output_shape(served):
    # One pass through the whole API over raw JSON 1.0, each answer checked against botocore's model.
    machine = {
        "StartAt": "Wait",
        "States": {
            "Wait": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
                "End": True,
            }
        },
    }
    answers = {}

    def call(operation, body):
        status, answer = served.raw(operation, body)
        assert status == 200, (operation, answer)
        answers[operation] = answer
        return answer

    arn = call("CreateStateMachine", {"name": "Shapes", "definition": json.dumps(machine), "roleArn": ROLE})[
        "stateMachineArn"
    ]
    call("ListStateMachines", {})
    execution = call("StartExecution", {"stateMachineArn": arn, "input": "{}"})["executionArn"]
    while True:
        events = call("GetExecutionHistory", {"executionArn": execution})["events"]
        scheduled = [e for e in events if e["type"] == "TaskScheduled"]
        if scheduled:
            break
    token = json.loads(scheduled[0]["taskScheduledEventDetails"]["parameters"])["MessageBody"]["token"]
    call("SendTaskHeartbeat", {"taskToken": token})
    call("SendTaskSuccess", {"taskToken": token, "output": '{"done": true}'})
    served.finish(execution)
    call("DescribeExecution", {"executionArn": execution})
    call("ListExecutions", {"stateMachineArn": arn})
    second = call("StartExecution", {"stateMachineArn": arn})["executionArn"]
    call("StopExecution", {"executionArn": second, "error": "Stopped", "cause": "by the test"})
    express = call(
        "CreateStateMachine",
        {"name": "ShapesExpress", "definition": json.dumps(PASS), "roleArn": ROLE, "type": "EXPRESS"},
    )["stateMachineArn"]
    call("StartSyncExecution", {"stateMachineArn": express})
    call("DeleteStateMachine", {"stateMachineArn": express})
    for operation, answer in answers.items():
        assert output_problems("stepfunctions", operation, answer) == [], operation
    assert answers["DescribeExecution"]["status"] == "SUCCEEDED"


def test_tags_of_state_machines(served):
    # TagResource, UntagResource, ListTagsForResource (API Reference); CreateStateMachine takes tags too.
    arn = served.client.create_state_machine(
        name="Tagged", definition=json.dumps(PASS), roleArn=ROLE, tags=[{"key": "team", "value": "bots"}]
    )["stateMachineArn"]
    served.client.tag_resource(resourceArn=arn, tags=[{"key": "stage", "value": "test"}])
    served.client.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert served.client.list_tags_for_resource(resourceArn=arn)["tags"] == [
        {"key": "stage", "value": "test"}
    ]
    with pytest.raises(ClientError) as missing:
        served.client.list_tags_for_resource(resourceArn=arn + "Gone")
    assert missing.value.response["Error"]["Code"] == "ResourceNotFound"


def test_a_chunked_request_body_is_read(served):
    # HTTP/1.1 (RFC 9112, 7.1): a client may stream the body in chunks instead of giving its length.
    host, port = served.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    body = json.dumps({"name": "Chunked", "definition": json.dumps(PASS), "roleArn": ROLE}).encode()
    connection.request(
        "POST",
        "/",
        body=iter([body[:10], body[10:]]),
        headers={
            "X-Amz-Target": "AWSStepFunctions.CreateStateMachine",
            "Content-Type": "application/x-amz-json-1.0",
        },
        encode_chunked=True,
    )
    response = connection.getresponse()
    answer = json.loads(response.read())
    connection.close()
    assert response.status == 200, answer
    assert answer["stateMachineArn"].endswith(":stateMachine:Chunked")


def test_valid_asl_the_engine_cannot_run_is_created_and_its_executions_say_why(served):
    # AWS accepts a Distributed Map that reads its items from S3 (ItemReader); the local engine cannot
    # read S3, so the machine is created and each execution fails naming the reason.
    machine = {
        "StartAt": "EachObject",
        "States": {
            "EachObject": {
                "Type": "Map",
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:listObjectsV2",
                    "Parameters": {"Bucket": "photos"},
                },
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Noop",
                    "States": {"Noop": {"Type": "Pass", "End": True}},
                },
                "End": True,
            }
        },
    }
    arn = served.create("S3Map", machine)
    started = served.client.start_execution(stateMachineArn=arn)
    described = served.finish(started["executionArn"])
    assert (described["status"], described["error"]) == ("FAILED", "States.Runtime")
    assert "ItemReader" in described["cause"]
    events = served.history(started["executionArn"])
    assert [event["type"] for event in events] == ["ExecutionStarted", "ExecutionFailed"]


def test_the_ipv6_loopback_answers_too(serve):
    # Node.js 17+ resolves "localhost" to ::1 first; Step Functions Local's published port answers there.
    served = serve()
    port = int(served.url.rsplit(":", 1)[1])
    try:
        connection = http.client.HTTPConnection("::1", port, timeout=10)
        connection.request(
            "POST", "/", body="{}", headers={"X-Amz-Target": "AWSStepFunctions.ListStateMachines"}
        )
    except OSError:
        pytest.skip("this machine has no IPv6 loopback")
    response = connection.getresponse()
    assert (response.status, json.loads(response.read())) == (200, {"stateMachines": []})
    connection.close()
