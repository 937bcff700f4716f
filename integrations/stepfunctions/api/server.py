"""The HTTP server: one thread per connection, keep-alive, every answer in the JSON 1.0 protocol.

Requests are not signature-checked (any credentials work, as with Step Functions Local); the server
listens on loopback unless told otherwise.
"""

from __future__ import annotations

import logging
import socket
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from integrations.stepfunctions.api import protocol
from integrations.stepfunctions.api.backend import Backend
from integrations.stepfunctions.api.errors import ApiError
from integrations.stepfunctions.api.operations import OPERATIONS
from integrations.stepfunctions.api.requests import check_request, service_model

log = logging.getLogger("sma.stepfunctions")
MAX_BODY = 8 * 1024 * 1024  # a definition is at most 1 MiB; inputs and outputs 256 KiB


class StepFunctionsHandler(BaseHTTPRequestHandler):
    backend: Backend  # set on the subclass make_server creates
    server_version = "sma-stepfunctions/1"
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes; with Nagle's algorithm the body would wait for the client's
    # delayed ACK (40 ms on Linux) on every keep-alive request.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        log.debug(format, *args)

    def do_POST(self) -> None:
        try:
            body = self._body()
            name = protocol.operation_name(self.headers.get("X-Amz-Target"))
            operation = OPERATIONS.get(name)
            if operation is None:
                raise ApiError("UnknownOperationException", f"Unknown operation: '{name}'")
            request = protocol.parse_body(body)
            check_request(name, request)
            region = self.backend.region(protocol.signed_region(self.headers.get("Authorization")))
            self._send(200, protocol.encode(operation(self.backend, request, region)))
        except ApiError as error:
            self._send(error.status, protocol.error_body(error), error.code)
        except Exception as error:  # a defect here must still answer in the protocol, as AWS's 500s do
            log.exception("internal error")
            failure = ApiError("InternalFailure", f"{type(error).__name__}: {error}", 500)
            self._send(500, protocol.error_body(failure), failure.code)

    def do_GET(self) -> None:
        # Health checks of wrappers that wait for the port (testcontainers, docker-compose) get an answer.
        self._send(200, b'{"status":"ok"}')

    def _body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._chunked_body()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ApiError("SerializationException", f"The request body exceeds {MAX_BODY} bytes", 413)
        return self.rfile.read(length) if length else b""

    def _chunked_body(self) -> bytes:
        """A body sent in chunks (HTTP/1.1 clients may stream it so): size lines, data, a 0 chunk."""
        body = b""
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return body
            body += self.rfile.read(size)
            self.rfile.readline()  # the CRLF after the chunk
            if len(body) > MAX_BODY:
                raise ApiError("SerializationException", f"The request body exceeds {MAX_BODY} bytes", 413)

    def _send(self, status: int, data: bytes, error_code: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", protocol.CONTENT_TYPE)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        if error_code:
            self.send_header("x-amzn-ErrorType", error_code)
        self.end_headers()
        self.wfile.write(data)


class _IPv6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True


class StepFunctionsServer(ThreadingHTTPServer):
    """The server; on the IPv4 loopback it also answers on ::1, the same port: clients that resolve
    `localhost` to ::1 first (Node.js 17 and later) reach it as they reach Step Functions Local's
    container, whose published port listens on both."""

    daemon_threads = True
    companion: ThreadingHTTPServer | None = None
    _companion_running = False

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        if self.companion is not None:
            self._companion_running = True
            threading.Thread(
                target=self.companion.serve_forever,
                kwargs={"poll_interval": poll_interval},
                name="sfn-server-ipv6",
                daemon=True,
            ).start()
        super().serve_forever(poll_interval)

    def shutdown(self) -> None:
        if self.companion is not None and self._companion_running:
            self.companion.shutdown()
        super().shutdown()

    def server_close(self) -> None:
        if self.companion is not None:
            self.companion.server_close()
        super().server_close()


def make_server(backend: Backend, host: str = "127.0.0.1", port: int = 8083) -> StepFunctionsServer:
    """A server bound to `host:port` (port 0: any free one); `serve_forever()` runs it."""
    handler = type("BoundStepFunctionsHandler", (StepFunctionsHandler,), {"backend": backend})
    server = StepFunctionsServer((host, port), handler)
    bound = server.server_address[1]
    if host in ("127.0.0.1", "localhost"):
        try:
            server.companion = _IPv6Server(("::1", bound), handler)
        except OSError:  # no IPv6 on this machine, or ::1's port taken: IPv4 alone, as asked
            server.companion = None
    listening = "127.0.0.1" if host in ("", "0.0.0.0") else host
    backend.executions.own_url = f"http://{listening}:{bound}"
    return server


def warm_up_in_background() -> None:
    """Load botocore's model (the request shapes) while the first clients connect: it takes longer than
    the server takes to start, so it is started only once the server has said it is listening."""
    threading.Thread(target=service_model, name="sfn-model", daemon=True).start()


def start_in_background(backend: Backend, host: str = "127.0.0.1", port: int = 0) -> StepFunctionsServer:
    """Serve on a daemon thread (tests, benchmarks); stop with `shutdown()` and `server_close()`."""
    server = make_server(backend, host, port)
    warm_up_in_background()
    # A short poll interval: shutdown() waits for it, once per server a test suite starts.
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="sfn-server", daemon=True
    ).start()
    return server
