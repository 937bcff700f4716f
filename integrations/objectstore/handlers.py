"""Step Functions' `aws-sdk:s3:*` integrations over the local S3 client, for the ASL engine.

Arguments arrive as the Task's PascalCase parameters and go to the boto3-shaped client unchanged; the
result is what Step Functions returns: the SDK response as JSON, with `Body` as a string, timestamps as
ISO-8601 text and no `ResponseMetadata`. Errors carry the names of the AWS SDK for Java v2 exceptions
Step Functions reports (`S3.NoSuchKeyException`, `S3.NoSuchBucketException`, else `S3.S3Exception`).
There are no optimised `arn:aws:states:::s3:*` integrations in Step Functions, so none are offered.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from integrations.errors import ServiceError
from integrations.objectstore.client import S3Client
from workflows.engine import Handler

_MODELLED = {
    "NoSuchKey",
    "NoSuchBucket",
    "BucketAlreadyExists",
    "BucketAlreadyOwnedByYou",
    "InvalidObjectState",
}
_ACTIONS = {
    "getObject": "get_object",
    "putObject": "put_object",
    "headObject": "head_object",
    "deleteObject": "delete_object",
    "copyObject": "copy_object",
    "listObjectsV2": "list_objects_v2",
    "createBucket": "create_bucket",
    "listBuckets": "list_buckets",
}


def sdk_json(value: Any) -> Any:
    """A boto3-style response as the JSON Step Functions hands to the next state."""
    if isinstance(value, dict):
        return {key: sdk_json(item) for key, item in value.items() if key != "ResponseMetadata"}
    if isinstance(value, list):
        return [sdk_json(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if hasattr(value, "read"):  # a streaming Body
        return sdk_json(value.read())
    return value


def java_sdk_error(error: ServiceError) -> ServiceError:
    """S3's error as the Java SDK v2 exception Step Functions names it after."""
    if error.code == "404":
        code = "NoSuchKeyException"
    elif error.code in _MODELLED:
        code = f"{error.code}Exception"
    else:
        code = "S3Exception"
    return ServiceError(error.service, code, error.message, error.status_code)


def _arguments(action: str, arguments: Any) -> dict[str, Any]:
    if not isinstance(arguments, dict):
        raise ServiceError("s3", "S3Exception", f"{action} needs an object of parameters, not {arguments!r}")
    body = arguments.get("Body")
    if action == "putObject" and body is not None and not isinstance(body, str | bytes):
        return {**arguments, "Body": json.dumps(body)}  # Step Functions serialises JSON bodies
    return arguments


def engine_handlers(client: S3Client) -> dict[str, Handler]:
    """Resource ARN → handler for each S3 action of the local client."""
    handlers: dict[str, Handler] = {}
    for action, method in _ACTIONS.items():
        call = getattr(client, method)

        def handler(
            arguments: Any, invocation: Any, call: Callable[..., Any] = call, action: str = action
        ) -> Any:
            del invocation  # the result depends on the arguments only
            try:
                return sdk_json(call(**_arguments(action, arguments)))
            except ServiceError as error:
                raise java_sdk_error(error) from error

        handlers[f"arn:aws:states:::aws-sdk:s3:{action}"] = handler
    return handlers
