"""The 256 KB limits counted as AWS counts them: UTF-8 bytes, wherever a payload enters a local service.

Sources: "Calculating Amazon EventBridge PutEvents event entry size" (UTF-8 bytes of Source, DetailType,
Detail and each Resource, Time as 14), "Amazon SNS message size" in the Publish API reference (256 KB of
UTF-8 with the attributes) and "Step Functions service quotas" (execution input: 256 KiB of UTF-8).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from integrations.bus import EventBus
from integrations.bus.envelope import entry_size
from integrations.errors import ServiceError
from integrations.stepfunctions import StateMachineDefinition, StepFunctionsService
from integrations.topics import Topics
from integrations.topics.handlers import engine_handlers as topic_handlers
from integrations.unicode_text import PAYLOAD_LIMIT, json_text, utf8_size

GRIN = "\U0001f600"  # four bytes of UTF-8; twelve characters as a \\u-escaped surrogate pair


def test_utf8_size_and_json_text() -> None:
    assert [utf8_size(text) for text in ("", "abc", "é", "€", GRIN)] == [0, 3, 2, 3, 4]
    assert json_text({"t": GRIN, "n": [1, None]}) == '{"t":"' + GRIN + '","n":[1,null]}'
    assert utf8_size(json_text({"t": GRIN * 10})) == len('{"t":""}') + 40


def test_put_events_counts_emoji_as_four_bytes(sma_home: Path) -> None:
    detail_room = PAYLOAD_LIMIT - len("s") - len("t") - len('{"x":""}')
    text = GRIN * (detail_room // 4) + "a" * (detail_room % 4)
    fits = {"Source": "s", "DetailType": "t", "Detail": json_text({"x": text})}
    assert entry_size(fits) == PAYLOAD_LIMIT
    over = {**fits, "Detail": json_text({"x": text + "a"})}
    with EventBus("Sizes", directory=sma_home / "bus") as bus:
        assert bus.put_events(Entries=[fits])["FailedEntryCount"] == 0
        with pytest.raises(ServiceError) as raised:
            bus.put_events(Entries=[over])
        assert (raised.value.code, raised.value.message) == (
            "ValidationException",
            "Total size of the entries in the request is over the limit.",
        )


def test_sns_counts_a_message_in_utf8_bytes(sma_home: Path) -> None:
    topics = Topics(directory=sma_home / "topics", region="eu-west-2", smtp=None)
    try:
        topic = topics.create_topic(Name="sizes")["TopicArn"]
        assert "MessageId" in topics.publish(TopicArn=topic, Message=GRIN * (PAYLOAD_LIMIT // 4))
        with pytest.raises(ServiceError) as raised:
            topics.publish(TopicArn=topic, Message=GRIN * (PAYLOAD_LIMIT // 4) + "a")
        assert (raised.value.code, raised.value.message) == (
            "InvalidParameter",
            "Invalid parameter: Message too long",
        )
        # A Message given as JSON by a workflow is serialised as UTF-8: 60,000 emoji fit (240 KB),
        # where \\u escapes would have made 720 KB of it.
        publish = topic_handlers(topics)["arn:aws:states:::sns:publish"]
        assert "MessageId" in publish({"TopicArn": topic, "Message": {"t": GRIN * 60_000}}, None)
        assert json.loads(topics.messages()[-1]["Message"]) == {"t": GRIN * 60_000}
    finally:
        topics.close()


def test_step_functions_input_is_counted_in_utf8_bytes(tmp_path: Path) -> None:
    service = StepFunctionsService(path=tmp_path / "executions.sqlite3")
    try:
        service.create_state_machine(
            StateMachineDefinition(
                "Echo", {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, "EXPRESS"
            )
        )
        arn = service.state_machine_arn("Echo")
        text = json_text({"t": GRIN * ((PAYLOAD_LIMIT - len('{"t":""}')) // 4)})
        assert utf8_size(text) == PAYLOAD_LIMIT
        assert service.start_sync_execution(stateMachineArn=arn, input=text)["status"] == "SUCCEEDED"
        with pytest.raises(ServiceError) as raised:
            service.start_sync_execution(stateMachineArn=arn, input=json_text({"t": GRIN * 65_535 + "ab"}))
        assert raised.value.code == "InvalidExecutionInput"
    finally:
        service.close()
