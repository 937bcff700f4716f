"""The engine handlers for events:putEvents, called as the ASL engine calls them."""

from __future__ import annotations

import json
import uuid

import pytest

from integrations.bus import EventBus, ManualClock
from integrations.bus.bus import CALL_RETENTION_DAYS
from integrations.bus.handlers import engine_handlers
from integrations.errors import ServiceError
from tests.unit.bus.conftest import Recorder
from workflows.engine import TaskInvocation

OPTIMISED = "arn:aws:states:::events:putEvents"
SDK = "arn:aws:states:::aws-sdk:eventbridge:putEvents"
EXECUTION = "arn:aws:states:us-east-1:123456789012:express:Analyse:run:0b7f0c3e-4d55-4a43-9a4e-2f1d3c5b6a70"


def invocation(step: str | None = None, attempt: int = 0) -> TaskInvocation:
    """A task's call as the engine makes it; a call of its own (a new step) unless `step` is given."""
    step = step or f"Publish#{uuid.uuid4()}"
    return TaskInvocation(
        state_name="Publish",
        resource=OPTIMISED,
        arguments=None,
        attempt=attempt,
        execution_arn=EXECUTION,
        context={},
        call_id=f"{EXECUTION}|{step}.{attempt}",
    )


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
        invocation(),
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
            invocation(),
        )
    assert (raised.value.service, raised.value.code) == ("events", "FailedEntry")
    cause = json.loads(raised.value.message)
    assert cause["FailedEntryCount"] == 1
    assert cause["Entries"][0]["ErrorCode"] == "InvalidArgument"
    assert len(bus.journal()) == 1  # the good entry was still accepted, as on AWS


def test_sdk_integration_returns_failed_entries(bus: EventBus) -> None:
    response = engine_handlers(bus)[SDK](
        {"Entries": [{"Source": "BOT", "DetailType": "X", "Detail": "nope"}]}, invocation()
    )
    assert response["FailedEntryCount"] == 1
    assert response["Entries"] == [{"ErrorCode": "MalformedDetail", "ErrorMessage": "Detail is malformed."}]


@pytest.mark.parametrize("arguments", [{}, {"Entries": "x"}, [], {"Entries": []}])
def test_bad_arguments_are_validation_errors(bus: EventBus, arguments: object) -> None:
    with pytest.raises(ServiceError) as raised:
        engine_handlers(bus)[OPTIMISED](arguments, invocation())
    assert raised.value.code == "ValidationException"


def test_an_entry_for_an_unknown_bus_is_dropped_as_aws_drops_it(bus: EventBus) -> None:
    # AWS answers with an EventId and delivers the entry nowhere (recorded PutEvents answer:
    # localstack tests/aws/services/events/test_events.snapshot.json, test_put_events_nonexistent_event_bus).
    response = engine_handlers(bus)[SDK](
        {"Entries": [{"EventBusName": "Other", "Source": "a", "DetailType": "b", "Detail": {}}]}, invocation()
    )
    assert response["FailedEntryCount"] == 0 and "EventId" in response["Entries"][0]
    assert bus.journal() == []


def test_a_detail_object_is_sent_as_utf8_json(bus: EventBus) -> None:
    # Step Functions sends the Detail as JSON text; its size counts in UTF-8 bytes ("Calculating Amazon
    # EventBridge PutEvents event entry size"), so 60,000 emoji (240,000 bytes) fit in one entry.
    detail = {"Text": "\U0001f600" * 60_000}
    response = engine_handlers(bus)[OPTIMISED](
        {"Entries": [{"Source": "a", "DetailType": "b", "Detail": detail}]}, invocation()
    )
    assert response["FailedEntryCount"] == 0
    assert bus.journal()[0]["detail"] == detail


ONE_EVENT = {"Entries": [{"Source": "BOT", "DetailType": "MESSAGE_ANALYSED", "Detail": {"Text": "hi"}}]}


def test_the_same_call_made_again_gets_the_first_answer_and_publishes_nothing(
    bus: EventBus, recorder: Recorder
) -> None:
    # A crash of the local cloud between a task's PutEvents and the next state makes the local Step
    # Functions run the execution again from its start (at-least-once); its calls carry the same ids.
    bus.put_rule(Name="All", EventPattern=json.dumps({"source": ["BOT"]}))
    bus.register_target("arn:recorder", recorder)
    bus.put_targets(Rule="All", Targets=[{"Id": "r", "Arn": "arn:recorder"}])
    handler = engine_handlers(bus)[OPTIMISED]
    first = handler(ONE_EVENT, invocation("PublishAnalysed#1"))
    assert bus.calls_made_again() == 0
    again = handler(ONE_EVENT, invocation("PublishAnalysed#1"))
    assert again == first
    assert bus.calls_made_again() == 1
    assert [event["id"] for event in bus.journal()] == [first["Entries"][0]["EventId"]]
    assert bus.drain() == 1
    assert len(recorder.received) == 1


def test_another_visit_or_a_retry_is_another_call_and_publishes_again(bus: EventBus) -> None:
    # A Retry is a new PutEvents call on AWS too ("Error handling in Step Functions": the task is
    # attempted again), and a state visited twice in a loop publishes twice.
    handler = engine_handlers(bus)[SDK]
    ids = {
        handler(ONE_EVENT, invocation(step, attempt))["Entries"][0]["EventId"]
        for step, attempt in (("Publish#1", 0), ("Publish#1", 1), ("Publish#2", 0))
    }
    assert len(ids) == 3
    assert len(bus.journal()) == 3


def test_a_call_that_failed_every_entry_is_not_remembered(bus: EventBus) -> None:
    bad = {"Entries": [{"Source": "BOT", "DetailType": "X", "Detail": "nope"}]}
    handler = engine_handlers(bus)[SDK]
    assert handler(bad, invocation("Publish#1"))["FailedEntryCount"] == 1
    assert handler(ONE_EVENT, invocation("Publish#1"))["FailedEntryCount"] == 0
    assert len(bus.journal()) == 1


def test_answered_calls_are_forgotten_after_their_retention(bus: EventBus, clock: ManualClock) -> None:
    handler = engine_handlers(bus)[OPTIMISED]
    handler(ONE_EVENT, invocation("Publish#1"))
    clock.advance(CALL_RETENTION_DAYS * 86400 - 1)
    bus.purge_expired(journal_days=30)
    handler(ONE_EVENT, invocation("Publish#1"))
    assert len(bus.journal()) == 1
    clock.advance(2)
    bus.purge_expired(journal_days=30)
    handler(ONE_EVENT, invocation("Publish#1"))
    assert len(bus.journal()) == 2
