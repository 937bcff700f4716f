"""The ingress as a plain function: a proxy event in, a proxy response out, the stream and secret injected.

Order of checks on POST, cheapest and least revealing first: size (413, before any hashing), signature
present and valid (401), content type (415), JSON (400), envelope (400), Unicode text (400: no lone
surrogates), the limits of the path behind (413, `limits.check_downstream`); then `PutRecord`, and 200
only once the stream has the record. A stream failure answers 503 so X delivers the webhook again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from lambdas.ingress.limits import InvalidUnicode, PayloadTooLarge, check_downstream
from lambdas.ingress.payloads import UnsupportedPayload, classify
from lambdas.ingress.proxy import MalformedRequest, ProxyRequest, error_response, json_response
from lambdas.ingress.settings import IngressSettings
from lambdas.ingress.signatures import crc_response_token, signature_matches
from lambdas.shared.aws_errors import aws_error_code
from lambdas.shared.structured_log import get_logger, log_fields

SIGNATURE_HEADER = "x-twitter-webhooks-signature"
ALLOWED_METHODS = "GET, POST"
_JSON_TYPES = ("application/json", "text/json")

logger = get_logger("sma.ingress")


class _Refused(Exception):
    """A request answered with an error status; `reason` is logged, `message` sent to the caller."""

    def __init__(
        self, status: int, message: str, reason: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason
        self.headers = headers


def handle_request(
    event: Any,
    *,
    settings: IngressSettings,
    stream: Any,
    consumer_secret: Callable[[], str],
) -> dict[str, Any]:
    """Answer one API Gateway proxy event. `consumer_secret()` is called only when a request needs it."""
    request_id = None
    try:
        request = ProxyRequest.from_event(event)
        request_id = request.request_id
        if request.method == "GET":
            return _challenge(request, consumer_secret)
        if request.method == "POST":
            return _activity(request, settings, stream, consumer_secret)
        raise _Refused(405, "method not allowed", "method", {"Allow": ALLOWED_METHODS})
    except MalformedRequest as error:
        return _refuse(_Refused(400, str(error), "malformed-event"), request_id)
    except _Refused as refused:
        return _refuse(refused, request_id)


def _refuse(refused: _Refused, request_id: str | None) -> dict[str, Any]:
    logger.warning(
        "request refused",
        extra=log_fields(
            status=refused.status, reason=refused.reason, detail=refused.message, request_id=request_id
        ),
    )
    return error_response(refused.status, refused.message, refused.headers)


def _secret(consumer_secret: Callable[[], str]) -> str:
    try:
        return consumer_secret()
    except Exception as error:
        # The caller learns only that the server is not ready; the log says which setting is wrong.
        logger.error(
            "consumer secret unavailable", extra=log_fields(error=type(error).__name__, detail=str(error))
        )
        raise _Refused(500, "the webhook is not configured", "secret-unavailable") from None


def _challenge(request: ProxyRequest, consumer_secret: Callable[[], str]) -> dict[str, Any]:
    crc_token = request.query.get("crc_token")
    if not crc_token:
        raise _Refused(400, "crc_token query parameter is required", "crc-token-missing")
    response = json_response(200, {"response_token": crc_response_token(_secret(consumer_secret), crc_token)})
    logger.info("crc challenge answered", extra=log_fields(request_id=request.request_id))
    return response


def _activity(
    request: ProxyRequest, settings: IngressSettings, stream: Any, consumer_secret: Callable[[], str]
) -> dict[str, Any]:
    size = len(request.body)
    if size > settings.max_body_bytes:
        raise _Refused(413, f"body exceeds {settings.max_body_bytes} bytes", "too-large")
    signature = request.header(SIGNATURE_HEADER)
    if not signature:
        raise _Refused(401, f"{SIGNATURE_HEADER} header is required", "signature-missing")
    if not signature_matches(_secret(consumer_secret), request.body, signature):
        raise _Refused(401, "signature does not match the body", "signature-mismatch")
    content_type = (request.header("content-type") or "").split(";")[0].strip().lower()
    if content_type and content_type not in _JSON_TYPES:
        raise _Refused(415, "content type must be application/json", "content-type")
    try:
        document = json.loads(request.body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _Refused(400, "body is not valid JSON", "malformed-json") from None
    except RecursionError:
        # Thousands of nested brackets fit well under the size limit; X never nests that deep.
        raise _Refused(400, "body is nested too deeply", "malformed-json") from None
    try:
        payload = classify(document)
    except UnsupportedPayload as error:
        raise _Refused(400, str(error), "unsupported-payload") from None
    try:
        check_downstream(document, payload.items)
    except InvalidUnicode as error:
        raise _Refused(400, str(error), "invalid-unicode") from None
    except PayloadTooLarge as error:
        raise _Refused(413, str(error), "too-large-downstream") from None
    try:
        record = stream.put_record(
            StreamName=settings.stream_name, Data=request.body, PartitionKey=payload.partition_key
        )
    except Exception as error:
        logger.error(
            "stream rejected the record",
            extra=log_fields(
                error=aws_error_code(error) or type(error).__name__,
                detail=str(error),
                request_id=request.request_id,
            ),
        )
        return error_response(503, "the activity could not be recorded; retry later")
    logger.info(
        "activity recorded",
        extra=log_fields(
            api=payload.api,
            activities=list(payload.activities),
            partition_key=payload.partition_key,
            bytes=size,
            sequence_number=record.get("SequenceNumber"),
            request_id=request.request_id,
        ),
    )
    return json_response(200, {"status": "recorded"})
