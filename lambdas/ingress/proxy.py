"""API Gateway REST proxy integration: the request as a typed object, and the response dict."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class MalformedRequest(Exception):
    """The proxy event itself is unusable (e.g. a body flagged base64 that is not)."""


def _lowered(single: Any, multi: Any) -> dict[str, str]:
    """Header names lower-cased (HTTP names are case-insensitive); single values win over multi."""
    merged: dict[str, str] = {}
    if isinstance(multi, Mapping):
        for name, values in multi.items():
            if isinstance(values, list) and values:
                merged[str(name).lower()] = str(values[0])
    if isinstance(single, Mapping):
        for name, value in single.items():
            if value is not None:
                merged[str(name).lower()] = str(value)
    return merged


def _query(single: Any, multi: Any) -> dict[str, str]:
    merged: dict[str, str] = {}
    if isinstance(multi, Mapping):
        for name, values in multi.items():
            if isinstance(values, list) and values:
                merged[str(name)] = str(values[0])
    if isinstance(single, Mapping):
        merged.update({str(name): str(value) for name, value in single.items() if value is not None})
    return merged


@dataclass(frozen=True)
class ProxyRequest:
    """What the ingress needs from a proxy event: method, headers, query and the raw body bytes."""

    method: str
    headers: Mapping[str, str]
    query: Mapping[str, str]
    body: bytes
    request_id: str | None = None

    @classmethod
    def from_event(cls, event: Any) -> ProxyRequest:
        if not isinstance(event, Mapping):
            raise MalformedRequest("the event is not an API Gateway proxy event")
        body_text = event.get("body") or ""
        if not isinstance(body_text, str):
            raise MalformedRequest("the event's body is not a string")
        if event.get("isBase64Encoded"):
            try:
                body = base64.b64decode(body_text, validate=True)
            except (binascii.Error, ValueError):
                raise MalformedRequest("the body is flagged base64 but is not valid base64") from None
        else:
            body = body_text.encode("utf-8")
        context = event.get("requestContext")
        request_id = context.get("requestId") if isinstance(context, Mapping) else None
        return cls(
            method=str(event.get("httpMethod") or "").upper(),
            headers=_lowered(event.get("headers"), event.get("multiValueHeaders")),
            query=_query(event.get("queryStringParameters"), event.get("multiValueQueryStringParameters")),
            body=body,
            request_id=str(request_id) if request_id else None,
        )

    def header(self, name: str) -> str | None:
        """A header's value, looked up case-insensitively."""
        return self.headers.get(name.lower())


def json_response(status: int, document: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> dict:
    """A proxy integration response with a JSON body."""
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", **(headers or {})},
        "body": json.dumps(document),
        "isBase64Encoded": False,
    }


def error_response(status: int, message: str, headers: Mapping[str, str] | None = None) -> dict:
    """A proxy response `{"error": message}`; the message is for the caller, so it holds no internals."""
    return json_response(status, {"error": message}, headers)
