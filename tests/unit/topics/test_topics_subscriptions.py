"""Subscriptions: each protocol delivers SNS's notification, filter policies select, failures stay
with their subscriber."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path
from typing import Any

import pytest

from integrations.errors import ServiceError
from integrations.topics import Topics

NEGATIVE = {
    "sentiment": {"DataType": "String", "StringValue": "NEGATIVE"},
    "score": {"DataType": "Number", "StringValue": "0.93"},
}


def test_file_subscribers_get_the_notification_json(topics: Topics, topic: str, tmp_path: Path) -> None:
    path = tmp_path / "alerts.jsonl"
    subscription = topics.subscribe(topic, "file", str(path))["SubscriptionArn"]
    message_id = topics.publish(
        TopicArn=topic, Message="bad news", Subject="Alert", MessageAttributes=NEGATIVE
    )["MessageId"]
    (line,) = path.read_text().splitlines()
    assert json.loads(line) == {
        "Type": "Notification",
        "MessageId": message_id,
        "TopicArn": topic,
        "Subject": "Alert",
        "Message": "bad news",
        "Timestamp": "2026-01-01T00:00:00.250Z",
        "SignatureVersion": "1",
        "UnsubscribeURL": f"sma://unsubscribe?SubscriptionArn={subscription}",
        "MessageAttributes": {
            "sentiment": {"Type": "String", "Value": "NEGATIVE"},
            "score": {"Type": "Number", "Value": "0.93"},
        },
    }


def test_console_subscribers_print_the_message(topics: Topics, topic: str, screen: io.StringIO) -> None:
    topics.subscribe(topic, "console")
    topics.publish(TopicArn=topic, Message="Negative message from @ana", Subject="Alert")
    printed = screen.getvalue()
    assert "alerts: Alert" in printed
    assert "Negative message from @ana" in printed


def test_http_subscribers_get_a_post_with_sns_headers(topics: Topics, topic: str, http_sink) -> None:
    subscription = topics.subscribe(topic, "http", http_sink.url)["SubscriptionArn"]
    message_id = topics.publish(TopicArn=topic, Message="hello")["MessageId"]
    (request,) = http_sink.requests
    assert request["path"] == "/hook"
    assert request["headers"]["x-amz-sns-message-type"] == "Notification"
    assert request["headers"]["x-amz-sns-message-id"] == message_id
    assert request["headers"]["x-amz-sns-topic-arn"] == topic
    assert request["headers"]["x-amz-sns-subscription-arn"] == subscription
    assert request["headers"]["content-type"] == "text/plain; charset=UTF-8"
    body = json.loads(request["body"])
    assert (body["Type"], body["MessageId"], body["Message"]) == ("Notification", message_id, "hello")
    assert "Subject" not in body


def test_raw_message_delivery_posts_the_message_itself(topics: Topics, topic: str, http_sink) -> None:
    topics.subscribe(topic, "http", http_sink.url, Attributes={"RawMessageDelivery": "true"})
    topics.publish(TopicArn=topic, Message='{"a": 1}')
    assert http_sink.requests[0]["body"] == '{"a": 1}'
    assert http_sink.requests[0]["headers"]["x-amz-sns-rawdelivery"] == "true"


def test_email_goes_over_smtp(sma_home: Path, smtp_sink) -> None:
    topics = Topics(directory=sma_home / "topics", smtp=smtp_sink.settings(), console=None)
    topic = topics.create_topic(Name="alerts")["TopicArn"]
    topics.subscribe(topic, "email", "ops@example.test")
    topics.subscribe(topic, "email-json", "robot@example.test")
    topics.publish(TopicArn=topic, Message="Negative message from @ana", Subject="Negative message")
    assert topics.failures() == []
    plain, as_json = sorted(smtp_sink.messages, key=lambda message: message["to"])  # sent side by side
    assert plain["to"] == ["<ops@example.test>"] and plain["from"] == "<bot@example.test>"
    assert "Subject: Negative message" in plain["data"]
    assert "Negative message from @ana" in plain["data"]
    assert as_json["to"] == ["<robot@example.test>"]
    assert '"Type": "Notification"' in as_json["data"]
    topics.close()


def test_email_without_smtp_is_a_recorded_failure(topics: Topics, topic: str) -> None:
    subscription = topics.subscribe(topic, "email", "ops@example.test")["SubscriptionArn"]
    message_id = topics.publish(TopicArn=topic, Message="x")["MessageId"]
    (failure,) = topics.failures()
    assert failure["SubscriptionArn"] == subscription and failure["MessageId"] == message_id
    assert "SMA_SMTP_HOST" in failure["Error"]


def test_one_failing_subscriber_never_blocks_the_others(
    topics: Topics, topic: str, http_sink, tmp_path: Path
) -> None:
    http_sink.status = 500
    topics.subscribe(topic, "http", http_sink.url)
    topics.subscribe(topic, "http", "http://127.0.0.1:9/closed")

    def broken(notification: Any) -> None:
        raise RuntimeError("subscriber crashed")

    topics.subscribe_callable(topic, broken)
    path = tmp_path / "still.jsonl"
    topics.subscribe(topic, "file", str(path))
    topics.publish(TopicArn=topic, Message="x")
    assert len(path.read_text().splitlines()) == 1
    errors = sorted(failure["Error"] for failure in topics.failures())
    assert len(errors) == 3
    assert any("HTTP 500" in e for e in errors)
    assert any("cannot reach" in e for e in errors)
    assert any("subscriber crashed" in e for e in errors)


def test_attribute_filter_policies_select_messages(topics: Topics, topic: str) -> None:
    negative: list[Any] = []
    everything: list[Any] = []
    topics.subscribe_callable(
        topic,
        negative.append,
        Attributes={
            "FilterPolicy": json.dumps({"sentiment": ["NEGATIVE"], "score": [{"numeric": [">", 0.9]}]})
        },
    )
    topics.subscribe_callable(topic, everything.append)
    topics.publish(TopicArn=topic, Message="a", MessageAttributes=NEGATIVE)
    topics.publish(
        TopicArn=topic,
        Message="b",
        MessageAttributes={"sentiment": {"DataType": "String", "StringValue": "POSITIVE"}},
    )
    topics.publish(TopicArn=topic, Message="c")
    assert [n["Message"] for n in negative] == ["a"]
    assert [n["Message"] for n in everything] == ["a", "b", "c"]


def test_body_filter_policies_match_the_json_message(topics: Topics, topic: str) -> None:
    received: list[Any] = []
    policy = {"Analysis": {"TextSentiment": ["NEGATIVE"]}}
    topics.subscribe_callable(
        topic,
        received.append,
        Attributes={
            "FilterPolicy": json.dumps(policy),
            "FilterPolicyScope": "MessageBody",
            "RawMessageDelivery": "true",
        },
    )
    topics.publish(TopicArn=topic, Message=json.dumps({"Analysis": {"TextSentiment": "NEGATIVE"}}))
    topics.publish(TopicArn=topic, Message=json.dumps({"Analysis": {"TextSentiment": "POSITIVE"}}))
    topics.publish(TopicArn=topic, Message="not json")
    assert [json.loads(m)["Analysis"]["TextSentiment"] for m in received] == ["NEGATIVE"]


def test_filter_policies_can_change(topics: Topics, topic: str) -> None:
    received: list[Any] = []
    arn = topics.subscribe_callable(topic, received.append, Attributes={"FilterPolicy": '{"k": ["a"]}'})[
        "SubscriptionArn"
    ]
    topics.set_subscription_attributes(arn, "FilterPolicy", '{"k": ["b"]}')
    topics.publish(
        TopicArn=topic, Message="1", MessageAttributes={"k": {"DataType": "String", "StringValue": "a"}}
    )
    topics.publish(
        TopicArn=topic, Message="2", MessageAttributes={"k": {"DataType": "String", "StringValue": "b"}}
    )
    assert [n["Message"] for n in received] == ["2"]
    assert topics.get_subscription_attributes(arn)["Attributes"]["FilterPolicy"] == '{"k": ["b"]}'
    with pytest.raises(ServiceError) as raised:
        topics.set_subscription_attributes(arn, "FilterPolicy", '{"k": "b"}')
    assert raised.value.code == "InvalidParameter"


@pytest.mark.parametrize(
    ("protocol", "endpoint", "attributes", "message"),
    [
        ("sms", "+15555550100", {}, "Invalid protocol type: sms"),
        ("http", "https://x", {}, "must match the specified protocol"),
        ("email", "not-an-address", {}, "Email address"),
        ("file", "", {}, "Endpoint"),
        ("file", "/tmp/x", {"Color": "red"}, "Unknown attribute Color"),
        ("email", "a@b.c", {"RawMessageDelivery": "true"}, "does not support raw message delivery"),
        ("file", "/tmp/x", {"RawMessageDelivery": "yes"}, "Must be true or false"),
        ("file", "/tmp/x", {"FilterPolicy": '{"a": [{"wildcard": "*"}]}'}, "FilterPolicy"),
        ("file", "/tmp/x", {"FilterPolicyScope": "Headers"}, "FilterPolicyScope"),
    ],
)
def test_bad_subscriptions(
    topics: Topics, topic: str, protocol: str, endpoint: str, attributes: dict, message: str
) -> None:
    with pytest.raises(ServiceError, match=message) as raised:
        topics.subscribe(topic, protocol, endpoint, Attributes=attributes)
    assert raised.value.code == "InvalidParameter"
    assert topics.list_subscriptions_by_topic(topic) == {"Subscriptions": []}


def test_subscriptions_are_idempotent_durable_and_removable(sma_home: Path, tmp_path: Path) -> None:
    first = Topics(directory=sma_home / "topics")
    topic = first.create_topic(Name="alerts")["TopicArn"]
    arn = first.subscribe(topic, "file", str(tmp_path / "a.jsonl"))["SubscriptionArn"]
    assert first.subscribe(topic, "file", str(tmp_path / "a.jsonl"))["SubscriptionArn"] == arn
    first.close()
    second = Topics(directory=sma_home / "topics")
    (listed,) = second.list_subscriptions_by_topic(topic)["Subscriptions"]
    assert (listed["SubscriptionArn"], listed["Protocol"]) == (arn, "file")
    second.publish(TopicArn=topic, Message="after restart")
    assert "after restart" in (tmp_path / "a.jsonl").read_text()
    second.unsubscribe(arn)
    assert second.list_subscriptions_by_topic(topic) == {"Subscriptions": []}
    with pytest.raises(ServiceError) as raised:
        second.unsubscribe(arn)
    assert raised.value.code == "NotFound"
    second.close()


def test_topics_are_bus_targets(topics: Topics, topic: str) -> None:
    received: list[Any] = []
    topics.subscribe_callable(topic, received.append)
    deliver = topics.deliver_to(topic)
    deliver("Negative message from @ana")
    deliver({"Subject": "x"})
    assert [n["Message"] for n in received] == ["Negative message from @ana", '{"Subject": "x"}']


def test_a_slow_subscriber_does_not_hold_back_the_others(topics: Topics, topic: str) -> None:
    fast_delivered = threading.Event()
    outcome: list[bool] = []

    def slow(notification: Any) -> None:
        # Waits for the subscriber after it: only possible if they are served side by side.
        outcome.append(fast_delivered.wait(timeout=10))

    topics.subscribe_callable(topic, slow)
    topics.subscribe_callable(topic, lambda notification: fast_delivered.set())
    topics.publish(TopicArn=topic, Message="x")
    assert outcome == [True]


def test_failed_deliveries_are_retried_as_snss_default_policy(sma_home: Path, http_sink) -> None:
    now = [1767225600.0]
    topics = Topics(directory=sma_home / "topics", clock=lambda: now[0])
    topic = topics.create_topic(Name="alerts")["TopicArn"]
    topics.subscribe(topic, "http", http_sink.url)
    http_sink.status = 503
    message_id = topics.publish(TopicArn=topic, Message="eventually", Subject="S")["MessageId"]
    assert (len(http_sink.requests), topics.pending_retries()) == (1, 1)
    now[0] += 19
    assert topics.redeliver() == 0
    assert len(http_sink.requests) == 1  # not due yet: 20 s between attempts
    now[0] += 1
    assert topics.redeliver() == 0  # second attempt, still failing
    http_sink.status = 200
    now[0] += 20
    assert topics.redeliver() == 1
    assert topics.pending_retries() == 0
    bodies = [json.loads(request["body"]) for request in http_sink.requests]
    assert [(b["MessageId"], b["Message"], b["Subject"]) for b in bodies] == [
        (message_id, "eventually", "S")
    ] * 3
    assert len(topics.failures()) == 2
    topics.close()


def test_deliveries_are_given_up_after_three_retries(sma_home: Path, http_sink) -> None:
    now = [1767225600.0]
    topics = Topics(directory=sma_home / "topics", clock=lambda: now[0])
    topic = topics.create_topic(Name="alerts")["TopicArn"]
    topics.subscribe(topic, "http", http_sink.url)
    http_sink.status = 500
    topics.publish(TopicArn=topic, Message="never")
    for _ in range(5):
        now[0] += 20
        topics.redeliver()
    assert len(http_sink.requests) == 4  # the first attempt and 3 retries
    assert topics.pending_retries() == 0
    assert len(topics.failures()) == 4
    topics.close()


def test_retries_survive_a_restart_and_run_in_the_background(sma_home: Path, http_sink) -> None:
    first = Topics(directory=sma_home / "topics", clock=lambda: 0.0)
    topic = first.create_topic(Name="alerts")["TopicArn"]
    first.subscribe(topic, "http", http_sink.url)
    http_sink.status = 500
    first.publish(TopicArn=topic, Message="kept")
    first.close()
    http_sink.status = 200
    second = Topics(directory=sma_home / "topics")  # the real clock: the retry is long due
    second.start(poll_seconds=0.01)
    deadline = threading.Event()
    for _ in range(500):
        if second.pending_retries() == 0:
            break
        deadline.wait(0.01)
    second.close()
    assert [json.loads(r["body"])["Message"] for r in http_sink.requests] == ["kept", "kept"]


def test_a_bad_policy_is_worded_as_each_call_words_it(topics: Topics, topic: str) -> None:
    # AWS's recorded answers (localstack tests/aws/services/sns/test_sns_filter_policy.snapshot.json):
    # Subscribe puts the reason under "Attributes Reason:", SetSubscriptionAttributes does not.
    bad = json.dumps({"level": [{"anything-but": {"suffix": "-debug"}}]})
    with pytest.raises(ServiceError) as raised:
        topics.subscribe(topic, "file", "/tmp/x", Attributes={"FilterPolicy": bad})
    assert raised.value.message == (
        "Invalid parameter: Attributes Reason: FilterPolicy: Unsupported anything-but pattern: suffix"
    )
    arn = topics.subscribe(topic, "file", "/tmp/x")["SubscriptionArn"]
    with pytest.raises(ServiceError) as raised:
        topics.set_subscription_attributes(arn, "FilterPolicy", bad)
    assert raised.value.message == "Invalid parameter: FilterPolicy: Unsupported anything-but pattern: suffix"
    with pytest.raises(ServiceError) as raised:
        topics.set_subscription_attributes(arn, "FilterPolicyScope", "Body")
    assert raised.value.message == (
        "Invalid parameter: FilterPolicyScope: Invalid value [Body]. "
        "Please use either MessageBody or MessageAttributes"
    )
    assert "FilterPolicy" not in topics.get_subscription_attributes(arn)["Attributes"]
