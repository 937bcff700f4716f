"""The AWS Lambda entry point: settings from the environment, the S3 client cached per container."""

from __future__ import annotations

import functools
import os
from typing import Any

from lambdas.overlay.annotate import overlay
from lambdas.overlay.settings import OverlaySettings


@functools.cache
def _runtime() -> tuple[OverlaySettings, Any]:
    import boto3

    return OverlaySettings.from_env(os.environ), boto3.client("s3")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """`{"Bucket", "Key", "CelebrityFaces", "UnrecognizedFaces", "BlurUnrecognized"}` in; see `annotate`."""
    del context
    settings, s3 = _runtime()
    return overlay(event, settings=settings, s3=s3)
