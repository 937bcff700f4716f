"""The engine handlers for sns:publish, called as the ASL engine calls them."""

from __future__ import annotations

from typing import Any

import pytest

from integrations.errors import ServiceError
from integrations.topics import Topics
from integrations.topics.handlers import engine_handlers


@pytest.mark.parametrize("resource", ["arn:aws:states:::sns:publish", "arn:aws:states:::aws-sdk:sns:publish"])
def test_publish_serialises_json_messages(topics: Topics, topic: str, resource: str) -> None:
    received: list[Any] = []
    topics.subscribe_callable(topic, received.append)
    response = engine_handlers(topics)[resource](
        {"TopicArn": topic, "Message": {"Text": "bad", "Score": 0.9}, "Subject": "Alert"}, None
    )
    assert set(response) == {"MessageId"}
    assert received[0]["Message"] == '{"Text":"bad","Score":0.9}'
    assert received[0]["MessageId"] == response["MessageId"]
    assert received[0]["Subject"] == "Alert"


def test_publish_errors_are_named_after_the_sdks_exceptions(topics: Topics, topic: str) -> None:
    handler = engine_handlers(topics)["arn:aws:states:::sns:publish"]
    with pytest.raises(ServiceError) as raised:
        handler({"TopicArn": topic + "-missing", "Message": "x"}, None)
    assert (raised.value.code, raised.value.status_code) == ("NotFoundException", 404)
    with pytest.raises(ServiceError) as raised:
        handler({"TopicArn": topic, "Message": ""}, None)
    assert raised.value.code == "InvalidParameterException"
    assert raised.value.message == "Invalid parameter: Empty message"
    attributes = {"a": {"DataType": "Blob", "StringValue": "1"}}
    with pytest.raises(ServiceError) as raised:
        handler({"TopicArn": topic, "Message": "x", "MessageAttributes": attributes}, None)
    assert raised.value.code == "InvalidParameterValueException"
    with pytest.raises(ServiceError) as raised:
        handler("not an object", None)
    assert raised.value.code == "InvalidParameterException"
    batch = engine_handlers(topics)["arn:aws:states:::aws-sdk:sns:publishBatch"]
    with pytest.raises(ServiceError) as raised:
        batch({"TopicArn": topic, "PublishBatchRequestEntries": []}, None)
    assert raised.value.code == "EmptyBatchRequestException"


def test_publish_batch(topics: Topics, topic: str) -> None:
    response = engine_handlers(topics)["arn:aws:states:::aws-sdk:sns:publishBatch"](
        {
            "TopicArn": topic,
            "PublishBatchRequestEntries": [{"Id": "a", "Message": {"n": 1}}, {"Id": "b", "Message": ""}],
        },
        None,
    )
    assert [e["Id"] for e in response["Successful"]] == ["a"]
    assert [e["Id"] for e in response["Failed"]] == ["b"]
    assert topics.messages(topic)[0]["Message"] == '{"n":1}'
