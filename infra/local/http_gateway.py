"""The local API Gateway: a real HTTP server on loopback that turns requests into REST proxy events.

Only the routes the topology exposes exist (`GET`/`POST /twitter`); like API Gateway, an unknown path
answers 403 `{"message": "Missing Authentication Token"}` and a body over API Gateway's 10 MB payload
limit is refused with 413 before the function runs. Bodies are passed base64-encoded with
`isBase64Encoded` set, as API Gateway does for binary media types, so the function hashes exactly the
bytes X signed.
"""

from __future__ import annotations

import base64
import json
import threading
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

ProxyHandler = Callable[[dict[str, Any]], Mapping[str, Any]]

API_GATEWAY_MAX_PAYLOAD = 10 * 1024 * 1024


def proxy_event(
    method: str, path: str, query: str, headers: Mapping[str, str], body: bytes, *, stage: str = "local"
) -> dict[str, Any]:
    """The REST API (v1) Lambda proxy event for one request."""
    pairs = parse_qsl(query, keep_blank_values=True)
    multi_query: dict[str, list[str]] = {}
    for name, value in pairs:
        multi_query.setdefault(name, []).append(value)
    multi_headers: dict[str, list[str]] = {}
    for name, value in headers.items():
        multi_headers.setdefault(name, []).append(value)
    now = datetime.now(UTC)
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": dict(headers),
        "multiValueHeaders": multi_headers,
        "queryStringParameters": {name: values[-1] for name, values in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": path,
            "httpMethod": method,
            "path": f"/{stage}{path}",
            "stage": stage,
            "requestId": str(uuid.uuid4()),
            "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "requestTimeEpoch": int(now.timestamp() * 1000),
            "identity": {"sourceIp": "127.0.0.1"},
        },
        "body": base64.b64encode(body).decode("ascii") if body else None,
        "isBase64Encoded": bool(body),
    }


class HttpGateway:
    """Serves `routes` ({(method, path): handler}) on 127.0.0.1; `port=0` picks a free port."""

    def __init__(self, routes: Mapping[tuple[str, str], ProxyHandler], port: int = 0) -> None:
        self._routes = dict(routes)
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._request_handler())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> HttpGateway:
        self._thread = threading.Thread(target=self._server.serve_forever, name="http-gateway", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting requests; requests in flight finish first."""
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()

    def _request_handler(self) -> type[BaseHTTPRequestHandler]:
        routes = self._routes

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                self._dispatch()

            def do_POST(self) -> None:
                self._dispatch()

            def do_PUT(self) -> None:
                self._dispatch()

            def do_DELETE(self) -> None:
                self._dispatch()

            def _dispatch(self) -> None:
                url = urlsplit(self.path)
                handler = routes.get((self.command, url.path))
                length = int(self.headers.get("Content-Length") or 0)
                if length > API_GATEWAY_MAX_PAYLOAD:
                    self.close_connection = True
                    self._answer(413, {"message": "Request Too Long"})
                    return
                body = self.rfile.read(length) if length else b""
                if handler is None:
                    # What a REST API answers for a path or method it does not define.
                    self._answer(403, {"message": "Missing Authentication Token"})
                    return
                event = proxy_event(self.command, url.path, url.query, dict(self.headers.items()), body)
                try:
                    response = handler(event)
                except Exception:  # the function crashed: API Gateway answers 502
                    self._answer(502, {"message": "Internal server error"})
                    return
                self._send_proxy_response(response)

            def _send_proxy_response(self, response: Mapping[str, Any]) -> None:
                body = response.get("body") or ""
                data = base64.b64decode(body) if response.get("isBase64Encoded") else str(body).encode()
                self.send_response(int(response.get("statusCode", 200)))
                headers = dict(response.get("headers") or {})
                headers.setdefault("Content-Type", "application/json")
                for name, value in headers.items():
                    self.send_header(name, str(value))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _answer(self, status: int, document: dict[str, Any]) -> None:
                self._send_proxy_response({"statusCode": status, "body": json.dumps(document)})

            def log_message(self, format: str, *args: Any) -> None:
                del format, args  # requests are reported by the local cloud's own log, not stderr

        return Handler
