"""The bot end to end on the local cloud, through the real HTTP webhook with real signatures and the real
offline models: what a user of `sma up` sees. One cloud serves the whole module (the models load once);
every test sends its own messages, with their own tweet ids, and waits for the cloud to settle. The
`session` fixture (tests/integration/conftest.py) checks every event against its JSON Schema at the end.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from infra.local.lake import lake_tables
from infra.local.session import Session
from infra.local.webhooks import deliver, mention, with_local_media
from infra.topology import REPUBLISHABLE, TOPOLOGY
from integrations.athena import run_query
from integrations.bus.observability import Metrics
from integrations.errors import ServiceError

ROOT = Path(__file__).resolve().parents[2]
PAYLOADS = ROOT / "examples" / "payloads"


def send(session: Session, payload: dict[str, Any], *, signature: str | None = None) -> int:
    body = json.dumps(with_local_media(payload, session.media.origin)).encode()
    status, _ = deliver(session.cloud.webhook_url, body, session.secret, signature=signature)
    assert session.cloud.settle(timeout=300), "the local cloud did not settle"
    return status


def events_about(session: Session, tweet_id: str) -> dict[str, list[dict[str, Any]]]:
    """The domain events about one tweet, by detail-type."""
    found: dict[str, list[dict[str, Any]]] = {}
    for event in session.recorder.events:
        detail = event["detail"]
        about = (
            detail.get("Twitter", {}).get("TweetId") or detail.get("ReplyToTweetId") or detail.get("id_str")
        )
        if about == tweet_id:
            found.setdefault(event["detail-type"], []).append(event)
    return found


def outbox(session: Session) -> list[dict[str, Any]]:
    path = session.cloud.settings.layout.outbox / "outbox.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_a_negative_mention_raises_an_alert_and_gets_a_reply(session: Session) -> None:
    text = "this is the worst service ever, I am furious and disappointed, tell me a joke"
    payload = mention(text, [], author="grumpy", tweet_id="7000000000000000001")
    assert send(session, payload) == 200
    found = events_about(session, "7000000000000000001")
    analysis = found["MESSAGE_ANALYSED"][0]["detail"]["Analysis"]
    assert analysis["TextSentiment"] == "NEGATIVE"
    assert any("@grumpy" in alert and "furious" in alert for alert in session.recorder.alerts)
    [reply] = found["SEND_TWEET"]
    assert reply["detail"]["Text"].startswith("@grumpy ")
    assert len(reply["detail"]["Text"]) <= 280
    assert found["TWEET_SENT"][0]["detail"]["Result"]["Posted"] is False
    assert [e for e in outbox(session) if e["ReplyToTweetId"] == "7000000000000000001"]


def test_a_photo_mention_gets_the_photo_back_naming_the_enrolled_person(session: Session) -> None:
    payload = json.loads((PAYLOADS / "aaa" / "mention-with-photos.json").read_text())
    tweet_id = payload["tweet_create_events"][0]["id_str"]
    assert send(session, payload) == 200
    found = events_about(session, tweet_id)
    images = found["MESSAGE_ANALYSED"][0]["detail"]["Analysis"]["Images"]
    names = {face["Name"] for image in images for face in image["Analysis"]["CelebrityFaces"]}
    assert "Eileen Collins" in names
    [reply] = found["SEND_TWEET"]
    assert "Eileen Collins" in reply["detail"]["Text"]
    assert reply["detail"]["ImageKey"].startswith("annotated/")
    [entry] = [e for e in outbox(session) if e["ReplyToTweetId"] == tweet_id]
    with Image.open(entry["Image"]) as annotated:
        assert annotated.format == "JPEG"
    original = session.cloud.objects.get(session.cloud.bucket("Media"), images[0]["Key"])[1]
    assert original != Path(entry["Image"]).read_bytes(), "the reply's photo was not annotated"


def test_the_accounts_own_post_is_not_analysed(session: Session) -> None:
    payload = json.loads((PAYLOADS / "aaa" / "self-post.json").read_text())
    tweet_id = payload["tweet_create_events"][0]["id_str"]
    assert send(session, payload) == 200
    found = events_about(session, tweet_id)
    assert set(found) == {"TWITTER_TWEETED"}


@pytest.mark.parametrize(
    ("sample", "detail_type"), [("like", "TWITTER_FAVOURITED"), ("follow", "TWITTER_FOLLOWED")]
)
def test_likes_and_follows_yield_raw_events_only(session: Session, sample: str, detail_type: str) -> None:
    before = len(session.recorder.events)
    assert send(session, json.loads((PAYLOADS / "aaa" / f"{sample}.json").read_text())) == 200
    new = [event["detail-type"] for event in session.recorder.events[before:]]
    assert new == [detail_type]


def test_the_same_webhook_delivered_three_times_is_ingested_once(session: Session) -> None:
    # X redelivers a webhook it got no 200 for (up to three retries over five minutes: X's "Account
    # Activity API: Retries" guide), so the same post arrives more than once. The ingest workflow's
    # idempotency record (message#<TweetId>) lets it through once; the others are only counted.
    tweet_id = "7000000000000000002"
    text = "this is the worst bot ever, I am furious and disappointed, tell me a fact"
    payload = mention(text, [], author="thrice", tweet_id=tweet_id)
    for _ in range(3):
        assert send(session, payload) == 200
    found = events_about(session, tweet_id)
    assert len(found["MESSAGE_RECEIVED"]) == 1
    assert len(found["TWITTER_TWEETED"]) == 1
    assert len(found["MESSAGE_DUPLICATE"]) == 2
    assert len(found["MESSAGE_ANALYSED"]) == 1
    assert found["MESSAGE_ANALYSED"][0]["detail"]["Analysis"]["TextSentiment"] == "NEGATIVE"
    assert len([alert for alert in session.recorder.alerts if "@thrice" in alert]) == 1
    assert len(found["SEND_TWEET"]) == 1
    assert len(found["TWEET_SENT"]) == 1
    assert len([e for e in outbox(session) if e["ReplyToTweetId"] == tweet_id]) == 1
    # The data lake holds the message once, and the two duplicates as what they are.
    session.cloud.flush_lake()
    _, rows = run_query(
        f"""SELECT "detail-type", COUNT(*) FROM "analysed-messages-table"
