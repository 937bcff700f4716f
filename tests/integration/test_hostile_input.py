"""Hostile input on the local cloud, end to end through the real webhook, pipe, workflows and models
(issue 14): what cannot pass is refused at the door with a JSON error, a long text still gets its reply,
and nothing refused or odd holds up the messages behind it or breaks the log and the metrics.

Limits: Lex V2 RecognizeText's text is 1 to 1,024 characters (botocore's lexv2-runtime model);
Comprehend's DetectEntities takes up to 100 KB of UTF-8 (botocore's comprehend model); Step Functions'
payloads are 256 KiB of UTF-8 (the Step Functions quotas page).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from infra.local.layout import StateLayout
from infra.local.session import Session, local_session
from infra.local.webhooks import deliver, mention

EMOJI = "\U0001f600"


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    layout = StateLayout(tmp_path_factory.mktemp("sma"))
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SMA_SECRET_SMA_X_CREDENTIALS", raising=False)
        with local_session(layout, gallery=None, record=True) as running:
            yield running


def send(session: Session, body: bytes) -> tuple[int, dict[str, Any]]:
    status, text = deliver(session.cloud.webhook_url, body, session.secret)
    assert session.cloud.settle(timeout=300), "the local cloud did not settle"
    return status, json.loads(text)


def replies_to(session: Session, tweet_id: str) -> list[dict[str, Any]]:
    return [
        e["detail"]
        for e in session.recorder.of_type("SEND_TWEET")
        if e["detail"].get("ReplyToTweetId") == tweet_id
    ]


def test_a_long_text_gets_a_reply(session: Session) -> None:
    text = "tell me a joke about clouds, " * 120  # 3,480 characters: more than Lex's 1,024
    status, _ = send(session, json.dumps(mention(text, [], tweet_id="8100000000000000001")).encode())
    assert status == 200
    [reply] = replies_to(session, "8100000000000000001")
    assert reply["Text"].startswith("@local_user ")
    [received] = [
        e
        for e in session.recorder.of_type("MESSAGE_ANALYSED")
        if e["detail"]["Twitter"]["TweetId"] == "8100000000000000001"
    ]
    assert received["detail"]["Text"] == f"@SmaBot {text}"  # the analysis kept the whole text


@pytest.mark.parametrize(
    ("text", "status", "error"),
    [
        ("a" * 100_000, 413, "Comprehend"),  # over Comprehend's 100 KB
        (EMOJI * 20_000, 413, "256 KiB"),  # 80 KB of UTF-8: the ingest workflow would hold it 4 times
        ("hello \ud800", 400, "\\ud800"),  # a lone surrogate, sent as the JSON escape it must be
    ],
)
def test_what_cannot_pass_is_refused_at_the_door_and_holds_nothing_up(
    session: Session, text: str, status: int, error: str
) -> None:
    before = len(session.recorder.events)
    answered, body = send(session, json.dumps(mention(text, [], tweet_id="8200000000000000001")).encode())
    assert answered == status
    assert error in body["error"]
    assert len(session.recorder.events) == before  # nothing recorded, nothing half-processed
    # The next message on the same shard is answered at once.
    ok, _ = send(session, json.dumps(mention("tell me a fact", [], tweet_id="8200000000000000002")).encode())
    assert ok == 200
    assert replies_to(session, "8200000000000000002")
    assert session.cloud.pipe.dead_letters() == []


def test_the_largest_emoji_post_accepted_is_answered(session: Session) -> None:
    # 10,000 emoji (40 KB of UTF-8): within every limit on the path, so acknowledged and answered.
    payload = mention(EMOJI * 10_000, [], tweet_id="8300000000000000001")
    status, _ = send(session, json.dumps(payload).encode())
    assert status == 200
    assert replies_to(session, "8300000000000000001")
