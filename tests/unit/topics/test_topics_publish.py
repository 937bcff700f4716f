"""Publish and PublishBatch: what SNS accepts and the errors it answers otherwise."""

from __future__ import annotations

import json
from typing import Any

import pytest

from integrations.errors import ServiceError
from integrations.topics import Topics


def test_create_topic_is_idempotent_and_listed(topics: Topics) -> None:
    arn = topics.create_topic(Name="alerts")["TopicArn"]
    assert arn == "arn:aws:sns:eu-west-2:123456789012:alerts"
    assert topics.create_topic(Name="alerts")["TopicArn"] == arn
    assert topics.list_topics() == {"Topics": [{"TopicArn": arn}]}
    assert topics.get_topic_attributes(arn)["Attributes"]["SubscriptionsConfirmed"] == "0"
    topics.delete_topic(arn)
    assert topics.list_topics() == {"Topics": []}


@pytest.mark.parametrize("name", ["", "has space", "x" * 257, "dots.fifo"])
def test_bad_topic_names(topics: Topics, name: str) -> None:
    with pytest.raises(ServiceError) as raised:
        topics.create_topic(Name=name)
    assert raised.value.code == "InvalidParameter"


def test_publish_stores_the_message_before_answering(topics: Topics, topic: str) -> None:
    response = topics.publish(
        TopicArn=topic,
        Message="hello",
        Subject="Greeting",
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "test"}},
    )
    (stored,) = topics.messages(topic)
    assert stored == {
        "MessageId": response["MessageId"],
        "TopicArn": topic,
        "Subject": "Greeting",
        "Message": "hello",
        "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "test"}},
    }


def test_target_arn_is_an_alias_of_topic_arn(topics: Topics, topic: str) -> None:
    topics.publish(TargetArn=topic, Message="x")
    assert len(topics.messages(topic)) == 1
    with pytest.raises(ServiceError, match="Only one"):
        topics.publish(TopicArn=topic, TargetArn=topic, Message="x")


@pytest.mark.parametrize(
    ("request_", "code", "message"),
    [
        ({"Message": ""}, "InvalidParameter", "Invalid parameter: Empty message"),
        ({"Message": None}, "InvalidParameter", "Invalid parameter: Message"),
        ({"Message": "x" * (256 * 1024 + 1)}, "InvalidParameter", "Invalid parameter: Message too long"),
        ({"Message": "x", "Subject": ""}, "InvalidParameter", "Invalid parameter: Subject"),
        ({"Message": "x", "Subject": "a" * 100}, "InvalidParameter", "Invalid parameter: Subject"),
        ({"Message": "x", "Subject": "line\nbreak"}, "InvalidParameter", "Invalid parameter: Subject"),
        ({"Message": "x", "Subject": " leading"}, "InvalidParameter", "Invalid parameter: Subject"),
        ({"Message": "x", "Subject": "café"}, "InvalidParameter", "Invalid parameter: Subject"),
        ({"Message": "{", "MessageStructure": "json"}, "InvalidParameter", "failed to parse"),
        ({"Message": '{"http": "x"}', "MessageStructure": "json"}, "InvalidParameter", "No default entry"),
        ({"Message": "x", "MessageStructure": "xml"}, "InvalidParameter", "MessageStructure"),
        (
            {"Message": "x", "MessageAttributes": {"a": {"DataType": "Blob", "StringValue": "1"}}},
            "ParameterValueInvalid",
            "supported type prefixes is Binary, Number, and String",
        ),
        (
            {"Message": "x", "MessageAttributes": {"n": {"DataType": "Number", "StringValue": "ten"}}},
            "ParameterValueInvalid",
            "must be a number",
        ),
        (
            {"Message": "x", "MessageAttributes": {"n": {"DataType": "Number", "StringValue": "1.123456"}}},
            "ParameterValueInvalid",
            "5 decimal places",
        ),
        (
            {"Message": "x", "MessageAttributes": {"AWS.x": {"DataType": "String", "StringValue": "1"}}},
            "ParameterValueInvalid",
            "name 'AWS.x' is invalid",
        ),
        (
            {"Message": "x", "MessageAttributes": {"a..b": {"DataType": "String", "StringValue": "1"}}},
            "ParameterValueInvalid",
            "is invalid",
        ),
        (
            {"Message": "x", "MessageAttributes": {"a": {"DataType": "String"}}},
            "ParameterValueInvalid",
            "must contain non-empty message attribute value",
        ),
        (
            {"Message": "x", "MessageAttributes": {"a": {"DataType": "String.Array", "StringValue": "x"}}},
            "ParameterValueInvalid",
            "must be a JSON array",
        ),
        (
            {
                "Message": "x",
                "MessageAttributes": {f"a{i}": {"DataType": "String", "StringValue": "1"} for i in range(11)},
            },
            "ParameterValueInvalid",
            "exceeds the allowed maximum [10]",
        ),
    ],
)
def test_bad_publish_requests(
    topics: Topics, topic: str, request_: dict[str, Any], code: str, message: str
) -> None:
    with pytest.raises(ServiceError) as raised:
        topics.publish(TopicArn=topic, **request_)
    assert raised.value.code == code
    assert message in raised.value.message
    assert topics.messages() == []


