"""The Lambda entry point, and `create_handler` for the local cloud (same code, its own clients)."""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from typing import Any

from lambdas.post_tweet.post import post_reply
from lambdas.post_tweet.poster import Poster, XPoster
from lambdas.post_tweet.settings import PostSettings
from lambdas.post_tweet.x_api import XApi
from lambdas.shared.runtime import LambdaHandler
from lambdas.shared.x_credentials import SecretCache, SecretNotFound, XCredentials


def create_handler(
    env: Mapping[str, str], *, s3: Any, secretsmanager: Any, x: Poster | None = None
) -> LambdaHandler:
    """`{"Command": <SEND_TWEET detail>, "Bucket"}` in; `{"Posted", ...}` out (see `post`).

    `x` takes the replies; by default X itself, with the credentials in the secret `SMA_X_SECRET_ID`
    (the local cloud injects its outbox instead when no credentials that can post are configured)."""
    settings = PostSettings.from_env(env)
    secrets = SecretCache(secretsmanager)

    def credentials() -> XCredentials | None:
        if settings.secret_id is None:
            return None
        try:
            return secrets.get(settings.secret_id)
        except SecretNotFound:
            return None

    def api(found: XCredentials) -> XApi:
        return XApi(
            found, media_upload_url=settings.media_upload_url, timeout_seconds=settings.timeout_seconds
        )

    poster = x if x is not None else XPoster(credentials, api)

    def handle(event: Any, context: Any = None) -> dict[str, Any]:
        del context
        return post_reply(event, settings=settings, s3=s3, poster=poster)

    return handle


@functools.cache
def _default() -> LambdaHandler:
    import boto3

    return create_handler(os.environ, s3=boto3.client("s3"), secretsmanager=boto3.client("secretsmanager"))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """See `lambdas.post_tweet.post` for the input and output."""
    return _default()(event, context)
