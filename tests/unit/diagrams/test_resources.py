"""Task states are named by the service and action they call; Lambda tasks by their function."""

from __future__ import annotations

from infra.diagrams.resources import describe_task, is_lambda


def test_sdk_and_optimised_integrations_are_named_by_service_and_action() -> None:
    cases = {
        "arn:aws:states:::aws-sdk:comprehend:detectSentiment": "Comprehend DetectSentiment",
        "arn:aws:states:::events:putEvents": "EventBridge PutEvents",
        "arn:aws:states:::dynamodb:putItem": "DynamoDB PutItem",
        "arn:aws:states:::aws-sdk:lexruntimev2:recognizeText": "Lex V2 RecognizeText",
        "arn:aws:states:::aws-sdk:s3:getObject": "S3 GetObject",
        "arn:aws:states:::states:startExecution.sync": "Step Functions StartExecution (waits for completion)",
    }
    for resource, expected in cases.items():
        assert describe_task({"Type": "Task", "Resource": resource}) == expected


def test_lambda_tasks_name_their_function() -> None:
    state = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "${PostTweetFunctionArn}"},
    }
    assert is_lambda(state)
    assert describe_task(state, {"PostTweetFunctionArn": "PostTweet"}) == "λ PostTweet"
    # Without the topology's mapping the substitution's name still says which function it is.
    assert describe_task(state) == "λ PostTweet"
    direct = {"Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:123456789012:function:Overlay"}
    assert describe_task(direct) == "λ Overlay"
