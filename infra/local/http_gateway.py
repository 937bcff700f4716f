"""The local API Gateway: a real HTTP server on loopback that turns requests into REST proxy events.

Only the routes the topology exposes exist (`GET`/`POST /twitter`); like API Gateway, an unknown path
or method answers 403 `{"message": "Missing Authentication Token"}` and a body over API Gateway's
10 MB payload limit is refused with 413 before the function runs. Bodies are passed base64-encoded
with `isBase64Encoded` set, as API Gateway does for binary media types, so the function hashes exactly
the bytes X signed.

It behaves as a server facing the internet must, whatever the client does:

* every answer, errors included, is JSON `{"message": ...}` (API Gateway's error shape), never an
  HTML page;
* a request must arrive within `read_timeout` seconds (headers and body), or the connection is closed
  (408 when the headers came but the body did not): a half-sent request cannot hold a thread;
* at most `max_workers` requests are served at once and `max_waiting` more wait; beyond that a
  connection is answered 503 at once instead of queueing without bound;
* a body needs a valid `Content-Length` (a negative or malformed one is 400, none on POST/PUT is 411:
  chunked uploads are not accepted, as RFC 9110 lets a server require the length);
* a client that goes away is not an error: no traceback;
* answers go out as one write (status line, headers and body) on a socket with TCP_NODELAY, so no
  Nagle/delayed-ACK pause sits between headers and body.
"""

from __future__ import annotations

import base64
import contextlib
import json
import socket
import sys
import threading
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

ProxyHandler = Callable[[dict[str, Any]], Mapping[str, Any]]

# serve_forever looks for a shutdown request this often (socketserver's default, 0.5 s, made every stop
# of the local cloud wait up to half a second per server).
SHUTDOWN_POLL_SECONDS = 0.05

API_GATEWAY_MAX_PAYLOAD = 10 * 1024 * 1024
DEFAULT_READ_TIMEOUT = 15.0
DEFAULT_MAX_WORKERS = 16
DEFAULT_MAX_WAITING = 64
_BODY_METHODS = ("POST", "PUT", "PATCH")
# Client behaviour, not server faults: a reset, a closed pipe, a timeout.
_CLIENT_GONE = (ConnectionError, TimeoutError)


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


def _json_body(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document).encode("ascii")  # ASCII escapes: any text, even a lone surrogate


class _BoundedServer(HTTPServer):
    """An HTTP server whose requests run on a fixed pool of threads, with a bounded wait list."""

    # socketserver's listen backlog is 5: a burst of connections beyond it waits for SYN retransmits
    # (1 s, 3 s, ...) before it is even accepted. Accept them, and answer 503 if there is no room.
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        *,
        max_workers: int,
        max_waiting: int,
    ) -> None:
        super().__init__(address, handler)
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="http-gateway")
        self._slots = threading.BoundedSemaphore(max_workers + max_waiting)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def get_request(self) -> tuple[socket.socket, Any]:
        connection, address = super().get_request()
        # Answers are written in one piece; without Nagle a small answer leaves at once.
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, address

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self._refuse_busy(request)
            return
        try:
            self._pool.submit(self._serve, request, client_address)
        except RuntimeError:  # the pool is shut down: the server is stopping
            self._slots.release()
            self.shutdown_request(request)

    def _serve(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            with self._open_lock:
                self._open.discard(request)
            self.shutdown_request(request)
            self._slots.release()

    def _refuse_busy(self, request: socket.socket) -> None:
        body = _json_body({"message": "Service Unavailable: too many requests in progress"})
        answer = (
            b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
            b"Connection: close\r\nRetry-After: 1\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n"
        )
        try:
            with contextlib.suppress(OSError):
                request.settimeout(1.0)
                request.sendall(answer + body)
        finally:
            self.shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, _CLIENT_GONE):
            return  # the client left or stalled: nothing went wrong on this side
        # A fault of ours: one line on stderr, not a traceback in the middle of the live feed.
        print(f"http gateway: {type(error).__name__}: {error}", file=sys.stderr)

    def server_close(self) -> None:
        super().server_close()
        # Connections kept alive between requests would hold their worker until the read timeout: stop
        # reading from them, so each ends after the answer it is writing, if any.
        with self._open_lock:
            for connection in self._open:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RD)
        self._pool.shutdown(wait=True, cancel_futures=True)


