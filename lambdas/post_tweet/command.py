"""The reply to post, read from the Task input `{"Command": <SEND_TWEET detail>, "Bucket": "..."}`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lambdas.shared.errors import InvalidInput

_ID = re.compile(r"^[0-9]{1,20}$")


@dataclass(frozen=True)
class ReplyCommand:
    text: str
    reply_to_tweet_id: str
    reply_to_user_id: str
    image_key: str | None = None
    bucket: str | None = None

    @classmethod
    def from_event(cls, event: Any) -> ReplyCommand:
        if not isinstance(event, Mapping) or not isinstance(event.get("Command"), Mapping):
            raise InvalidInput("the input must be {'Command': <SEND_TWEET detail>, 'Bucket': <media bucket>}")
        command = event["Command"]
        text = command.get("Text")
        if not isinstance(text, str) or not text.strip():
            raise InvalidInput("Command.Text must be a non-empty string")
        ids = {}
        for field in ("ReplyToTweetId", "ReplyToUserId"):
            value = command.get(field)
            if not isinstance(value, str) or not _ID.match(value):
                raise InvalidInput(f"Command.{field} must be a numeric string")
            ids[field] = value
        image_key = command.get("ImageKey")
        if image_key is not None and (not isinstance(image_key, str) or not image_key):
            raise InvalidInput("Command.ImageKey must be an object key when present")
        bucket = event.get("Bucket")
        if image_key and (not isinstance(bucket, str) or not bucket):
            raise InvalidInput("Bucket is required when the command has an ImageKey")
        return cls(
            text, ids["ReplyToTweetId"], ids["ReplyToUserId"], image_key, bucket if image_key else None
        )
