"""Recognising the two webhook payload families X sends, just enough to route and partition them.

* Account Activity API (AAA): `{"for_user_id": "<id>", "<kind>_events": [...]}`, or a `user_event`
  (the account revoked the app's access), which X documents without `for_user_id`: the account is then
  `user_event.revoke.source.user_id` (docs.x.com/x-api/account-activity/introduction, "user_event").
  New `*_events` kinds are accepted as they come: the ingest workflow, not the ingress, decides what an
  activity means, and refusing them would make X retry forever.
* X Activity API (XAA): `{"data": {"event_type": "...", "filter": {"user_id": "..."}, "payload": ...}}`.

Anything else is refused. The ingress never rewrites a payload: the raw body goes on the stream.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

_USER_ID = re.compile(r"^[0-9]{1,20}$")
_EVENT_TYPE = re.compile(r"^[A-Za-z][A-Za-z0-9_.]{0,127}$")


class UnsupportedPayload(Exception):
    """The JSON document is neither an Account Activity API nor an X Activity API payload."""


@dataclass(frozen=True)
class WebhookPayload:
    """The family of a payload, the activity kinds it holds, the stream partition key, and the
    activities themselves (what the ingest workflow makes one event of each)."""

    api: Literal["AAA", "XAA"]
    activities: tuple[str, ...]
    partition_key: str
    items: tuple[Any, ...] = ()


def classify(document: Any) -> WebhookPayload:
    """What `document` is; `UnsupportedPayload` with the reason when it is neither family."""
    if not isinstance(document, dict):
        raise UnsupportedPayload("the payload is not a JSON object")
    if "for_user_id" in document or "user_event" in document:
        return _account_activity(document)
    if "data" in document:
        return _x_activity(document["data"])
    raise UnsupportedPayload(
        "the payload has neither for_user_id nor user_event (Account Activity API) nor data (X Activity API)"
    )


def _account_activity(document: dict[str, Any]) -> WebhookPayload:
    if "for_user_id" in document:
        user_id = document["for_user_id"]
        if not isinstance(user_id, str) or not _USER_ID.match(user_id):
            raise UnsupportedPayload("for_user_id must be a numeric string")
    else:
        user_id = _revoking_user(document["user_event"])
    activities = tuple(
        sorted(
            name
            for name, value in document.items()
            if (name.endswith("_events") and isinstance(value, list) and value)
            or (name == "user_event" and isinstance(value, dict))
        )
    )
    if not activities:
        raise UnsupportedPayload("the Account Activity payload holds no *_events list and no user_event")
    items = tuple(
        item
        for name in activities
        for item in (document[name] if name.endswith("_events") else [document[name]])
    )
    return WebhookPayload("AAA", activities, user_id, items)


def _x_activity(data: Any) -> WebhookPayload:
    if not isinstance(data, dict):
        raise UnsupportedPayload("data must be a JSON object")
    event_type = data.get("event_type")
    if not isinstance(event_type, str) or not _EVENT_TYPE.match(event_type):
        raise UnsupportedPayload("data.event_type must be an event type name such as follow.follow")
    if "payload" not in data:
        raise UnsupportedPayload("data.payload is missing")
    filter_ = data.get("filter")
    if not isinstance(filter_, dict):
        raise UnsupportedPayload("data.filter must be a JSON object")
    user_id = filter_.get("user_id")
    if user_id is None:
        # Keyword-filtered events (news.new) belong to no user: keep each type in order on one shard.
        return WebhookPayload("XAA", (event_type,), event_type, (data,))
    if not isinstance(user_id, str) or not _USER_ID.match(user_id):
        raise UnsupportedPayload("data.filter.user_id must be a numeric string")
    return WebhookPayload("XAA", (event_type,), user_id, (data,))


def _revoking_user(user_event: Any) -> str:
    """The account named by a `user_event` delivered without `for_user_id` (X's documented revoke)."""
    revoke = user_event.get("revoke") if isinstance(user_event, dict) else None
    source = revoke.get("source") if isinstance(revoke, dict) else None
    user_id = source.get("user_id") if isinstance(source, dict) else None
    if not isinstance(user_id, str) or not _USER_ID.match(user_id):
        raise UnsupportedPayload(
            "a user_event without for_user_id must name the account in user_event.revoke.source.user_id"
        )
    return user_id
