"""The engine handlers for events:putEvents, called as the ASL engine calls them."""

from __future__ import annotations

import json

import pytest

from integrations.bus import EventBus
from integrations.bus.handlers import engine_handlers
from integrations.errors import ServiceError

OPTIMISED = "arn:aws:states:::events:putEvents"
SDK = "arn:aws:states:::aws-sdk:eventbridge:putEvents"


def test_detail_objects_are_serialised_and_ids_returned(bus: EventBus) -> None:
    handler = engine_handlers(bus)[OPTIMISED]
    response = handler(
        {
            "Entries": [
                {
                    "EventBusName": "Plumbing",
                    "Source": "BOT",
                    "DetailType": "SEND_TWEET",
                    "Detail": {"Text": "hi"},
                },
                {"Source": "BOT", "DetailType": "TWEET_SENT", "Detail": json.dumps({"Id": "1"})},
            ]
        },
        None,
    )
    assert response["FailedEntryCount"] == 0
    ids = [entry["EventId"] for entry in response["Entries"]]
    journal = bus.journal()
    assert [event["id"] for event in journal] == ids
    assert journal[0]["detail"] == {"Text": "hi"}
    assert journal[1]["detail"] == {"Id": "1"}


def test_optimised_integration_fails_with_failed_entry(bus: EventBus) -> None:
    handler = engine_handlers(bus)[OPTIMISED]
    with pytest.raises(ServiceError) as raised:
        handler(
            {
                "Entries": [
                    {"Source": "BOT", "Detail": {}},
                    {"Source": "BOT", "DetailType": "X", "Detail": {}},
                ]
            },
            None,
        )
    assert (raised.value.service, raised.value.code) == ("events", "FailedEntry")
    cause = json.loads(raised.value.message)
    assert cause["FailedEntryCount"] == 1
    assert cause["Entries"][0]["ErrorCode"] == "InvalidArgument"
    assert len(bus.journal()) == 1  # the good entry was still accepted, as on AWS


def test_sdk_integration_returns_failed_entries(bus: EventBus) -> None:
    response = engine_handlers(bus)[SDK](
        {"Entries": [{"Source": "BOT", "DetailType": "X", "Detail": "nope"}]}, None
    )
    assert response["FailedEntryCount"] == 1
    assert response["Entries"] == [{"ErrorCode": "MalformedDetail", "ErrorMessage": "Detail is malformed."}]


@pytest.mark.parametrize("arguments", [{}, {"Entries": "x"}, [], {"Entries": []}])
def test_bad_arguments_are_validation_errors(bus: EventBus, arguments: object) -> None:
    with pytest.raises(ServiceError) as raised:
        engine_handlers(bus)[OPTIMISED](arguments, None)
    assert raised.value.code == "ValidationException"


def test_an_entry_for_an_unknown_bus_is_dropped_as_aws_drops_it(bus: EventBus) -> None:
    # AWS answers with an EventId and delivers the entry nowhere (recorded PutEvents answer:
    # localstack tests/aws/services/events/test_events.snapshot.json, test_put_events_nonexistent_event_bus).
    response = engine_handlers(bus)[SDK](
        {"Entries": [{"EventBusName": "Other", "Source": "a", "DetailType": "b", "Detail": {}}]}, None
    )
    assert response["FailedEntryCount"] == 0 and "EventId" in response["Entries"][0]
    assert bus.journal() == []


def test_a_detail_object_is_sent_as_utf8_json(bus: EventBus) -> None:
    # Step Functions sends the Detail as JSON text; its size counts in UTF-8 bytes ("Calculating Amazon
    # EventBridge PutEvents event entry size"), so 60,000 emoji (240,000 bytes) fit in one entry.
    detail = {"Text": "\U0001f600" * 60_000}
    response = engine_handlers(bus)[OPTIMISED](
        {"Entries": [{"Source": "a", "DetailType": "b", "Detail": detail}]}, None
    )
    assert response["FailedEntryCount"] == 0
    assert bus.journal()[0]["detail"] == detail