WHERE detail.twitter.tweetid = '{tweet_id}' GROUP BY 1""",
        lake_tables(session.cloud.bucket(TOPOLOGY.delivery_stream.bucket)),
        store=session.cloud.objects,
    )
    assert dict(rows) == {"MESSAGE_RECEIVED": 1, "MESSAGE_ANALYSED": 1, "MESSAGE_DUPLICATE": 2}
    # The duplicates show in the metrics (the catch-all log counts every detail-type, as `sma metrics`).
    totals = Metrics(session.cloud.settings.layout.logs).totals()
    assert totals["MESSAGE_DUPLICATE"] >= 2
    record = session.cloud.dynamodb.get_item(
        TableName="Idempotency", Key={"Id": {"S": f"message#{tweet_id}"}}
    )
    assert record["Item"]["Status"] == {"S": "COMPLETED"}


@pytest.mark.parametrize("signature", ["sha256=bm90IHRoZSByaWdodCBvbmU=", ""])
def test_a_bad_signature_is_refused_and_nothing_is_published(session: Session, signature: str) -> None:
    before = len(session.recorder.events)
    payload = mention("let me in", [], tweet_id="7000000000000000003")
    assert send(session, payload, signature=signature) == 401
    assert session.recorder.events[before:] == []


def test_a_broken_image_still_lets_the_text_be_analysed(session: Session) -> None:
    broken = session.media.folder / "media" / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 this is not really a JPEG")
    payload = mention(
        "look at this", [f"{session.media.origin}/media/broken.jpg"], tweet_id="7000000000000000004"
    )
    assert send(session, payload) == 200
    found = events_about(session, "7000000000000000004")
    analysis = found["MESSAGE_ANALYSED"][0]["detail"]["Analysis"]
    assert analysis["TextSentiment"] in {"POSITIVE", "NEGATIVE", "NEUTRAL", "MIXED"}
    assert analysis["Images"] == []
    assert found["SEND_TWEET"], "a message whose photo is unusable still gets a text reply"


def test_ai_throttling_is_retried_then_succeeds(session: Session) -> None:
    handlers = dict(session.cloud.stepfunctions.engine_options["handlers"])
    resource = "arn:aws:states:::aws-sdk:comprehend:detectSentiment"
    real = handlers[resource]
    calls = {"count": 0}

    def throttled(arguments: Any, invocation: Any) -> Any:
        calls["count"] += 1
        if calls["count"] <= 2:
            raise ServiceError("comprehend", "TooManyRequestsException", "Rate exceeded", 400)
        return real(arguments, invocation)

    session.cloud.stepfunctions.set_engine_options(handlers={**handlers, resource: throttled})
    try:
        assert send(session, mention("a calm day", [], tweet_id="7000000000000000005")) == 200
    finally:
        session.cloud.stepfunctions.set_engine_options(handlers=handlers)
    assert calls["count"] == 3
    found = events_about(session, "7000000000000000005")
    assert found["MESSAGE_ANALYSED"], "the analysis did not succeed after the throttling"
    analyse = [e for e in session.recorder.executions if e["stateMachineArn"].endswith(":Analyse")]
    assert all(e["status"] == "SUCCEEDED" for e in analyse)


def test_everything_lands_in_the_lake_and_the_seeds_queries_find_it(session: Session) -> None:
    send(session, json.loads((PAYLOADS / "aaa" / "mention-with-photos.json").read_text()))
    session.cloud.flush_lake()
    lake = lake_tables(session.cloud.bucket(TOPOLOGY.delivery_stream.bucket))

    def per_type(name: str) -> dict[str, int]:
        sql = f'SELECT "detail-type", COUNT(*) FROM "{name}" GROUP BY 1'
        return dict(run_query(sql, lake, store=session.cloud.objects)[1])

    # The table holds every event the bus carried (no crash here, so each delivered once) ...
    assert per_type(TOPOLOGY.lake.name) == Counter(event["detail-type"] for event in session.recorder.events)
    # ... and the view each once: domain events alike in kind, source and detail are one (this module's
    # tests deliver some webhooks again), every other event one per id.
    distinct = {
        (event["detail-type"], event["source"], json.dumps(event["detail"], sort_keys=True))
        if event["detail-type"] in REPUBLISHABLE
        else (event["detail-type"], event["id"])
        for event in session.recorder.events
    }
    assert per_type(TOPOLOGY.lake_view.name) == Counter(key[0] for key in distinct)
    _, people = run_query(
        """SELECT time, detail.author, celebrityfaces.name
FROM "analysed-messages-table"
CROSS JOIN UNNEST(detail.analysis.images) as t(images)
CROSS JOIN UNNEST(images.analysis.celebrityfaces) as t(celebrityfaces)
WHERE "detail-type" = 'MESSAGE_ANALYSED'
ORDER BY time DESC""",
        lake,
        store=session.cloud.objects,
    )
    assert ("bob_photos", "Eileen Collins") in {(author, name) for _, author, name in people}
