"""Task states and the dispatch registry.

Guide pages: "Task workflow state" (https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html),
"Invoke an AWS Lambda function with Step Functions" (connect-lambda.html), "Integrating services with
AWS SDK service integrations" (supported-services-awssdk.html), "Wait for a Callback with Task Token"
(connect-to-resource.html#connect-wait-token), "Handling errors in Step Functions workflows"
(concepts-error-handling.html).
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from engine_support import single

from integrations.errors import ServiceError
from workflows.engine import HANDLER_NOT_FOUND, NOT_INTERCEPTED, DefinitionError, TaskFailure, execute

INVOKE = "arn:aws:states:::lambda:invoke"
SENTIMENT = "arn:aws:states:::aws-sdk:comprehend:detectSentiment"


def invoke(function_name="Greeter", **extra):
    return single(
        {
            "Type": "Task",
            "Resource": INVOKE,
            "Parameters": {"FunctionName": function_name, "Payload.$": "$"},
            **extra,
        }
    )


def test_lambda_invoke_wraps_the_response_like_aws():
    execution = execute(
        invoke(), {"who": "you"}, functions={"Greeter": lambda event, ctx: {"hi": event["who"]}}
    )
    output = execution.output
    assert output["Payload"] == {"hi": "you"}
    assert output["StatusCode"] == 200
    assert output["ExecutedVersion"] == "$LATEST"
    assert output["SdkHttpMetadata"]["HttpStatusCode"] == 200
    assert (
        output["SdkResponseMetadata"]["RequestId"]
        == output["SdkHttpMetadata"]["HttpHeaders"]["x-amzn-RequestId"]
    )
    headers = output["SdkHttpMetadata"]["HttpHeaders"]
    assert list(output["SdkHttpMetadata"]["AllHttpHeaders"]) == [
        "X-Amz-Executed-Version",
        "x-amzn-Remapped-Content-Length",
        "Connection",
        "x-amzn-RequestId",
        "Content-Length",
        "Date",
        "X-Amzn-Trace-Id",
        "Content-Type",
    ]
    assert list(headers) == sorted(headers, key=str.lower)
    assert headers["Date"] == "Mon, 01 Jan 2024 00:00:00 GMT"  # the execution's clock
    assert headers["Content-Length"] == str(len('{"hi":"you"}'))
    assert output["SdkHttpMetadata"]["AllHttpHeaders"] == {key: [value] for key, value in headers.items()}


@pytest.mark.parametrize(
    "name",
    [
        "Greeter",
        "Greeter:live",
        "arn:aws:lambda:eu-west-2:111122223333:function:Greeter",
        "arn:aws:lambda:eu-west-2:111122223333:function:Greeter:3",
        "111122223333:function:Greeter",
    ],
)
def test_lambda_function_name_forms(name):
    execution = execute(invoke(name), {}, functions={"Greeter": lambda event, ctx: ctx.function_name})
    assert execution.output["Payload"] == "Greeter"


def test_plain_lambda_arn_returns_the_unwrapped_result_and_lambda_history_events():
    definition = single({"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Add"})
    execution = execute(
        definition, {"a": 1, "b": 2}, functions={"Add": lambda event, ctx: event["a"] + event["b"]}
    )
    assert execution.output == 3
    types = [event["type"] for event in execution.history]
    assert types == [
        "ExecutionStarted",
        "TaskStateEntered",
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
        "LambdaFunctionSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]


def test_function_exception_becomes_error_type_and_json_cause():
    def broken(event, ctx):
        raise ValueError("bad input")

    execution = execute(invoke(), {}, functions={"Greeter": broken})
    assert execution.error == "ValueError"
    cause = json.loads(execution.cause)
    assert cause["errorMessage"] == "bad input"
    assert cause["errorType"] == "ValueError"
    assert any("raise ValueError" in line for line in cause["stackTrace"])


def test_unserialisable_function_result_is_a_marshal_error():
    execution = execute(invoke(), {}, functions={"Greeter": lambda event, ctx: object()})
    assert execution.error == "Runtime.MarshalError"


def test_missing_handler_fails_with_a_catchable_actionable_error():
    execution = execute(single({"Type": "Task", "Resource": SENTIMENT}), {})
    assert execution.error == HANDLER_NOT_FOUND
    assert "handlers={'arn:aws:states:::aws-sdk:comprehend:detectSentiment': fn}" in execution.cause
    missing_function = execute(invoke("Nobody"), {}, functions={"Greeter": print})
    assert missing_function.error == HANDLER_NOT_FOUND
    assert "functions={'Nobody': handler}" in missing_function.cause


def test_sdk_handler_by_exact_resource_then_prefix():
    calls = []

    def exact(arguments, invocation):
        calls.append(("exact", invocation.service, invocation.action, arguments))
        return {"Sentiment": "POSITIVE"}

    def prefix(arguments, invocation):
        calls.append(("prefix", invocation.action))
        return {"Languages": []}

    definition = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Task",
                "Resource": SENTIMENT,
                "Parameters": {"Text.$": "$.t", "LanguageCode": "en"},
                "ResultPath": "$.s",
                "Next": "B",
            },
            "B": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:comprehend:detectDominantLanguage",
                "Parameters": {"Text.$": "$.t"},
                "ResultPath": "$.l",
                "End": True,
            },
        },
    }
    handlers = {SENTIMENT: exact, "arn:aws:states:::aws-sdk:comprehend:*": prefix}
    execution = execute(definition, {"t": "nice"}, handlers=handlers)
    assert execution.output == {"t": "nice", "s": {"Sentiment": "POSITIVE"}, "l": {"Languages": []}}
    assert calls == [
        ("exact", "comprehend", "detectSentiment", {"Text": "nice", "LanguageCode": "en"}),
        ("prefix", "detectDominantLanguage"),
    ]
    assert execution.resource_calls == {
        SENTIMENT: 1,
        "arn:aws:states:::aws-sdk:comprehend:detectDominantLanguage": 1,
    }


@pytest.mark.parametrize(
    ("resource", "service", "expected"),
    [
        (SENTIMENT, "comprehend", "Comprehend.TextSizeLimitExceededException"),
        (
            "arn:aws:states:::aws-sdk:lexruntimev2:recognizeText",
            "lexv2",
            "LexRuntimeV2.TextSizeLimitExceededException",
        ),
        ("arn:aws:states:::aws-sdk:dynamodb:putItem", "dynamodb", "DynamoDb.TextSizeLimitExceededException"),
        ("arn:aws:states:::dynamodb:putItem", "dynamodb", "DynamoDB.TextSizeLimitExceededException"),
    ],
)
def test_service_errors_are_named_service_dot_code(resource, service, expected):
    def failing(arguments, invocation):
        raise ServiceError(service, "TextSizeLimitExceededException", "Input text size exceeds limit")

    execution = execute(single({"Type": "Task", "Resource": resource}), {}, handlers={resource: failing})
    assert execution.error == expected
    assert execution.cause.startswith("Input text size exceeds limit (Service: ")


def test_optimised_integration_causes_use_the_sdk_v1_message_format():
    resource = "arn:aws:states:::dynamodb:putItem"

    def failing(arguments, invocation):
        raise ServiceError("dynamodb", "ConditionalCheckFailedException", "The conditional request failed")

    execution = execute(single({"Type": "Task", "Resource": resource}), {}, handlers={resource: failing})
    assert execution.error == "DynamoDB.ConditionalCheckFailedException"
    assert execution.cause.startswith(
        "The conditional request failed (Service: AmazonDynamoDBv2; Status Code: 400; "
        "Error Code: ConditionalCheckFailedException; Request ID: "
    )
    assert execution.cause.endswith("; Proxy: null)")


def test_put_events_with_failed_entries_fails_with_eventbridge_failed_entry():
    # connect-eventbridge.html: a response with FailedEntryCount > 0 fails with EventBridge.FailedEntry.
    resource = "arn:aws:states:::events:putEvents"
    response = {"Entries": [{"ErrorCode": "InternalFailure", "ErrorMessage": "x"}], "FailedEntryCount": 1}
    execution = execute(
        single({"Type": "Task", "Resource": resource}),
        {},
        handlers={resource: lambda arguments, invocation: response},
    )
    assert execution.error == "EventBridge.FailedEntry"
    assert json.loads(execution.cause) == response
    ok = {"Entries": [{"EventId": "1"}], "FailedEntryCount": 0}
    assert (
        execute(
            single({"Type": "Task", "Resource": resource}),
            {},
            handlers={resource: lambda arguments, invocation: ok},
        ).output
        == ok
    )


def test_botocore_client_error_is_named_like_a_service_error():
    def failing(arguments, invocation):
        raise ClientError(
            {
                "Error": {"Code": "NoSuchKey", "Message": "The key does not exist"},
                "ResponseMetadata": {"HTTPStatusCode": 404},
            },
            "GetObject",
        )

    resource = "arn:aws:states:::aws-sdk:s3:getObject"
    execution = execute(single({"Type": "Task", "Resource": resource}), {}, handlers={resource: failing})
    # The AWS SDK for Java v2 models the error as NoSuchKeyException, which is the name Step Functions uses.
    assert execution.error == "S3.NoSuchKeyException"
    assert execution.cause.startswith("The key does not exist (Service: S3, Status Code: 404, Request ID: ")


def test_task_failure_from_a_handler_keeps_its_name_and_cause():
    def failing(arguments, invocation):
        raise TaskFailure("Custom.Error", "why it failed")

    execution = execute(single({"Type": "Task", "Resource": SENTIMENT}), {}, handlers={SENTIMENT: failing})
    assert (execution.error, execution.cause) == ("Custom.Error", "why it failed")
    assert [e["taskFailedEventDetails"] for e in execution.history if e["type"] == "TaskFailed"] == [
        {
            "resourceType": "aws-sdk:comprehend",
            "resource": "detectSentiment",
            "error": "Custom.Error",
            "cause": "why it failed",
        }
    ]


def test_wait_for_task_token_passes_the_token_and_returns_the_callback_output():
    resource = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
    seen = {}

    def callback(arguments, invocation):
        seen.update(arguments=arguments, token=invocation.task_token, pattern=invocation.integration_pattern)
        return {"approved": True}

    definition = single(
        {"Type": "Task", "Resource": resource, "Parameters": {"MessageBody": {"token.$": "$$.Task.Token"}}}
    )
    execution = execute(definition, {}, handlers={resource: callback})
    assert execution.output == {"approved": True}
    assert seen["arguments"]["MessageBody"]["token"] == seen["token"]
    assert seen["pattern"] == "waitForTaskToken"
    scheduled = next(e for e in execution.history if e["type"] == "TaskScheduled")
    assert scheduled["taskScheduledEventDetails"]["resource"] == "sendMessage.waitForTaskToken"


def test_interceptor_sees_every_attempt_and_can_fall_through():
    attempts = []

    def interceptor(invocation):
        attempts.append((invocation.state_name, invocation.attempt))
        if invocation.attempt < 2:
            raise TaskFailure("Lambda.ServiceException", "try again")
        return NOT_INTERCEPTED

    definition = invoke(Retry=[{"ErrorEquals": ["Lambda.ServiceException"], "MaxAttempts": 3}])
    execution = execute(
        definition, {}, functions={"Greeter": lambda event, ctx: "real"}, interceptor=interceptor
    )
    assert execution.output["Payload"] == "real"
    assert attempts == [("S", 0), ("S", 1), ("S", 2)]
    assert execution.resource_calls[INVOKE] == 3


def test_timeout_seconds_on_the_clock():
    def slow(arguments, invocation):
        invocation.clock.sleep(11)
        return "late"

    execution = execute(
        single({"Type": "Task", "Resource": SENTIMENT, "TimeoutSeconds": 10}), {}, handlers={SENTIMENT: slow}
    )
    assert execution.error == "States.Timeout"
    assert "TaskTimedOut" in [event["type"] for event in execution.history]


def test_heartbeat_timeout_unless_the_handler_heartbeats():
    def silent(arguments, invocation):
        invocation.clock.sleep(6)
        return "done"

    def chatty(arguments, invocation):
        for _ in range(3):
            invocation.clock.sleep(2)
            invocation.heartbeat()
        return "done"

    definition = single({"Type": "Task", "Resource": SENTIMENT, "TimeoutSeconds": 100, "HeartbeatSeconds": 5})
    # AWS reports a stopped heartbeat as States.Timeout (no cause), which States.HeartbeatTimeout catches.
    assert execute(definition, {}, handlers={SENTIMENT: silent}).error == "States.Timeout"
    caught = {
        **definition["States"]["S"],
        "Catch": [{"ErrorEquals": ["States.HeartbeatTimeout"], "Next": "C"}],
    }
    with_catch = {"StartAt": "S", "States": {"S": caught, "C": {"Type": "Pass", "End": True}}}
    assert execute(with_catch, {}, handlers={SENTIMENT: silent}).output == {
        "Error": "States.Timeout",
        "Cause": "",
    }
    assert execute(definition, {}, handlers={SENTIMENT: chatty}).output == "done"


def test_timeout_seconds_path():
    def slow(arguments, invocation):
        invocation.clock.sleep(5)
        return "ok"

    definition = single({"Type": "Task", "Resource": SENTIMENT, "TimeoutSecondsPath": "$.limit"})
    assert execute(definition, {"limit": 4}, handlers={SENTIMENT: slow}).error == "States.Timeout"
    assert execute(definition, {"limit": 6}, handlers={SENTIMENT: slow}).output == "ok"


def test_handlers_get_a_private_copy_of_their_arguments():
    def mutating(arguments, invocation):
        arguments["Text"] = "changed"
        return "ok"

    definition = single(
        {"Type": "Task", "Resource": SENTIMENT, "Parameters": {"Text.$": "$.t"}, "ResultPath": "$.r"}
    )
    assert execute(definition, {"t": "orig"}, handlers={SENTIMENT: mutating}).output == {
        "t": "orig",
        "r": "ok",
    }


def test_timeout_seconds_path_missing_uses_the_jayway_cause():
    definition = single({"Type": "Task", "Resource": SENTIMENT, "TimeoutSecondsPath": "$.limit"})
    execution = execute(definition, {}, handlers={SENTIMENT: lambda arguments, invocation: "ok"})
    assert execution.error == "States.Runtime"
    assert execution.cause.endswith("Invalid path '$.limit' : No results for path: $['limit']")


def test_lambda_invoke_without_payload_sends_an_empty_object():
    definition = single({"Type": "Task", "Resource": INVOKE, "Parameters": {"FunctionName": "Echo"}})
    assert execute(definition, {}, functions={"Echo": lambda event, ctx: event}).output["Payload"] == {}


def test_timeout_seconds_must_be_a_positive_integer():
    with pytest.raises(DefinitionError, match=r"TimeoutSeconds must be an integer >= 1, got 1\.5"):
        execute(single({"Type": "Task", "Resource": SENTIMENT, "TimeoutSeconds": 1.5}), {})
    execution = execute(
        single({"Type": "Task", "Resource": SENTIMENT, "TimeoutSecondsPath": "$.t"}),
        {"t": "nine"},
        handlers={SENTIMENT: lambda arguments, invocation: "ok"},
    )
    # AWS's wording for the Map's *Path fields (test_map_parallel.py), which the engine uses for every
    # numeric *Path field.
    assert execution.error == "States.Runtime"
    assert execution.cause.endswith(
        'The TimeoutSecondsPath field refers to value "nine" which is not a valid integer: $.t'
    )


def test_interceptor_sees_attempts_inside_map_and_parallel():
    seen = []

    def interceptor(invocation):
        seen.append((invocation.state_path, invocation.attempt, invocation.arguments))
        if invocation.arguments == 2 and invocation.attempt == 0:
            raise TaskFailure("Flaky", "")
        return invocation.arguments * 10

    task = {"Type": "Task", "Resource": SENTIMENT, "End": True, "Retry": [{"ErrorEquals": ["Flaky"]}]}
    definition = single(
        {
            "Type": "Parallel",
            "Branches": [
                {
                    "StartAt": "M",
                    "States": {
                        "M": {
                            "Type": "Map",
                            "End": True,
                            "ItemProcessor": {"StartAt": "T", "States": {"T": task}},
                        }
                    },
                }
            ],
        }
    )
    execution = execute(definition, [1, 2], interceptor=interceptor)
    assert execution.output == [[10, 20]]
    assert seen == [("S/M/T", 0, 1), ("S/M/T", 0, 2), ("S/M/T", 1, 2)]


def test_aws_sdk_integrations_do_not_support_sync():
    with pytest.raises(DefinitionError, match=r"request-response and \.waitForTaskToken only"):
        execute(single({"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:startExecution.sync"}), {})


def test_a_raising_lambda_s_error_json_is_compact_through_lambda_invoke_and_spaced_for_a_plain_arn():
    # Recorded AWS executions (LocalStack's AWS-validated snapshots v2/error_handling/
    # test_task_service_lambda.snapshot.json and test_task_lambda.snapshot.json, test_raise_exception_catch).
    def boom(event, context):
        raise Exception("Some exception was raised.")

    invoke = single({"Type": "Task", "Resource": INVOKE, "Parameters": {"FunctionName": "Boom"}})
    plain = single({"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Boom"})
    compact = execute(invoke, {}, functions={"Boom": boom}).cause
    spaced = execute(plain, {}, functions={"Boom": boom}).cause
    assert compact.startswith(
        '{"errorMessage":"Some exception was raised.","errorType":"Exception","requestId":'
    )
    assert spaced.startswith('{"errorMessage": "Some exception was raised.", "errorType": "Exception", ')
