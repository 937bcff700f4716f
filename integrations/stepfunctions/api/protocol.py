"""AWS's JSON 1.0 protocol as Step Functions speaks it: `POST /` with `X-Amz-Target:
AWSStepFunctions.<Operation>` and a JSON body; answers `application/x-amz-json-1.0`, timestamps as
epoch seconds, errors as `{"__type", "message"}` with HTTP 400 (500 for a fault of the server)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from integrations.stepfunctions.api.errors import NAMESPACE, NAMESPACES, ApiError

TARGET_PREFIX = "AWSStepFunctions."
CONTENT_TYPE = "application/x-amz-json-1.0"
# The region a request is signed for: SigV4's credential scope, <key>/<date>/<region>/states/aws4_request.
_SIGNED_REGION = re.compile(r"Credential=[^/,\s]+/\d{8}/(?P<region>[a-z0-9-]+)/")


def operation_name(target: str | None) -> str:
    if not target or not target.startswith(TARGET_PREFIX):
        raise ApiError("UnknownOperationException", f"Unknown operation: '{target or ''}'")
    return target[len(TARGET_PREFIX) :]


def parse_body(body: bytes) -> dict[str, Any]:
    try:
        request = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError) as error:
        raise ApiError("SerializationException", f"Malformed JSON in the request body: {error}") from None
    if not isinstance(request, dict):
        raise ApiError("SerializationException", "The request body must be a JSON object")
    return request


def signed_region(authorization: str | None) -> str | None:
    match = _SIGNED_REGION.search(authorization or "")
    return match["region"] if match else None


def encode(response: dict[str, Any]) -> bytes:
    return json.dumps(response, default=_default, separators=(",", ":")).encode()


def error_body(error: ApiError) -> bytes:
    namespace = NAMESPACES.get(error.code, NAMESPACE)
    return encode({"__type": f"{namespace}#{error.code}", "message": error.message})


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return round(value.timestamp(), 3)  # epoch seconds with milliseconds, as AWS sends them
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
