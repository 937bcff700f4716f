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
    assert {"xaa/mention.json", "xaa/reply.json", "xaa/quote.json", "xaa/post-create.json"} <= names


# Every event type of docs.x.com/x-api/activity/introduction ("Supported event types", read 2026-08 from
# github.com/xdevplatform/docs x-api/activity/introduction.mdx).
XAA_EVENT_TYPES = {
    "post.create",
    "post.delete",
    "post.mention.create",
    "post.reply.create",
    "post.quote.create",
    "post.repost.create",
    "like.create",
    "follow.follow",
    "follow.unfollow",
    "profile.update.bio",
    "profile.update.profile_picture",
    "profile.update.banner_picture",
    "profile.update.screenname",
    "profile.update.handle",
    "profile.update.geo",
    "profile.update.url",
    "profile.update.verified_badge",
    "profile.update.affiliate_badge",
    "chat.received",
    "chat.sent",
    "chat.conversation_join",
    "dm.received",
    "dm.sent",
    "dm.read",
    "dm.indicate_typing",
    "news.new",
    "spaces.start",
    "spaces.end",
    "mute.mute",
    "mute.unmute",
    "block.block",
    "block.unblock",
    "broadcast.start",
    "broadcast.end",
    "broadcast.chat",
    "oauth.revoke",
}


def test_every_documented_x_activity_event_type_has_an_example() -> None:
    types = {
        load(path.relative_to(PAYLOADS).as_posix())["data"]["event_type"]
        for path in PAYLOADS.glob("xaa/*.json")
    }
    assert types == XAA_EVENT_TYPES


def test_every_x_activity_example_has_the_documented_envelope() -> None:
    # docs.x.com/x-api/activity/event-payloads, the envelope:
    # {"data": {event_uuid, filter, event_type, tag?, payload, includes?}}
    for path in PAYLOADS.glob("xaa/*.json"):
        document = load(path.relative_to(PAYLOADS).as_posix())
        assert set(document) == {"data"}, path.name
        assert {"event_uuid", "filter", "event_type", "payload"} <= set(document["data"]), path.name
        assert set(document["data"]) <= {
            "event_uuid",
            "filter",
            "event_type",
            "tag",
            "payload",
            "includes",
        }, path.name


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.relative_to(PAYLOADS).as_posix())
def test_each_example_is_for_the_bot_and_recorded_by_the_ingress(path: Path) -> None:
    body = path.read_bytes()
    document = json.loads(body)
    payload = classify(document)
    assert payload.api == path.parent.name.upper()
    # Deliveries filtered by keyword (news.new) or by nothing (oauth.revoke) name no user in the filter:
    # the ingress keeps each such event type in order on one shard instead.
    unfiltered = "data" in document and "user_id" not in document["data"]["filter"]
    assert payload.partition_key == (document["data"]["event_type"] if unfiltered else BOT_ID)
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


def test_x_activity_posts_to_the_account_are_by_someone_else_and_the_own_post_by_the_account() -> None:
    for name in ("xaa/mention.json", "xaa/mention-with-photos.json", "xaa/reply.json", "xaa/quote.json"):
        data = load(name)["data"]
        assert data["payload"]["author_id"] != BOT_ID
        assert {"id", "text", "author_id", "lang"} <= set(data["payload"])
    assert load("xaa/post-create.json")["data"]["payload"]["author_id"] == BOT_ID


def test_the_replies_carry_a_reply_prefix_outside_their_display_range() -> None:
    [item] = load("aaa/reply.json")["tweet_create_events"]
    start = item["display_text_range"][0]
    assert item["text"][:start] == "@SmaBot @alice_codes "
    assert "&amp;" in item["text"]
    payload = load("xaa/reply.json")["data"]["payload"]
    assert payload["text"][: payload["display_text_range"][0]] == "@SmaBot "


def test_the_quotes_quote_the_bots_post_without_mentioning_it() -> None:
    [item] = load("aaa/quote.json")["tweet_create_events"]
    assert item["is_quote_status"] is True
    assert item["quoted_status"]["user"]["id_str"] == BOT_ID
    assert item["entities"]["user_mentions"] == []
    referenced = load("xaa/quote.json")["data"]["payload"]["referenced_tweets"]
    assert referenced == [{"type": "quoted", "id": item["quoted_status_id_str"]}]


def test_the_account_sent_the_sent_dm() -> None:
    [event] = load("aaa/dm-sent.json")["direct_message_events"]
    assert event["message_create"]["sender_id"] == BOT_ID


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
