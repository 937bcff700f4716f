"""The AWS Lambda entry point: settings from the environment, clients cached per container."""

from __future__ import annotations

import functools
import os
from typing import Any

from lambdas.download_images.download import download_images
from lambdas.download_images.fetcher import RequestsFetcher
from lambdas.download_images.settings import DownloadSettings


@functools.cache
def _runtime() -> tuple[DownloadSettings, RequestsFetcher, Any]:
    import boto3

    settings = DownloadSettings.from_env(os.environ)
    return settings, RequestsFetcher(settings.timeout_seconds), boto3.client("s3")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """`{"ImageUrls", "Bucket", "KeyPrefix"}` in, `{"Stored": [...], "Failed": [...]}` out."""
    del context
    settings, fetcher, s3 = _runtime()
    return download_images(event, settings=settings, fetcher=fetcher, s3=s3)
