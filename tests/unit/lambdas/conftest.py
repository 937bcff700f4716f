"""Fixtures shared by the Lambda handler tests."""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import boto3
import pytest
from moto import mock_aws
from PIL import Image

from lambdas.shared.structured_log import JsonFormatter


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def json_logs() -> Iterator[list[str]]:
    """Every JSON log line the `sma.*` loggers write during the test."""
    collector = _Collector()
    loggers = [logging.getLogger(name) for name in ("sma.ingress", "sma.download", "sma.overlay", "sma.post")]
    for logger in loggers:
        logger.addHandler(collector)
    yield collector.lines
    for logger in loggers:
        logger.removeHandler(collector)


def _image_bytes(
    fmt: str = "JPEG", size: tuple[int, int] = (64, 48), color: tuple[int, int, int] = (200, 30, 30)
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def make_image() -> Callable[..., bytes]:
    """`make_image(fmt="JPEG", size=(64, 48), color=(r, g, b))`: a small real image built with Pillow."""
    return _image_bytes


@dataclass
class Route:
    """What the loopback server answers on one path; `chunks` > 0 sends `body` that many times, chunked."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    chunks: int = 0
    delay: float = 0.0
    chunk_delay: float = 0.0


@dataclass
class MediaServer:
    origin: str
    routes: dict[str, Route]

    def serve(self, path: str, body: bytes = b"", **options: Any) -> str:
        """Answer `path` with `body`; returns its full URL."""
        self.routes[path] = Route(body, **options)
        return self.origin + path


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    routes: ClassVar[dict[str, Route]] = {}

    def do_GET(self) -> None:
        route = self.routes.get(self.path)
        if route is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        time.sleep(route.delay)
        self.send_response(route.status)
        for name, value in route.headers.items():
            self.send_header(name, value)
        if route.chunks:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                for _ in range(route.chunks):
                    time.sleep(route.chunk_delay)
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(route.body), route.body))
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        self.wfile.write(route.body)

    def log_message(self, format: str, *args: object) -> None:
        del format, args


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        del request, client_address  # clients hanging up mid-body is what several tests do on purpose


@pytest.fixture
def media_server() -> Iterator[MediaServer]:
    """A real HTTP server on 127.0.0.1 (the only network tests may use) with routes set per test."""
    routes: dict[str, Route] = {}
    handler = type("Handler", (_Handler,), {"routes": routes})
    server = _QuietServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield MediaServer(f"http://127.0.0.1:{server.server_address[1]}", routes)
    server.shutdown()
    server.server_close()


MEDIA_BUCKET = "sma-media"


@pytest.fixture(scope="module")
def mocked_s3() -> Iterator[Any]:
    """A moto S3 with the media bucket, one per test module: starting one per test would dominate."""
    with mock_aws():
        client = boto3.client("s3")
        client.create_bucket(
            Bucket=MEDIA_BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )
        yield client


@pytest.fixture
def s3(mocked_s3: Any) -> Any:
    """The module's moto S3 with the media bucket emptied before the test."""
    for item in mocked_s3.list_objects_v2(Bucket=MEDIA_BUCKET).get("Contents", []):
        mocked_s3.delete_object(Bucket=MEDIA_BUCKET, Key=item["Key"])
    return mocked_s3