class HttpGateway:
    """Serves `routes` ({(method, path): handler}) on 127.0.0.1; `port=0` picks a free port."""

    def __init__(
        self,
        routes: Mapping[tuple[str, str], ProxyHandler],
        port: int = 0,
        *,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
        max_workers: int = DEFAULT_MAX_WORKERS,
        max_waiting: int = DEFAULT_MAX_WAITING,
    ) -> None:
        self._routes = dict(routes)
        self._server = _BoundedServer(
            ("127.0.0.1", port),
            self._request_handler(read_timeout),
            max_workers=max_workers,
            max_waiting=max_waiting,
        )
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> HttpGateway:
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS},
            name="http-gateway",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting requests; requests in flight finish first."""
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()

    def _request_handler(self, read_timeout: float) -> type[BaseHTTPRequestHandler]:
        routes = self._routes

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = read_timeout  # applied to the socket: every read waits at most this long

            def handle_one_request(self) -> None:
                try:
                    super().handle_one_request()
                except _CLIENT_GONE:
                    self.close_connection = True

            def __getattr__(self, name: str) -> Any:
                # Any method, including ones http.server has no do_X for, is routed (or refused) like
                # API Gateway does, rather than answered with http.server's 501 page.
                if name.startswith("do_"):
                    return self._dispatch
                raise AttributeError(name)

            def _dispatch(self) -> None:
                url = urlsplit(self.path)
                handler = routes.get((self.command, url.path))
                length = self._content_length()
                if length is None:
                    return
                if length > API_GATEWAY_MAX_PAYLOAD:
                    self.close_connection = True  # the body is not read: the connection cannot be reused
                    self._answer(413, {"message": "Request Too Long"})
                    return
                body = self._read_body(length)
                if body is None:
                    return
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

            def _content_length(self) -> int | None:
                """The body's length; None after answering 400/411 when it cannot be known."""
                if self.headers.get("Transfer-Encoding"):
                    self.close_connection = True
                    self._answer(411, {"message": "Length Required: send the body with a Content-Length"})
                    return None
                values = self.headers.get_all("Content-Length") or []
                if not values:
                    if self.command in _BODY_METHODS:
                        self.close_connection = True
                        self._answer(411, {"message": "Length Required"})
                        return None
                    return 0
                text = values[0].strip()
                if len(set(values)) > 1 or not text.isdigit() or not text.isascii():
                    # RFC 9112 6.3: an invalid Content-Length is unrecoverable: answer 400 and close.
                    self.close_connection = True
                    self._answer(400, {"message": "Bad Request: invalid Content-Length"})
                    return None
                return int(text)

            def _read_body(self, length: int) -> bytes | None:
                """Exactly `length` bytes; None after answering 408/400 when they do not all come."""
                if not length:
                    return b""
                try:
                    body = self.rfile.read(length)
                except TimeoutError:
                    self.close_connection = True
                    self._answer(408, {"message": "Request Timeout: the body did not arrive in time"})
                    return None
                if len(body) < length:  # the client closed its side early
                    self.close_connection = True
                    self._answer(400, {"message": "Bad Request: the body is shorter than Content-Length"})
                    return None
                return body

            def _send_proxy_response(self, response: Mapping[str, Any]) -> None:
                body = response.get("body") or ""
                data = base64.b64decode(body) if response.get("isBase64Encoded") else str(body).encode()
                headers = {"Content-Type": "application/json", **dict(response.get("headers") or {})}
                self._write(int(response.get("statusCode", 200)), headers, data)

            def _answer(self, status: int, document: dict[str, Any]) -> None:
                self._write(status, {"Content-Type": "application/json"}, _json_body(document))

            def _write(self, status: int, headers: Mapping[str, Any], data: bytes) -> None:
                """Status line, headers and body in one write (one segment for a small answer)."""
                try:
                    phrase = HTTPStatus(status).phrase
                except ValueError:
                    phrase = ""
                lines = [f"{self.protocol_version} {status} {phrase}", f"Date: {self.date_time_string()}"]
                lines += [
                    f"{name}: {value}" for name, value in headers.items() if name.lower() != "content-length"
                ]
                lines.append(f"Content-Length: {len(data)}")
                if self.close_connection:
                    lines.append("Connection: close")
                head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", errors="replace")
                # A HEAD answer has the headers of the GET answer and no body (RFC 9110 9.3.2).
                self.wfile.write(head if getattr(self, "command", None) == "HEAD" else head + data)

            def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
                # http.server's own refusals (a malformed request line, headers too long, an unsupported
                # HTTP version, a timeout waiting for the request line) as JSON, not an HTML page.
                del explain
                self.close_connection = True
                try:
                    phrase = HTTPStatus(code).phrase
                except ValueError:
                    phrase = "Error"
                self._answer(code, {"message": f"{phrase}: {message}" if message else phrase})

            def log_message(self, format: str, *args: Any) -> None:
                del format, args  # requests are reported by the local cloud's own log, not stderr

        return Handler
