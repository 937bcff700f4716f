"""ASL engine handlers for topics: `arn:aws:states:::sns:publish` (optimised) and
`arn:aws:states:::aws-sdk:sns:publish` / `publishBatch`.

Step Functions serialises a `Message` given as JSON (an object, array, number...) before calling
Publish, so a workflow may write `"Message.$": "$"`; the response is Publish's own (`MessageId`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from integrations.errors import ServiceError
from integrations.topics.service import Topics

Handler = Callable[[Any, Any], Any]


def _arguments(arguments: Any) -> dict[str, Any]:
    if not isinstance(arguments, Mapping):
        raise ServiceError(
            "sns", "InvalidParameter", "Invalid parameter: the task's Arguments must be an object"
        )
    request = dict(arguments)
    message = request.get("Message")
    if message is not None and not isinstance(message, str):
        request["Message"] = json.dumps(message, separators=(",", ":"))
    return request


def engine_handlers(topics: Topics) -> dict[str, Handler]:
    """Resource ARN → handler, for the engine's `handlers` mapping."""

    def publish(arguments: Any, invocation: Any) -> dict[str, str]:
        del invocation  # Publish depends on its arguments only
        return topics.publish(**_arguments(arguments))

    def publish_batch(arguments: Any, invocation: Any) -> dict[str, Any]:
        del invocation
        request = _arguments(arguments)
        entries = [_arguments(entry) for entry in request.get("PublishBatchRequestEntries") or []]
        return topics.publish_batch(TopicArn=request.get("TopicArn", ""), PublishBatchRequestEntries=entries)

    return {
        "arn:aws:states:::sns:publish": publish,
        "arn:aws:states:::aws-sdk:sns:publish": publish,
        "arn:aws:states:::aws-sdk:sns:publishBatch": publish_batch,
    }
