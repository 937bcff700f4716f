"""Who takes a reply: X itself (`XPoster`, the production path), or anything else with the same `post`
method that the runtime injects (the local cloud injects its outbox). The handler never decides by an
environment variable which one it talks to: it is given a poster, or builds the X one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from lambdas.post_tweet.command import ReplyCommand
from lambdas.post_tweet.errors import XCredentialsMissing
from lambdas.post_tweet.x_api import XApi
from lambdas.shared.structured_log import get_logger, log_fields
from lambdas.shared.x_credentials import XCredentials

logger = get_logger("sma.post")

Image = tuple[bytes, str]  # the photo's bytes and its content type
CredentialsProvider = Callable[[], XCredentials | None]
ApiFactory = Callable[[XCredentials], XApi]


class Poster(Protocol):
    def post(self, reply: ReplyCommand, image: Image | None) -> dict[str, Any]:
        """Publish `reply` (with `image`); the function's result document."""
        ...


class XPoster:
    """Posts through X API v2 with the credentials from the secret, read when the first reply is posted."""

    def __init__(self, credentials: CredentialsProvider, api_factory: ApiFactory) -> None:
        self._credentials = credentials
        self._api_factory = api_factory

    def post(self, reply: ReplyCommand, image: Image | None) -> dict[str, Any]:
        found = self._credentials()
        if found is None:
            raise XCredentialsMissing("no X credentials secret exists (SMA_X_SECRET_ID names it)")
        api = self._api_factory(
            found.require("consumer_key", "consumer_secret", "access_token", "access_token_secret")
        )
        media_ids = [api.upload_image(*image)] if image else []
        tweet_id = api.create_reply(reply.text, reply.reply_to_tweet_id, media_ids)
        logger.info(
            "reply posted",
            extra=log_fields(reply_to=reply.reply_to_tweet_id, tweet_id=tweet_id, media=len(media_ids)),
        )
        return {
            "Posted": True,
            "TweetId": tweet_id,
            "ReplyToTweetId": reply.reply_to_tweet_id,
            "MediaIds": media_ids,
        }