def test_the_size_limit_counts_attributes(topics: Topics, topic: str) -> None:
    attribute = {"k": {"DataType": "String", "StringValue": "v" * 10}}
    fits = 256 * 1024 - len("k") - len("String") - 10
    topics.publish(TopicArn=topic, Message="x" * fits, MessageAttributes=attribute)
    with pytest.raises(ServiceError, match="Message too long"):
        topics.publish(TopicArn=topic, Message="x" * (fits + 1), MessageAttributes=attribute)


def test_publishing_to_a_missing_topic_is_not_found(topics: Topics) -> None:
    with pytest.raises(ServiceError) as raised:
        topics.publish(TopicArn="arn:aws:sns:eu-west-2:123456789012:nope", Message="x")
    assert (raised.value.code, raised.value.status_code) == ("NotFound", 404)


def test_publish_batch_reports_each_entry(topics: Topics, topic: str) -> None:
    response = topics.publish_batch(
        TopicArn=topic,
        PublishBatchRequestEntries=[
            {"Id": "one", "Message": "first"},
            {"Id": "two", "Message": ""},
            {"Id": "three", "Message": "third", "Subject": "S"},
        ],
    )
    assert [entry["Id"] for entry in response["Successful"]] == ["one", "three"]
    assert response["Failed"] == [
        {
            "Id": "two",
            "Code": "InvalidParameter",
            "Message": "Invalid parameter: Empty message",
            "SenderFault": True,
        }
    ]
    assert [m["Message"] for m in topics.messages(topic)] == ["first", "third"]
    assert {m["MessageId"] for m in topics.messages(topic)} == {
        e["MessageId"] for e in response["Successful"]
    }


BIG_ATTRIBUTE = {"k": {"DataType": "String", "StringValue": "v" * 62_200}}


@pytest.mark.parametrize(
    ("entries", "code"),
    [
        ([], "EmptyBatchRequest"),
        ([{"Id": str(i), "Message": "x"} for i in range(11)], "TooManyEntriesInBatchRequest"),
        ([{"Id": "a", "Message": "x"}, {"Id": "a", "Message": "y"}], "BatchEntryIdsNotDistinct"),
        ([{"Id": "bad id", "Message": "x"}], "InvalidBatchEntryId"),
        ([{"Id": "a" * 81, "Message": "x"}], "InvalidBatchEntryId"),
        (
            [{"Id": "a", "Message": "x" * 200_000}, {"Id": "b", "Message": "x" * 70_000}],
            "BatchRequestTooLong",
        ),
        (  # attributes count towards the limit too
            [
                {"Id": "a", "Message": "x" * 200_000},
                {"Id": "b", "Message": "x", "MessageAttributes": BIG_ATTRIBUTE},
            ],
            "BatchRequestTooLong",
        ),
    ],
)
def test_bad_batches_fail_whole(topics: Topics, topic: str, entries: list[dict[str, Any]], code: str) -> None:
    with pytest.raises(ServiceError) as raised:
        topics.publish_batch(TopicArn=topic, PublishBatchRequestEntries=entries)
    assert raised.value.code == code
    assert topics.messages() == []


def test_message_structure_json_picks_the_protocols_message(topics: Topics, topic: str, tmp_path) -> None:
    path = tmp_path / "out.jsonl"
    topics.subscribe(topic, "file", str(path))
    received: list[Any] = []
    topics.subscribe_callable(topic, received.append)
    topics.publish(
        TopicArn=topic, MessageStructure="json", Message=json.dumps({"default": "plain", "file": "for files"})
    )
    assert json.loads(path.read_text())["Message"] == "for files"
    assert received[0]["Message"] == "plain"
