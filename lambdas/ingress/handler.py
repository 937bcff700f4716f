"""The Lambda entry point, and `create_handler` for the local cloud (same code, its own clients).

On AWS, `handler` builds the settings from the environment and boto3 clients once per container.
The local cloud calls `create_handler(env, kinesis=..., secretsmanager=...)` with its boto3-compatible
clients and gets the same `handler(event, context)`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from typing import Any

from lambdas.ingress.proxy import error_response
from lambdas.ingress.settings import IngressSettings
from lambdas.ingress.webhook import handle_request, logger
from lambdas.shared.errors import ConfigurationError
from lambdas.shared.runtime import LambdaHandler
from lambdas.shared.structured_log import log_fields
from lambdas.shared.x_credentials import SecretCache


def create_handler(env: Mapping[str, str], *, kinesis: Any, secretsmanager: Any) -> LambdaHandler:
    """A proxy-integration handler over these clients; `ConfigurationError` when a setting is missing."""
    settings = IngressSettings.from_env(env)
    secrets = SecretCache(secretsmanager)

    def consumer_secret() -> str:
        return secrets.get(settings.secret_id).require("consumer_secret").consumer_secret

    def handle(event: Any, context: Any = None) -> dict[str, Any]:
        del context
        return handle_request(event, settings=settings, stream=kinesis, consumer_secret=consumer_secret)

    return handle


@functools.cache
def _default() -> LambdaHandler:
    import boto3

    return create_handler(
        os.environ, kinesis=boto3.client("kinesis"), secretsmanager=boto3.client("secretsmanager")
    )


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """API Gateway REST proxy event in, proxy response out."""
    try:
        configured = _default()
    except ConfigurationError as error:
        # X must get an HTTP answer, not a Lambda error; the log names the missing setting.
        logger.error("ingress is not configured", extra=log_fields(detail=str(error)))
        return error_response(500, "the webhook is not configured")
    return configured(event, context)
