"""The AWS Lambda entry point: settings from the environment, clients and the secret cached per container."""

from __future__ import annotations

import functools
import os
from typing import Any

from lambdas.post_tweet.post import post_reply
from lambdas.post_tweet.settings import PostSettings
from lambdas.post_tweet.x_api import XApi
from lambdas.shared.x_credentials import SecretCache, SecretNotFound, XCredentials


@functools.cache
def _runtime() -> tuple[PostSettings, Any, SecretCache]:
    import boto3

    settings = PostSettings.from_env(os.environ)
    return settings, boto3.client("s3"), SecretCache(boto3.client("secretsmanager"))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """`{"Command": <SEND_TWEET detail>, "Bucket"}` in; `{"Posted", ...}` out (see `post`)."""
    del context
    settings, s3, secrets = _runtime()

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

    return post_reply(event, settings=settings, s3=s3, credentials=credentials, api_factory=api)
