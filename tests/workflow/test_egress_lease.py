"""The egress claim has a lease: the real egress workflow against the local DynamoDB (conditional writes).

The model is Powertools for AWS Lambda's idempotency utility (docs.powertools.aws.dev/lambda/python/
latest/utilities/idempotency/): a record per key written with a conditional put, status IN_PROGRESS
with an in-progress expiry, COMPLETED once done; a record IN_PROGRESS whose expiry has passed belongs to
an attempt that died and may be taken over. An Express execution runs at most five minutes (Step
Functions quotas), so the lease is the claiming execution's start plus 300 s.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from integrations.dynamodb import DynamoDBClient, TableSchema
from integrations.dynamodb.handlers import engine_handlers
from workflows.engine import Execution, ManualClock, execute

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
SUITE = json.loads((WORKFLOWS / "egress.tests.json").read_text())
SUBSTITUTIONS = SUITE["Substitutions"]
TABLE = SUBSTITUTIONS["EgressGuardTableName"]
COMMAND = SUITE["TestCases"]["FirstPost"]["Input"]
TWEET = COMMAND["detail"]["ReplyToTweetId"]
LEASE_SECONDS = 300


@pytest.fixture
def table(tmp_path: Path) -> DynamoDBClient:
    return DynamoDBClient(
        [TableSchema(TABLE, "ReplyToTweetId", ttl_attribute="ExpiresAt")], path=tmp_path / "tables.sqlite3"
    )


class Crash(BaseException):
    """The local cloud killed mid-execution: nothing in the engine catches it."""


def egress(
    table: DynamoDBClient,
    posts: list[Any],
    at: datetime,
    command: dict[str, Any] = COMMAND,
    *,
    name: str | None = None,
    crash: str = "",
) -> Execution:
    """One egress execution starting at `at`; posting is recorded in `posts` instead of reaching X.
    `crash` "before posting" or "after posting" kills it in its PostReply."""

    def post_tweet(event: Any, context: Any) -> dict[str, Any]:
        if crash == "before posting":
            raise Crash
        posts.append(event["Command"]["ReplyToTweetId"])
        if crash == "after posting":
            raise Crash
        return {"Posted": True, "TweetId": "1991000000000000999", "ReplyToTweetId": TWEET}

    def put_events(arguments: Any, invocation: Any) -> dict[str, Any]:
        return {"Entries": [{"EventId": "e"} for _ in arguments["Entries"]], "FailedEntryCount": 0}

    return execute(
        (WORKFLOWS / "egress.asl.json").read_text(),
        command,
        handlers={**engine_handlers(table), "arn:aws:states:::events:putEvents": put_events},
        functions={SUBSTITUTIONS["PostTweetFunctionArn"].rsplit(":", 1)[-1]: post_tweet},
        substitutions=SUBSTITUTIONS,
        state_machine_type="EXPRESS",
        clock=ManualClock(at),
        name=name,
    )


def record(table: DynamoDBClient) -> dict[str, Any]:
    return table.get_item(TableName=TABLE, Key={"ReplyToTweetId": {"S": TWEET}})["Item"]


def claim_left_by_a_dead_execution(table: DynamoDBClient, started: datetime) -> None:
    """What an execution that claimed the reply and then died leaves behind."""
    start = int(started.timestamp())
    table.put_item(
        TableName=TABLE,
        Item={
            "ReplyToTweetId": {"S": TWEET},
            "EventId": {"S": "dead-execution"},
            "Status": {"S": "IN_PROGRESS"},
            "LeaseExpiresAt": {"N": str(start + LEASE_SECONDS)},
            "ExpiresAt": {"N": str(start + 30 * 86400)},
        },
    )


NOW = datetime.now(UTC).replace(microsecond=0)


def test_a_post_leaves_a_completed_record(table: DynamoDBClient) -> None:
    posts: list[Any] = []
    assert egress(table, posts, NOW).status == "SUCCEEDED"
    assert posts == [TWEET]
    item = record(table)
    assert item["Status"] == {"S": "COMPLETED"}
    assert item["EventId"] == {"S": COMMAND["id"]}
    assert item["ExpiresAt"] == {"N": str(int(NOW.timestamp()) + 30 * 86400)}


def test_a_duplicate_after_completion_posts_nothing_however_late(table: DynamoDBClient) -> None:
    posts: list[Any] = []
    egress(table, posts, NOW)
    later = egress(table, posts, NOW + timedelta(days=2))  # long after any lease
    assert later.status == "SUCCEEDED"
    assert later.states_visited[-1] == "AlreadyHandled"
    assert posts == [TWEET]


def test_a_live_claim_of_another_execution_stops_a_duplicate(table: DynamoDBClient) -> None:
    claim_left_by_a_dead_execution(table, NOW)
    posts: list[Any] = []
    duplicate = egress(table, posts, NOW + timedelta(seconds=LEASE_SECONDS - 1))  # still within its lease
    assert duplicate.states_visited[-1] == "AlreadyHandled"
    assert posts == []
    assert record(table)["EventId"] == {"S": "dead-execution"}


def test_a_claim_whose_execution_died_is_taken_over_once_its_lease_ends(table: DynamoDBClient) -> None:
    claim_left_by_a_dead_execution(table, NOW)
    posts: list[Any] = []
    redelivered = egress(table, posts, NOW + timedelta(seconds=LEASE_SECONDS + 1))
    assert redelivered.status == "SUCCEEDED"
    assert posts == [TWEET]  # the reply the dead execution never posted
    assert record(table)["Status"] == {"S": "COMPLETED"}
    assert record(table)["EventId"] == {"S": COMMAND["id"]}


def test_an_execution_run_again_after_a_crash_before_posting_posts_the_reply(table: DynamoDBClient) -> None:
    # The local cloud runs an execution a crash left RUNNING again, under the same name; its own claim,
    # still within its lease, must not stop it, or the reply would be lost (nothing else retries it).
    posts: list[Any] = []
    with pytest.raises(Crash):
        egress(table, posts, NOW, name="egress-1", crash="before posting")
    assert record(table)["Status"] == {"S": "IN_PROGRESS"}
    again = egress(table, posts, NOW + timedelta(seconds=5), name="egress-1")
    assert again.status == "SUCCEEDED"
    assert posts == [TWEET]
    assert record(table)["Status"] == {"S": "COMPLETED"}


def test_another_execution_still_waits_for_the_live_claim_of_a_crashed_one(table: DynamoDBClient) -> None:
    posts: list[Any] = []
    with pytest.raises(Crash):
        egress(table, posts, NOW, name="egress-1", crash="before posting")
    duplicate = egress(table, posts, NOW + timedelta(seconds=5), name="egress-2")
    assert duplicate.states_visited[-1] == "AlreadyHandled"
    assert posts == []


def test_a_run_again_after_a_crash_after_posting_hands_the_same_reply_to_the_poster_again(
    table: DynamoDBClient,
) -> None:
    # At-least-once between the post and its record: the poster gets the same command twice. The local
    # outbox keeps one entry for the same reply (test_post_tweet.py, ..._replies_go_to_the_outbox_once);
    # X refuses it too, 403 "You are not allowed to create a Tweet with duplicate content." (as recorded
    # in github.com/akrherz/iembot/issues/163).
    posts: list[Any] = []
    with pytest.raises(Crash):
        egress(table, posts, NOW, name="egress-1", crash="after posting")
    again = egress(table, posts, NOW + timedelta(seconds=5), name="egress-1")
    assert again.status == "SUCCEEDED"
    assert posts == [TWEET, TWEET]
    assert record(table)["Status"] == {"S": "COMPLETED"}
