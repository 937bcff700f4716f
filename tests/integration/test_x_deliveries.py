"""X's webhook deliveries as X documents them, end to end: signed and POSTed to the local webhook, through
the ingress, the stream, the ingest workflow and everything downstream, on the real offline models.

The payloads are the example files (examples/payloads/README.md cites X's pages for each shape:
docs.x.com x-api/activity/event-payloads and introduction for the X Activity API, x-api/account-activity/
introduction for the Account Activity API). What the bot should do with each is the decision that
README records: mentions, replies and quotes of the account are analysed and answered; the account's own
posts, reposts, DMs and everything else are recorded as raw TWITTER_<KIND> events only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infra.local.session import Session
from infra.local.webhooks import deliver, with_local_media

PAYLOADS = Path(__file__).resolve().parents[2] / "examples" / "payloads"


def deliver_example(session: Session, name: str) -> list[dict[str, Any]]:
    """POST one example as X would (signed with the consumer secret); the events it caused, in order."""
    before = len(session.recorder.events)
    payload = json.loads((PAYLOADS / name).read_text(encoding="utf-8"))
    body = json.dumps(with_local_media(payload, session.media.origin)).encode()
    status, text = deliver(session.cloud.webhook_url, body, session.secret)
    assert status == 200, f"{name} was refused: {status} {text}"
    assert session.cloud.settle(timeout=300), "the local cloud did not settle"
    return session.recorder.events[before:]


def of_type(events: list[dict[str, Any]], detail_type: str) -> list[dict[str, Any]]:
    return [event["detail"] for event in events if event["detail-type"] == detail_type]


def test_an_x_activity_mention_is_analysed_and_answered(session: Session) -> None:
    # post.mention.create (docs.x.com x-api/activity/event-payloads): the author comes from includes.users.
    events = deliver_example(session, "xaa/mention.json")
    [received] = of_type(events, "MESSAGE_RECEIVED")
    assert received["Text"] == "hey @SmaBot, tell me a joke about queues & retries 🙂"
    assert received["Author"] == "alice_codes"
    assert received["Language"] == "en"
    [analysed] = of_type(events, "MESSAGE_ANALYSED")
    assert "&amp;" not in json.dumps(analysed, ensure_ascii=False)
    [command] = of_type(events, "SEND_TWEET")
    assert command["Text"].startswith("@alice_codes ")
    assert command["ReplyToTweetId"] == "1991000000000002101"
    assert of_type(events, "TWEET_SENT")


def test_an_x_activity_reply_is_judged_without_its_reply_prefix(session: Session) -> None:
    # post.reply.create: display_text_range starts after "@SmaBot ".
    events = deliver_example(session, "xaa/reply.json")
    [received] = of_type(events, "MESSAGE_RECEIVED")
    assert received["Text"].startswith("@SmaBot ")
    assert received["DisplayText"] == "Спасибо, это было смешно! Ещё одну шутку, пожалуйста 😂"
    assert received["Language"] == "ru"
    assert of_type(events, "MESSAGE_ANALYSED")
    [command] = of_type(events, "SEND_TWEET")
    assert command["ReplyToTweetId"] == "1991000000000002407"


@pytest.mark.parametrize("name", ["xaa/quote.json", "aaa/quote.json"])
def test_a_quote_of_the_accounts_post_is_analysed_and_answered_by_both_apis(
    session: Session, name: str
) -> None:
    events = deliver_example(session, name)
    [received] = of_type(events, "MESSAGE_RECEIVED")
    assert of_type(events, "MESSAGE_ANALYSED")
    [command] = of_type(events, "SEND_TWEET")
    assert command["ReplyToTweetId"] == received["Twitter"]["TweetId"]


def test_an_account_activity_reply_arrives_unescaped(session: Session) -> None:
    # X escapes & as &amp; in tweet text; the analysis, the alert and the reply see "&".
    events = deliver_example(session, "aaa/reply.json")
    [received] = of_type(events, "MESSAGE_RECEIVED")
    assert "queues & retries" in received["Text"]
    assert received["DisplayText"].startswith("ha! Now one about queues & retries")
    assert "&amp;" not in json.dumps(of_type(events, "MESSAGE_ANALYSED"), ensure_ascii=False)


@pytest.mark.parametrize(
    ("name", "detail_type"),
    [
        ("xaa/post-create.json", "TWITTER_TWEETED"),  # the account's own post
        ("xaa/repost.json", "TWITTER_TWEETED"),
        ("xaa/dm-received.json", "TWITTER_DM_RECEIVED"),  # a DM is never answered in public
        ("xaa/dm-sent.json", "TWITTER_DM_SENT"),
        ("xaa/chat-received.json", "TWITTER_DM_RECEIVED"),
        ("xaa/oauth-revoke.json", "TWITTER_PERMISSION_REVOKED"),  # empty filter
        ("xaa/news.json", "TWITTER_NEWS"),  # keyword filter, no user
        ("xaa/profile-update-handle.json", "TWITTER_PROFILE_UPDATED"),
        ("xaa/broadcast-chat.json", "TWITTER_BROADCAST_CHAT"),
        ("aaa/revoke.json", "TWITTER_PERMISSION_REVOKED"),  # no for_user_id, as X documents it
        ("aaa/dm-sent.json", "TWITTER_DM_SENT"),
        ("aaa/direct-message.json", "TWITTER_DM_RECEIVED"),
        ("aaa/mention-from-blocked.json", "TWITTER_TWEETED"),
        ("aaa/unblock.json", "TWITTER_UNBLOCKED"),
    ],
)
def test_other_deliveries_are_recorded_and_never_answered(
    session: Session, name: str, detail_type: str
) -> None:
    events = deliver_example(session, name)
    assert [event["detail-type"] for event in events] == [detail_type]
