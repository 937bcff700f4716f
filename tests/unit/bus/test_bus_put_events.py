"""PutEvents: the exact envelope, per-entry errors, request limits and AWS's size rule."""

from __future__ import annotations

import json
import re
import uuid

import pytest

from integrations.bus import EventBus
from integrations.bus.envelope import entry_size
from integrations.errors import ServiceError


def entry(detail: object = None, **overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "Source": "TWITTER",
        "DetailType": "MESSAGE_RECEIVED",
        "Detail": json.dumps({"Text": "hi"} if detail is None else detail),
    }
    base.update(overrides)
    return base


def test_envelope_is_exactly_eventbridges(bus: EventBus) -> None:
    response = bus.put_events(Entries=[entry(Resources=["arn:aws:x"])])
    assert response["FailedEntryCount"] == 0
    (event,) = bus.journal()
    assert list(event) == [
        "version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail",
    ]  # fmt: skip
    assert event["version"] == "0"
    assert str(uuid.UUID(event["id"])) == event["id"] == response["Entries"][0]["EventId"]
    assert (event["detail-type"], event["source"]) == ("MESSAGE_RECEIVED", "TWITTER")
    assert (event["account"], event["region"]) == ("123456789012", "eu-west-2")
    assert event["time"] == "2026-01-01T00:00:00Z"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", event["time"])
    assert event["resources"] == ["arn:aws:x"]
    assert event["detail"] == {"Text": "hi"}


def test_account_and_time_are_configurable(sma_home, clock) -> None:
    with EventBus("Other", directory=sma_home / "bus", account="999988887777", clock=clock) as bus:
        bus.put_events(Entries=[entry(Time="2025-03-04T05:06:07.891+01:00")])
        (event,) = bus.journal()
    assert event["account"] == "999988887777"
    assert event["time"] == "2025-03-04T04:06:07Z"


@pytest.mark.parametrize(
    ("bad", "code", "message"),
    [
        (
            {"Source": None},
            "InvalidArgument",
            "Parameter Source is not valid. Reason: Source is a required argument.",
        ),
        ({"DetailType": ""}, "InvalidArgument", "Parameter DetailType is not valid."),
        ({"Detail": None}, "InvalidArgument", "Parameter Detail is not valid."),
        ({"Detail": "not json"}, "MalformedDetail", "Detail is malformed."),
        ({"Detail": "[1, 2]"}, "MalformedDetail", "Detail is malformed."),
        ({"Detail": '"text"'}, "MalformedDetail", "Detail is malformed."),
        # Python's json reads NaN and Infinity; JSON has neither (RFC 8259 section 6).
        ({"Detail": '{"score": NaN}'}, "MalformedDetail", "Detail is malformed."),
        ({"Detail": '{"score": -Infinity}'}, "MalformedDetail", "Detail is malformed."),
        ({"Source": 5}, "InvalidArgument", "Source must be a string"),
        ({"Resources": "arn"}, "InvalidArgument", "Parameter Resources is not valid."),
        ({"Time": "yesterday"}, "InvalidArgument", "Parameter Time is not valid."),
    ],
)
def test_bad_entries_fail_alone(bus: EventBus, bad: dict, code: str, message: str) -> None:
    response = bus.put_events(Entries=[entry(), entry(**bad), entry()])
    assert response["FailedEntryCount"] == 1
    good1, failed, good2 = response["Entries"]
    assert "EventId" in good1 and "EventId" in good2
    assert failed["ErrorCode"] == code
    assert message in failed["ErrorMessage"]
    assert "EventId" not in failed
    assert [e["id"] for e in bus.journal()] == [good1["EventId"], good2["EventId"]]


def test_an_entry_for_another_bus_is_accepted_and_dropped(bus: EventBus) -> None:
    # AWS's recorded answer (localstack tests/aws/services/events/test_events.snapshot.json,
    # test_put_events_nonexistent_event_bus): the entry gets an EventId and reaches no rule.
    response = bus.put_events(Entries=[entry(), entry(EventBusName="elsewhere"), entry(Source="")])
    assert response["FailedEntryCount"] == 1
    first, elsewhere, failed = response["Entries"]
    assert "EventId" in elsewhere and failed["ErrorCode"] == "InvalidArgument"
    assert [e["id"] for e in bus.journal()] == [first["EventId"]]


@pytest.mark.parametrize(
    ("given", "expected"),
    [("2022-01-01", "2022-01-01T00:00:00Z"), ("2022-01-01 10:00:00Z", "2022-01-01T10:00:00Z"),
     ("01-02-2022T03:04:05Z", "2022-01-02T03:04:05Z")],
)  # fmt: skip
def test_time_in_the_forms_aws_accepts(bus: EventBus, given: str, expected: str) -> None:
    # AWS delivered entries with each of these Time forms (recorded: test_put_events_time, same file);
    # the SDK reads them as botocore does.
    assert bus.put_events(Entries=[entry(Time=given)])["FailedEntryCount"] == 0
    assert bus.journal()[-1]["time"] == expected


