"""The local API Gateway serves the declared routes as REST proxy events, and refuses the rest like AWS."""

from __future__ import annotations

import base64
import http.client
import json
from collections.abc import Iterator
from typing import Any

import pytest

from infra.local.http_gateway import API_GATEWAY_MAX_PAYLOAD, HttpGateway

seen: list[dict[str, Any]] = []


def echo(event: dict[str, Any]) -> dict[str, Any]:
    seen.append(event)
    return {
        "statusCode": 201,
        "headers": {"X-Echo": "yes"},
        "body": json.dumps({"method": event["httpMethod"]}),
    }


def crash(event: dict[str, Any]) -> dict[str, Any]:
    raise RuntimeError("boom")


@pytest.fixture
def gateway() -> Iterator[HttpGateway]:
    seen.clear()
    server = HttpGateway(
        {("GET", "/twitter"): echo, ("POST", "/twitter"): echo, ("POST", "/crash"): crash}
    ).start()
    yield server
    server.stop()


def request(gateway: HttpGateway, method: str, path: str, body: bytes = b"", headers: dict | None = None):
    host, port = gateway.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def test_post_becomes_a_proxy_event_with_the_exact_body_bytes(gateway: HttpGateway) -> None:
    body = '{"for_user_id": "1", "text": "héllo"}'.encode()
    status, headers, answer = request(
        gateway, "POST", "/twitter?x=1&x=2", body, {"X-Twitter-Webhooks-Signature": "sha256=abc"}
    )
    assert status == 201
    assert headers["X-Echo"] == "yes"
    assert json.loads(answer) == {"method": "POST"}
    event = seen[-1]
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == body
    assert event["headers"]["X-Twitter-Webhooks-Signature"] == "sha256=abc"
    assert event["queryStringParameters"] == {"x": "2"}
    assert event["multiValueQueryStringParameters"] == {"x": ["1", "2"]}
    assert event["requestContext"]["requestId"]


def test_get_has_no_body(gateway: HttpGateway) -> None:
    status, _, _ = request(gateway, "GET", "/twitter?crc_token=abc")
    assert status == 201
    assert seen[-1]["body"] is None
    assert seen[-1]["queryStringParameters"] == {"crc_token": "abc"}


@pytest.mark.parametrize(("method", "path"), [("GET", "/elsewhere"), ("DELETE", "/twitter")])
def test_undeclared_routes_answer_like_api_gateway(gateway: HttpGateway, method: str, path: str) -> None:
    status, _, answer = request(gateway, method, path)
    assert status == 403
    assert json.loads(answer) == {"message": "Missing Authentication Token"}
    assert seen == []


def test_a_crashing_function_is_a_502(gateway: HttpGateway) -> None:
    status, _, answer = request(gateway, "POST", "/crash", b"{}")
    assert status == 502
    assert json.loads(answer) == {"message": "Internal server error"}


def test_payloads_over_api_gateway_limit_never_reach_the_function(gateway: HttpGateway) -> None:
    host, port = gateway.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    connection.putrequest("POST", "/twitter")
    connection.putheader("Content-Length", str(API_GATEWAY_MAX_PAYLOAD + 1))
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413
    assert seen == []
