"""The AWS Lambda entry point: settings from the environment, boto3 clients cached per container."""

from __future__ import annotations

import functools
import os
from typing import Any

from lambdas.ingress.proxy import error_response
from lambdas.ingress.settings import IngressSettings
from lambdas.ingress.webhook import handle_request, logger
from lambdas.shared.errors import ConfigurationError
from lambdas.shared.structured_log import log_fields
from lambdas.shared.x_credentials import SecretCache


@functools.cache
def _runtime() -> tuple[IngressSettings, Any, SecretCache]:
    import boto3

    settings = IngressSettings.from_env(os.environ)
    return settings, boto3.client("kinesis"), SecretCache(boto3.client("secretsmanager"))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """API Gateway REST proxy event in, proxy response out."""
    del context
    try:
        settings, stream, secrets = _runtime()
    except ConfigurationError as error:
        logger.error("ingress is not configured", extra=log_fields(detail=str(error)))
        return error_response(500, "the webhook is not configured")

    def consumer_secret() -> str:
        return secrets.get(settings.secret_id).require("consumer_secret").consumer_secret

    return handle_request(event, settings=settings, stream=stream, consumer_secret=consumer_secret)
