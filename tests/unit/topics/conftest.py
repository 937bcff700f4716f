"""Topics in a fresh state directory, printing to a captured console, with loopback HTTP and SMTP
servers to subscribe."""

from __future__ import annotations

import io
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from integrations.topics import SmtpSettings, Topics


@pytest.fixture
def screen() -> io.StringIO:
    return io.StringIO()


@pytest.fixture
def topics(sma_home: Path, screen: io.StringIO) -> Iterator[Topics]:
    service = Topics(
        directory=sma_home / "topics",
        console=Console(file=screen, width=100),
        smtp=None,
        clock=lambda: 1767225600.25,
    )
    yield service
    service.close()


@pytest.fixture
def topic(topics: Topics) -> str:
    return topics.create_topic(Name="alerts")["TopicArn"]


class HttpSink:
    """A loopback HTTP server recording each POST (path, headers, body); answers `status`."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                sink.requests.append(
                    {
                        "path": self.path,
                        "headers": {key.lower(): value for key, value in self.headers.items()},
                        "body": self.rfile.read(length).decode(),
                    }
                )
                self.send_response(sink.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                del args

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def http_sink() -> Iterator[HttpSink]:
    sink = HttpSink()
    yield sink
    sink.close()


class SmtpSink:
    """A tiny SMTP server on loopback (enough of RFC 5321 for smtplib), recording each message."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(5)
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            with connection, connection.makefile("rb") as reader:
                self._session(connection, reader)

    def _session(self, connection: socket.socket, reader: Any) -> None:
        connection.sendall(b"220 sink ESMTP\r\n")
        envelope: dict[str, Any] = {"to": []}
        while line := reader.readline():
            command = line.decode().strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                connection.sendall(b"250 sink\r\n")
            elif verb == "MAIL":
                envelope["from"] = command.split(":", 1)[1].strip()
                connection.sendall(b"250 OK\r\n")
            elif verb == "RCPT":
                envelope["to"].append(command.split(":", 1)[1].strip())
                connection.sendall(b"250 OK\r\n")
            elif verb == "DATA":
                connection.sendall(b"354 go on\r\n")
                data = []
                while (chunk := reader.readline()) not in (b".\r\n", b""):
                    data.append(chunk)
                self.messages.append({**envelope, "data": b"".join(data).decode()})
                envelope = {"to": []}
                connection.sendall(b"250 queued\r\n")
            elif verb == "QUIT":
                connection.sendall(b"221 bye\r\n")
                return
            else:
                connection.sendall(b"250 OK\r\n")

    def settings(self) -> SmtpSettings:
        return SmtpSettings(host="127.0.0.1", port=self.port, sender="bot@example.test", timeout=5)

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    yield sink
    sink.close()
