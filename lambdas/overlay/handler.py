"""The Lambda entry point, and `create_handler` for the local cloud (same code, its own S3 client)."""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from typing import Any

from lambdas.overlay.annotate import overlay
from lambdas.overlay.settings import OverlaySettings
from lambdas.shared.runtime import LambdaHandler


def create_handler(env: Mapping[str, str], *, s3: Any) -> LambdaHandler:
    """`{"Bucket", "Key", "CelebrityFaces", "UnrecognizedFaces", "BlurUnrecognized"}` in; see `annotate`."""
    settings = OverlaySettings.from_env(env)

    def handle(event: Any, context: Any = None) -> dict[str, Any]:
        del context
        return overlay(event, settings=settings, s3=s3)

    return handle


@functools.cache
def _default() -> LambdaHandler:
    import boto3

    return create_handler(os.environ, s3=boto3.client("s3"))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """See `lambdas.overlay.annotate` for the input and output."""
    return _default()(event, context)
