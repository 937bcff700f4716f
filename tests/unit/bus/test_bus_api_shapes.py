"""The local bus and topics take and return exactly the shapes of the EventBridge and SNS APIs, checked
against botocore's service models: every request a test sends is a valid API request, and every response
is a valid API response."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.validate import ParamValidator

from integrations.bus import EventBus
from integrations.topics import Topics

SESSION = botocore.session.get_session()


def call(service: str, operation: str, method: Callable[..., Any], **request: Any) -> Any:
    """Call `method` with `request`, checking both against the operation's model."""
    model = SESSION.get_service_model(service).operation_model(operation)
    validator = ParamValidator()
    sent = validator.validate(request, model.input_shape)
    assert not sent.has_errors(), sent.generate_report()
    response = method(**request)
    if model.output_shape is not None:
        received = validator.validate(response or {}, model.output_shape)
        assert not received.has_errors(), received.generate_report()
    return response


def test_eventbridge_shapes(sma_home: Path) -> None:
    bus = EventBus("Plumbing", directory=sma_home / "bus")
    call(
        "events",
        "PutRule",
        bus.put_rule,
        Name="r",
        EventPattern=json.dumps({"source": ["a"]}),
        EventBusName="Plumbing",
    )
    call(
        "events",
        "PutTargets",
        bus.put_targets,
        Rule="r",
        EventBusName="Plumbing",
        Targets=[
            {
                "Id": "t",
                "Arn": "arn:aws:sns:eu-west-2:123456789012:alerts",
                "InputTransformer": {"InputPathsMap": {"d": "$.detail"}, "InputTemplate": "<d>"},
                "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 600},
                "DeadLetterConfig": {"Arn": "arn:aws:sqs:eu-west-2:123456789012:dlq"},
            }
        ],
    )
    call("events", "DescribeRule", bus.describe_rule, Name="r", EventBusName="Plumbing")
    call("events", "ListTargetsByRule", bus.list_targets_by_rule, Rule="r")
    call(
        "events",
        "CreateArchive",
        bus.create_archive,
        ArchiveName="all",
        EventSourceArn=bus.arn,
        RetentionDays=3,
    )
    call(
        "events",
        "PutEvents",
        bus.put_events,
        Entries=[
            {
                "Source": "a",
                "DetailType": "X",
                "Detail": "{}",
                "Resources": ["arn:x"],
                "EventBusName": "Plumbing",
            },
            {"Source": "a", "DetailType": "X", "Detail": "[]"},
        ],
    )
    call("events", "DescribeArchive", bus.describe_archive, ArchiveName="all")
    call("events", "ListArchives", bus.list_archives)
    call(
        "events",
        "StartReplay",
        bus.start_replay,
        ReplayName="rp",
        EventSourceArn=bus.describe_archive("all")["ArchiveArn"],
        EventStartTime="2000-01-01T00:00:00Z",
        EventEndTime="2100-01-01T00:00:00Z",
        Destination={"Arn": bus.arn, "FilterArns": [bus.describe_rule("r")["Arn"]]},
    )
    call("events", "DescribeReplay", bus.describe_replay, ReplayName="rp")
    call("events", "ListRules", bus.list_rules)
    bus.close()


@pytest.mark.parametrize("scope", ["MessageAttributes", "MessageBody"])
def test_sns_shapes(sma_home: Path, tmp_path: Path, scope: str) -> None:
    topics = Topics(directory=sma_home / "topics")
    arn = call("sns", "CreateTopic", topics.create_topic, Name="alerts")["TopicArn"]
    subscription = call(
        "sns",
        "Subscribe",
        topics.subscribe,
        TopicArn=arn,
        Protocol="http",
        Endpoint="http://127.0.0.1:9/x",
        Attributes={"FilterPolicy": '{"k": ["v"]}', "FilterPolicyScope": scope},
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]
    call("sns", "GetSubscriptionAttributes", topics.get_subscription_attributes, SubscriptionArn=subscription)
    call("sns", "ListSubscriptionsByTopic", topics.list_subscriptions_by_topic, TopicArn=arn)
    call("sns", "GetTopicAttributes", topics.get_topic_attributes, TopicArn=arn)
    call("sns", "ListTopics", topics.list_topics)
    call(
        "sns",
        "Publish",
        topics.publish,
        TopicArn=arn,
        Message="m",
        Subject="s",
        MessageAttributes={
            "k": {"DataType": "String", "StringValue": "v"},
            "b": {"DataType": "Binary", "BinaryValue": b"1"},
        },
    )
    call(
        "sns",
        "PublishBatch",
        topics.publish_batch,
        TopicArn=arn,
        PublishBatchRequestEntries=[{"Id": "a", "Message": "x"}, {"Id": "b", "Message": "", "Subject": "s"}],
    )
    call("sns", "SetSubscriptionAttributes", topics.set_subscription_attributes, SubscriptionArn=subscription,
         AttributeName="RawMessageDelivery", AttributeValue="true")  # fmt: skip
    call("sns", "Unsubscribe", topics.unsubscribe, SubscriptionArn=subscription)
    call("sns", "DeleteTopic", topics.delete_topic, TopicArn=arn)
    topics.close()


def test_sns_errors_use_the_codes_of_snss_model(sma_home: Path) -> None:
    from integrations.errors import ServiceError

    declared = {
        shape.metadata.get("error", {}).get("code") or shape.name
        for shape in SESSION.get_service_model("sns").error_shapes
    }
    topics = Topics(directory=sma_home / "topics")
    arn = topics.create_topic(Name="t")["TopicArn"]
    attribute = {"DataType": "Blob", "StringValue": "1"}
    failing = [
        lambda: topics.create_topic(Name="bad name"),
        lambda: topics.publish(TopicArn=arn + "x", Message="m"),
        lambda: topics.publish(TopicArn=arn, Message=""),
        lambda: topics.publish(TopicArn=arn, Message="m", MessageAttributes={"a": attribute}),
        lambda: topics.publish_batch(TopicArn=arn, PublishBatchRequestEntries=[]),
        lambda: topics.publish_batch(
            TopicArn=arn, PublishBatchRequestEntries=[{"Id": "x", "Message": "m"}] * 11
        ),
        lambda: topics.publish_batch(
            TopicArn=arn, PublishBatchRequestEntries=[{"Id": "x", "Message": "m"}] * 2
        ),
        lambda: topics.publish_batch(
            TopicArn=arn, PublishBatchRequestEntries=[{"Id": "x y", "Message": "m"}]
        ),
        lambda: topics.publish_batch(
            TopicArn=arn, PublishBatchRequestEntries=[{"Id": "x", "Message": "m" * 300_000}]
        ),
        lambda: topics.subscribe(arn, "sms", "+1"),
        lambda: topics.subscribe(arn, "file", "/tmp/x", Attributes={"FilterPolicy": '{"a": "b"}'}),
        lambda: topics.unsubscribe(arn + ":nope"),
    ]
    codes = set()
    for call_it in failing:
        with pytest.raises(ServiceError) as raised:
            call_it()
        codes.add(raised.value.code)
    assert codes <= declared, codes - declared
    assert len(codes) == 8  # InvalidParameter, ParameterValueInvalid, NotFound and the five batch codes
    topics.close()
