"""The Lambda entry point, and `create_handler` for the local cloud (same code, its own S3 client)."""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from typing import Any

from lambdas.download_images.download import download_images
from lambdas.download_images.fetcher import Fetcher, RequestsFetcher
from lambdas.download_images.settings import DownloadSettings
from lambdas.shared.runtime import LambdaHandler


def create_handler(env: Mapping[str, str], *, s3: Any, fetcher: Fetcher | None = None) -> LambdaHandler:
    """`{"ImageUrls", "Bucket", "KeyPrefix"}` in, `{"Stored": [...], "Failed": [...]}` out."""
    settings = DownloadSettings.from_env(env)
    chosen = fetcher or RequestsFetcher(settings.timeout_seconds)

    def handle(event: Any, context: Any = None) -> dict[str, Any]:
        del context
        return download_images(event, settings=settings, fetcher=chosen, s3=s3)

    return handle


@functools.cache
def _default() -> LambdaHandler:
    import boto3

    return create_handler(os.environ, s3=boto3.client("s3"))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """See `lambdas.download_images.download` for the input and output."""
    return _default()(event, context)
