"""ASL engine handlers for topics: `arn:aws:states:::sns:publish` (optimised) and
`arn:aws:states:::aws-sdk:sns:publish` / `publishBatch`.

Step Functions serialises a `Message` given as JSON (an object, array, number...) before calling
Publish, so a workflow may write `"Message.$": "$"`; the response is Publish's own (`MessageId`).
A failure is named as Step Functions names it: after the SDK's exception class (`SNS.NotFoundException`,
`SNS.InvalidParameterException`), not SNS's wire code (`NotFound`, `InvalidParameter`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from integrations.errors import ServiceError
from integrations.topics.service import Topics
from integrations.unicode_text import json_text
from workflows.engine import Handler


@functools.cache
def _exception_names() -> dict[str, str]:
    """SNS's wire error codes → the exception shapes of its botocore model."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("sns")
    return {
        shape.metadata.get("error", {}).get("code") or shape.name: shape.name for shape in model.error_shapes
    }


def _task_errors(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except ServiceError as error:
        name = _exception_names().get(error.code, error.code)
        raise ServiceError(error.service, name, error.message, error.status_code) from error


def _arguments(arguments: Any) -> dict[str, Any]:
    if not isinstance(arguments, Mapping):
        raise ServiceError(
            "sns", "InvalidParameter", "Invalid parameter: the task's Arguments must be an object"
        )
    request = dict(arguments)
    message = request.get("Message")
    if message is not None and not isinstance(message, str):
        request["Message"] = json_text(message)  # UTF-8 as AWS writes it, not \u escapes
    return request


def engine_handlers(topics: Topics) -> dict[str, Handler]:
    """Resource ARN → handler, for the engine's `handlers` mapping."""

    def publish(arguments: Any, invocation: Any) -> dict[str, str]:
        del invocation  # Publish depends on its arguments only
        return _task_errors(lambda: topics.publish(**_arguments(arguments)))

    def publish_batch(arguments: Any, invocation: Any) -> dict[str, Any]:
        del invocation

        def call() -> dict[str, Any]:
            request = _arguments(arguments)
            entries: list[Mapping[str, Any]] = [
                _arguments(entry) for entry in request.get("PublishBatchRequestEntries") or []
            ]
            return topics.publish_batch(
                TopicArn=request.get("TopicArn", ""), PublishBatchRequestEntries=entries
            )

        return _task_errors(call)

    return {
        "arn:aws:states:::sns:publish": publish,
        "arn:aws:states:::aws-sdk:sns:publish": publish,
        "arn:aws:states:::aws-sdk:sns:publishBatch": publish_batch,
    }
