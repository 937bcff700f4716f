"""The local AI services over HTTP on loopback, speaking the AWS wire protocols, for boto3 and the AWS CLI.

* Comprehend: Smithy RPC v2 CBOR (`POST /service/Comprehend_20171127/operation/<Op>`, what botocore now
  uses) and JSON 1.1 (`POST /` with `X-Amz-Target: Comprehend_20171127.<Op>`).
* Rekognition: JSON 1.1 (`X-Amz-Target: RekognitionService.<Op>`).
* Lex V2 runtime: REST-JSON, `POST /bots/{botId}/botAliases/{botAliasId}/botLocales/{localeId}/sessions/
  {sessionId}/text`.

Errors use each protocol's error format (`__type` and `message`; REST-JSON also `x-amzn-ErrorType`) with
the status code of the error. Requests are not signature-checked: the server listens on loopback only.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from integrations.ai.services import AiServices
from integrations.ai.wire import cbor
from integrations.errors import ServiceError

TARGET_PREFIXES = {"Comprehend_20171127": "comprehend", "RekognitionService": "rekognition"}
INTERNAL_ERRORS = {
    "comprehend": "InternalServerException",
    "rekognition": "InternalServerError",
    "lexv2-runtime": "InternalServerException",
}
_LEX_PATH = re.compile(
    r"^/bots/(?P<botId>[^/]+)/botAliases/(?P<botAliasId>[^/]+)/botLocales/(?P<localeId>[^/]+)"
    r"/sessions/(?P<sessionId>[^/]+)/text$"
)
_CBOR_PATH = re.compile(r"^/service/(?P<service>[^/]+)/operation/(?P<operation>[^/]+)$")
MAX_BODY = 32 * 1024 * 1024  # above Rekognition's 5 MB image as base64, with room to spare


class _ProtocolError(Exception):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def _json_default(value: Any) -> Any:
    if isinstance(value, bytes):
        import base64

        return base64.b64encode(value).decode()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


class AiRequestHandler(BaseHTTPRequestHandler):
    """One request; `services` is set on the subclass `make_handler` creates."""

    services: AiServices
    server_version = "sma-ai/1"
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY: a reply must not wait for the client's delayed ACK (~40 ms on Linux) of the previous
    # segment; with the headers and body also sent in one write (`_send`), a reply is one segment.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        del format, args  # the caller's terminal is for results; AWS does not log to the client either

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        try:
            body = self._body()
            if match := _CBOR_PATH.match(path):
                self._cbor(match["service"], match["operation"], body)
            elif match := _LEX_PATH.match(path):
                self._lex({name: unquote(value) for name, value in match.groupdict().items()}, body)
            elif self.headers.get("X-Amz-Target"):
                self._json(self.headers["X-Amz-Target"], body)
            else:
                raise _ProtocolError("UnknownOperationException", f"no operation at POST {path}", 404)
        except _ProtocolError as error:
            self._send(error.status, {"__type": error.code, "message": error.message}, "json", error.code)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise _ProtocolError("SerializationException", f"request body over {MAX_BODY} bytes", 413)
        return self.rfile.read(length) if length else b""

    def _call(self, service: str, operation: str, request: Any, kind: str) -> None:
        implementation = self.services.operations()[service].get(operation)
        if implementation is None:
            raise _ProtocolError("UnknownOperationException", f"{service} has no operation {operation}")
        if not isinstance(request, dict):
            raise _ProtocolError("SerializationException", "the request body must be an object")
        try:
            response = implementation(request)
        except ServiceError as error:
            self._send(error.status_code, {"__type": error.code, "message": error.message}, kind, error.code)
            return
        except Exception as error:  # a bug here must still answer in the protocol, as AWS's 500s do
            code = INTERNAL_ERRORS[service]
            self._send(500, {"__type": code, "message": f"{type(error).__name__}: {error}"}, kind, code)
            return
        self._send(200, response, kind)

    def _json(self, target: str, body: bytes) -> None:
        prefix, _, operation = target.partition(".")
        service = TARGET_PREFIXES.get(prefix)
        if service is None:
            raise _ProtocolError("UnknownOperationException", f"unknown target {target}")
        self._call(service, operation, _parse_json(body), "json")

    def _cbor(self, prefix: str, operation: str, body: bytes) -> None:
        service = TARGET_PREFIXES.get(prefix)
        if service is None:
            raise _ProtocolError("UnknownOperationException", f"unknown service {prefix}")
        try:
            request = cbor.decode(body) if body else {}
        except (cbor.CBORError, UnicodeDecodeError) as error:
            raise _ProtocolError("SerializationException", f"malformed CBOR: {error}") from error
        self._call(service, operation, request, "cbor")

    def _lex(self, path: dict[str, str], body: bytes) -> None:
        request = _parse_json(body) if body else {}
        if not isinstance(request, dict):
            raise _ProtocolError("SerializationException", "the request body must be an object")
        self._call("lexv2-runtime", "RecognizeText", {**request, **path}, "rest-json")

    def _send(self, status: int, payload: Any, kind: str, error_code: str | None = None) -> None:
        if kind == "cbor":
            data, content_type = cbor.encode(payload), "application/cbor"
        else:
            data = json.dumps(payload, default=_json_default).encode()
            content_type = "application/json" if kind == "rest-json" else "application/x-amz-json-1.1"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        if kind == "cbor":
            self.send_header("smithy-protocol", "rpc-v2-cbor")
        if error_code:
            self.send_header("x-amzn-ErrorType", error_code)
        # end_headers() would flush the headers in a write of their own: add the blank line and the body
        # to http.server's header buffer (CPython's, not in typeshed) and flush the reply in one write.
        pending: list[bytes] = self._headers_buffer  # type: ignore[attr-defined]
        pending += [b"\r\n", data]
        self.flush_headers()


def _parse_json(body: bytes) -> Any:
    try:
        return json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError) as error:
        raise _ProtocolError("SerializationException", f"malformed JSON: {error}") from error


def make_server(services: AiServices, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """A server bound to `host:port` (port 0: any free port); call `serve_forever()` to run it."""
    handler: Callable[..., AiRequestHandler] = type(
        "BoundAiRequestHandler", (AiRequestHandler,), {"services": services}
    )
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def start_in_background(services: AiServices, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """Start a server on a daemon thread (tests, the local cloud); stop it with `shutdown()`."""
    server = make_server(services, host, port)
    threading.Thread(target=server.serve_forever, name="sma-ai-server", daemon=True).start()
    return server
