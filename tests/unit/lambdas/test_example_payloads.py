"""The sample X payloads in examples/payloads: each is accepted by the ingress and says what it claims."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import pytest

from lambdas.ingress.payloads import classify
from lambdas.ingress.settings import IngressSettings
from lambdas.ingress.webhook import handle_request

PAYLOADS = Path(__file__).resolve().parents[3] / "examples" / "payloads"
EXAMPLES = sorted(PAYLOADS.glob("*/*.json"))
BOT_ID = "1111111111111111111"


def load(name: str) -> dict[str, Any]:
    return json.loads((PAYLOADS / name).read_text())


def test_there_are_account_activity_and_x_activity_examples() -> None:
    names = {path.relative_to(PAYLOADS).as_posix() for path in EXAMPLES}
    assert {
        "aaa/mention.json",
        "aaa/mention-with-photos.json",
        "aaa/long-post.json",
        "aaa/self-post.json",
    } <= names
    assert {"aaa/like.json", "aaa/follow.json", "aaa/delete.json", "aaa/direct-message.json"} <= names
    assert {"xaa/mention.json", "xaa/like.json", "xaa/follow.json"} <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.relative_to(PAYLOADS).as_posix())
def test_each_example_is_for_the_bot_and_recorded_by_the_ingress(path: Path) -> None:
    body = path.read_bytes()
    payload = classify(json.loads(body))
    assert payload.api == path.parent.name.upper()
    assert payload.partition_key == BOT_ID
    secret = "example-secret"
    signature = (
        "sha256=" + base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    )
    records: list[dict[str, Any]] = []

    class Stream:
        def put_record(self, **kwargs: Any) -> dict[str, str]:
            records.append(kwargs)
            return {"SequenceNumber": "1"}

    event = {
        "httpMethod": "POST",
        "headers": {"Content-Type": "application/json", "X-Twitter-Webhooks-Signature": signature},
        "body": body.decode(),
    }
    response = handle_request(
        event, settings=IngressSettings("activity", "x"), stream=Stream(), consumer_secret=lambda: secret
    )
    assert response["statusCode"] == 200
    assert records[0]["Data"] == body


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.relative_to(PAYLOADS).as_posix())
def test_each_example_is_listed_in_the_readme(path: Path) -> None:
    assert f"`{path.relative_to(PAYLOADS).as_posix()}`" in (PAYLOADS / "README.md").read_text()


def test_the_long_post_is_truncated_with_its_full_text_over_280_characters() -> None:
    [item] = load("aaa/long-post.json")["tweet_create_events"]
    assert item["truncated"] is True
    assert len(item["extended_tweet"]["full_text"]) > 280
    assert len(item["text"]) <= 140
    assert item["extended_tweet"]["full_text"].startswith(item["text"].split("\u2026")[0])


def test_the_photo_mention_carries_https_photos_on_xs_media_host() -> None:
    [item] = load("aaa/mention-with-photos.json")["tweet_create_events"]
    photos = [media for media in item["extended_entities"]["media"] if media["type"] == "photo"]
    assert len(photos) == 2
    assert all(media["media_url_https"].startswith("https://pbs.twimg.com/media/") for media in photos)


def test_the_self_post_is_written_by_the_bot() -> None:
    [item] = load("aaa/self-post.json")["tweet_create_events"]
    assert item["user"]["id_str"] == BOT_ID


@pytest.mark.parametrize("name", ["aaa/mention.json", "aaa/mention-with-photos.json", "aaa/long-post.json"])
def test_mentions_come_from_someone_else_and_mention_the_bot(name: str) -> None:
    [item] = load(name)["tweet_create_events"]
    assert item["user"]["id_str"] != BOT_ID
    assert any(mention["id_str"] == BOT_ID for mention in item["entities"]["user_mentions"])
    assert item["id"] == int(item["id_str"])


def test_the_x_activity_mention_is_a_post_by_someone_else() -> None:
    data = load("xaa/mention.json")["data"]
    assert data["event_type"] == "post.create"
    assert data["payload"]["author_id"] != BOT_ID
    assert {"id", "text", "author_id"} <= set(data["payload"])


def test_the_video_mention_has_no_photo() -> None:
    [item] = load("aaa/mention-with-video.json")["tweet_create_events"]
    assert [media["type"] for media in item["extended_entities"]["media"]] == ["video"]


def test_the_retweet_carries_the_retweeted_status() -> None:
    [item] = load("aaa/retweet.json")["tweet_create_events"]
    assert item["retweeted_status"]["user"]["id_str"] == BOT_ID
    assert item["user"]["id_str"] != BOT_ID


@pytest.mark.parametrize(
    ("name", "key", "kind"),
    [
        ("aaa/follow.json", "follow_events", "follow"),
        ("aaa/unfollow.json", "follow_events", "unfollow"),
        ("aaa/block.json", "block_events", "block"),
        ("aaa/mute.json", "mute_events", "mute"),
    ],
)
def test_relationship_events_say_their_type(name: str, key: str, kind: str) -> None:
    [item] = load(name)[key]
    assert item["type"] == kind