def test_an_entry_without_resources_is_accepted(bus: EventBus) -> None:
    # Resources is optional in PutEventsRequestEntry (EventBridge API reference); the envelope then
    # holds an empty list, as AWS's recorded deliveries show ("resources": []).
    assert bus.put_events(Entries=[entry()])["FailedEntryCount"] == 0
    assert bus.journal()[0]["resources"] == []


def test_bus_name_or_arn_is_accepted(bus: EventBus) -> None:
    response = bus.put_events(Entries=[entry(EventBusName="Plumbing"), entry(EventBusName=bus.arn)])
    assert response["FailedEntryCount"] == 0


@pytest.mark.parametrize("count", [0, 11])
def test_entry_count_limits(bus: EventBus, count: int) -> None:
    with pytest.raises(ServiceError) as raised:
        bus.put_events(Entries=[entry() for _ in range(count)])
    assert raised.value.code == "ValidationException"
    assert bus.journal() == []


def test_ten_entries_are_accepted(bus: EventBus) -> None:
    assert bus.put_events(Entries=[entry() for _ in range(10)])["FailedEntryCount"] == 0
    assert len(bus.journal()) == 10


def test_size_is_computed_as_aws_does() -> None:
    e = {"Source": "ab", "DetailType": "é", "Detail": '{"k":"€"}', "Resources": ["r1", "r22"], "Time": 0}
    assert entry_size(e) == 14 + 2 + 2 + len('{"k":"€"}'.encode()) + 2 + 3
    assert entry_size({"Source": "a", "DetailType": "b", "Detail": "{}"}) == 4


def test_requests_over_256_kb_are_rejected_whole(bus: EventBus) -> None:
    overhead = len("TWITTER") + len("MESSAGE_RECEIVED") + len('{"x": ""}')
    fits = entry({"x": "a" * (256 * 1024 - overhead)})
    assert entry_size(fits) == 256 * 1024
    assert bus.put_events(Entries=[fits])["FailedEntryCount"] == 0
    with pytest.raises(ServiceError, match="over the limit") as raised:
        bus.put_events(Entries=[entry({"x": "a" * (256 * 1024 - overhead + 1)})])
    assert raised.value.code == "ValidationException"
    with pytest.raises(ServiceError, match="over the limit"):
        bus.put_events(Entries=[entry({"x": "a" * 200_000}), entry({"x": "a" * 100_000})])
    assert len(bus.journal()) == 1


def test_put_event_convenience_raises_the_entry_error(bus: EventBus) -> None:
    event_id = bus.put_event("BOT", "SEND_TWEET", {"Text": "x"})
    assert bus.journal()[0]["id"] == event_id
    with pytest.raises(ServiceError) as raised:
        bus.put_event("", "SEND_TWEET", {})
    assert raised.value.code == "InvalidArgument"


def test_more_than_ten_entries_are_refused_in_aws_words(bus: EventBus) -> None:
    # AWS's recorded answer (localstack tests/aws/services/events/test_events.snapshot.json,
    # test_put_events_exceed_limit_ten_entries) lists the entries as its Java service prints them.
    with pytest.raises(ServiceError) as raised:
        bus.put_events(Entries=[{"Source": "s", "DetailType": "t", "Detail": '{"n": 1}'}] * 11)
    message = raised.value.message
    assert message.startswith(
        "1 validation error detected: Value '[PutEventsRequestEntry(time=null, source=s, resources=null, "
        'detailType=t, detail={"n": 1}, eventBusName=null, traceHeader=null, kmsKeyIdentifier=null, '
        "internalMetadata=null), PutEventsRequestEntry("
    )
    assert message.endswith(
        "internalMetadata=null)]' at 'entries' failed to satisfy constraint: "
        "Member must have length less than or equal to 10"
    )
    assert message.count("PutEventsRequestEntry(") == 11


@pytest.mark.parametrize(
    ("target_id", "constraint"),
    [
        ("!@#$@!#$", "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+"),
        ("t" * 65, "Member must have length less than or equal to 64"),
    ],
)
def test_bad_target_ids_are_refused_in_aws_words(bus: EventBus, target_id: str, constraint: str) -> None:
    # Recorded PutTargets answers (same snapshot file, test_put_target_id_validation).
    bus.put_rule(Name="r", EventPattern={"source": ["s"]})
    with pytest.raises(ServiceError) as raised:
        bus.put_targets(Rule="r", Targets=[{"Id": target_id, "Arn": "arn:aws:sqs:eu-west-2:123456789012:q"}])
    assert (raised.value.code, raised.value.message) == (
        "ValidationException",
        f"1 validation error detected: Value '{target_id}' at 'targets.1.member.id' failed to satisfy "
        f"constraint: {constraint}",
    )
