"""Ingest's idempotency record on the local DynamoDB: the same ASL as on AWS, its conditions evaluated
for real (leases and all), PutEvents answered by a recorder.

The model is Powertools for AWS Lambda's idempotency utility (docs.powertools.aws.dev/lambda/python/latest/
utilities/idempotency/): one record per key, written with a conditional PutItem, IN_PROGRESS with an
in-progress expiry (the lease) while the work runs, COMPLETED after it; a record IN_PROGRESS past its lease
belongs to an execution that died and may be claimed again. The condition is DynamoDB's own language
("Condition and filter expressions, operators, and functions", DynamoDB Developer Guide).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from infra.topology import IDEMPOTENCY, TOPOLOGY
from integrations.dynamodb import DynamoDBClient, TableSchema
from integrations.dynamodb.handlers import engine_handlers
from integrations.errors import ServiceError
from workflows.engine import Execution, ManualClock, execute
from workflows.engine.execution import EXPRESS_MAX_SECONDS

ROOT = Path(__file__).resolve().parents[2]
DEFINITION = json.loads((ROOT / "workflows/ingest.asl.json").read_text())
MENTION = json.loads((ROOT / "examples/payloads/aaa/mention.json").read_text())
LIKE = json.loads((ROOT / "examples/payloads/aaa/like.json").read_text())
TWEET_ID = MENTION["tweet_create_events"][0]["id_str"]
KEY = {"Id": {"S": f"message#{TWEET_ID}"}}
START = datetime(2026, 11, 22, 5, 30, tzinfo=UTC)
LEASE = 300  # an Express execution runs at most five minutes
WEEK = 7 * 24 * 3600


class Died(BaseException):
    """The process running an execution vanished (SIGKILL, power cut): nothing after it runs."""


class Cloud:
    """The local Idempotency table, a PutEvents recorder, and a way to run the ingest workflow."""

    def __init__(self, path: Path) -> None:
        [spec] = [t for t in TOPOLOGY.tables if t.name == IDEMPOTENCY]
        self.dynamodb = DynamoDBClient(
            [TableSchema(spec.name, spec.partition_key, ttl_attribute=spec.ttl_attribute)], path=path
        )
        self.published: list[dict[str, Any]] = []
        self.dynamodb_calls = 0
        self.put_events: Callable[[list[dict[str, Any]]], None] = self.published.extend

    def handlers(self) -> dict[str, Any]:
        def put_events(arguments: Any, invocation: Any) -> dict[str, Any]:
            self.put_events(arguments["Entries"])
            return {"Entries": [{"EventId": str(i)} for i in arguments["Entries"]], "FailedEntryCount": 0}

        def counted(handler: Any) -> Any:
            def call(arguments: Any, invocation: Any) -> Any:
                self.dynamodb_calls += 1
                return handler(arguments, invocation)

            return call

        handlers = {arn: counted(h) for arn, h in engine_handlers(self.dynamodb).items()}
        return {**handlers, "arn:aws:states:::events:putEvents": put_events}

    def ingest(
        self, *payloads: dict[str, Any], at: datetime = START, name: str | None = None, record: int = 0
    ) -> Execution:
        """Run ingest on a batch of stream records numbered from `record`: the same number is the same
        record delivered again (the pipe's retry), another number another delivery of the webhook."""
        batch = [
            {"Payload": p, "SequenceNumber": str(49656953064516 + record + i)} for i, p in enumerate(payloads)
        ]
        return execute(
            DEFINITION,
            batch,
            handlers=self.handlers(),
            clock=ManualClock(at),
            name=name,
            state_machine_type="EXPRESS",
            substitutions={"PlumbingBusName": "Plumbing", "IdempotencyTableName": IDEMPOTENCY},
        )

    def record(self) -> dict[str, Any]:
        """The message's idempotency record ({} when there is none)."""
        item: dict[str, Any] = self.dynamodb.get_item(TableName=IDEMPOTENCY, Key=KEY).get("Item", {})
        return item

    def types(self) -> list[str]:
        return [entry["DetailType"] for entry in self.published]


@pytest.fixture
def cloud(tmp_path: Path) -> Cloud:
    return Cloud(tmp_path / "tables.sqlite3")


def epoch(moment: datetime) -> str:
    return str(int(moment.timestamp()))


def test_first_delivery_publishes_and_completes_the_record(cloud: Cloud) -> None:
    execution = cloud.ingest(MENTION, name="first")
    assert execution.status == "SUCCEEDED", execution.cause
    assert cloud.types() == ["TWITTER_TWEETED", "MESSAGE_RECEIVED"]
    assert cloud.record() == {
        **KEY,
        "Status": {"S": "COMPLETED"},
        "ClaimedBy": {"S": "49656953064516"},  # the stream record that carried it
        "LeaseExpiresAt": {"N": epoch(START + timedelta(seconds=LEASE))},
        "ExpiresAt": {"N": epoch(START + timedelta(seconds=WEEK))},
        "CompletedAt": {"N": epoch(START)},
    }


def test_a_redelivery_is_counted_not_published(cloud: Cloud) -> None:
    cloud.ingest(MENTION, name="first")
    for minutes in (1, 60, 24 * 60):  # X retries within minutes; a replay job may come days later
        execution = cloud.ingest(
            MENTION, at=START + timedelta(minutes=minutes), name=f"again-{minutes}", record=minutes
        )
        assert execution.status == "SUCCEEDED", execution.cause
    assert cloud.types() == ["TWITTER_TWEETED", "MESSAGE_RECEIVED"] + ["MESSAGE_DUPLICATE"] * 3
    assert cloud.published[-1]["Detail"] == {
        "Twitter": {"TweetId": TWEET_ID, "UserId": MENTION["tweet_create_events"][0]["user"]["id_str"]},
        "Author": MENTION["tweet_create_events"][0]["user"]["screen_name"],
    }
    assert cloud.record()["ClaimedBy"] == {"S": "49656953064516"}  # a duplicate writes nothing


def xaa_delivery_of_the_same_post() -> dict[str, Any]:
    """The mention as the X Activity API delivers it (the xaa example, pointed at the same post): the
    same tweet id, so the same record, whichever API it came through."""
    delivery = copy.deepcopy(json.loads((ROOT / "examples/payloads/xaa/mention.json").read_text()))
    delivery["data"]["payload"]["id"] = TWEET_ID
    return delivery


def test_the_same_post_through_both_apis_is_one_message(cloud: Cloud) -> None:
    execution = cloud.ingest(MENTION, xaa_delivery_of_the_same_post())
    assert execution.status == "SUCCEEDED", execution.cause
    assert cloud.types() == ["TWITTER_TWEETED", "MESSAGE_RECEIVED", "MESSAGE_DUPLICATE"]
    later = cloud.ingest(xaa_delivery_of_the_same_post(), at=START + timedelta(seconds=5))
    assert later.status == "SUCCEEDED", later.cause
    assert cloud.types()[-1] == "MESSAGE_DUPLICATE"
    assert cloud.types().count("MESSAGE_RECEIVED") == 1


def test_a_claim_left_by_a_dead_execution_is_taken_back_by_its_own_record_at_once(cloud: Cloud) -> None:
    def die(entries: list[dict[str, Any]]) -> None:
        raise Died

    cloud.put_events = die
    with pytest.raises(Died):  # the process dies after claiming, before publishing
        cloud.ingest(MENTION, name="dead")
    assert cloud.record()["Status"] == {"S": "IN_PROGRESS"}
    cloud.put_events = cloud.published.extend

    # Another delivery of the same post (X retrying, another stream record) while the claim is live: a
    # duplicate, since the record that holds the claim stays in the stream until it is ingested.
    other = cloud.ingest(MENTION, at=START + timedelta(seconds=30), name="x-retry", record=7)
    assert other.status == "SUCCEEDED", other.cause
    assert cloud.types() == ["MESSAGE_DUPLICATE"]
    assert cloud.record()["Status"] == {"S": "IN_PROGRESS"}

    # The pipe delivers the dead execution's record again (same sequence number), well within the lease:
    # it takes its own claim back at once and the message is ingested, once.
    retry = cloud.ingest(MENTION, LIKE, at=START + timedelta(seconds=40), name="pipe-retry")
    assert retry.status == "SUCCEEDED", retry.cause
    assert cloud.types() == ["MESSAGE_DUPLICATE", "TWITTER_TWEETED", "MESSAGE_RECEIVED", "TWITTER_FAVOURITED"]
    assert cloud.record()["Status"] == {"S": "COMPLETED"}


def test_a_claim_whose_record_never_came_back_is_claimed_after_its_lease(cloud: Cloud) -> None:
    # The holder's record was dead-lettered and not redriven: once the lease has ended, a later delivery
    # of the post claims it and ingests it.
    def die(entries: list[dict[str, Any]]) -> None:
        raise Died

    cloud.put_events = die
    with pytest.raises(Died):
        cloud.ingest(MENTION, name="dead")
    cloud.put_events = cloud.published.extend
    late = cloud.ingest(MENTION, at=START + timedelta(seconds=LEASE + 1), name="after-lease", record=9)
    assert late.status == "SUCCEEDED", late.cause
    assert cloud.types() == ["TWITTER_TWEETED", "MESSAGE_RECEIVED"]
    assert cloud.record()["ClaimedBy"] == {"S": str(49656953064516 + 9)}


def test_a_failed_publish_releases_the_claim_so_the_retry_redoes_it(cloud: Cloud) -> None:
    def unavailable(entries: list[dict[str, Any]]) -> None:
        raise ServiceError("events", "InternalException", "Internal service error", 500)

    cloud.put_events = unavailable
    failed = cloud.ingest(MENTION, name="unlucky")
    assert failed.status == "FAILED"
    assert failed.error == "EventBridge.InternalException"
    assert cloud.record() == {}  # released: the pipe's retry need not wait for the lease

    cloud.put_events = cloud.published.extend
    retried = cloud.ingest(MENTION, at=START + timedelta(seconds=2), name="retry")
    assert retried.status == "SUCCEEDED", retried.cause
    assert cloud.types() == ["TWITTER_TWEETED", "MESSAGE_RECEIVED"]


def test_activity_without_a_message_costs_no_dynamodb_call(cloud: Cloud) -> None:
    execution = cloud.ingest(LIKE)
    assert execution.status == "SUCCEEDED", execution.cause
    assert cloud.types() == ["TWITTER_FAVOURITED"]
    assert cloud.dynamodb_calls == 0


def test_one_write_to_claim_and_one_to_complete_per_message(cloud: Cloud) -> None:
    cloud.ingest(MENTION)
    assert cloud.dynamodb_calls == 2


def test_a_lease_outlives_its_execution() -> None:
    # The lease must not end while the claiming execution may still run (an Express execution runs at
    # most five minutes: "Standard vs. Express Workflows", Step Functions Developer Guide). The pipe's
    # retries need not outlast it: a retried record takes its own claim back at once.
    lease = DEFINITION["States"]["KindsOfActivity"]["Assign"]["LeaseSeconds"]
    assert TOPOLOGY.state_machine("Ingest").type == "EXPRESS"
    assert lease >= EXPRESS_MAX_SECONDS
