"""The local API Gateway facing a hostile or clumsy client, over raw sockets on loopback.

Behaviour from RFC 9112 (HTTP/1.1 message syntax) section 6.3: an invalid Content-Length is an
unrecoverable framing error, answered 400 with the connection closed; RFC 9110 section 15.5.12: a
server may refuse a body without Content-Length with 411; and from API Gateway's error shape, a JSON
`{"message": ...}` body (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from infra.local.http_gateway import HttpGateway

READ_TIMEOUT = 0.5
calls: list[dict[str, Any]] = []
release = threading.Event()


def echo(event: dict[str, Any]) -> dict[str, Any]:
    calls.append(event)
    return {"statusCode": 200, "body": json.dumps({"ok": True})}


def slow(event: dict[str, Any]) -> dict[str, Any]:
    release.wait(5)
    return {"statusCode": 200, "body": "{}"}


@pytest.fixture
def gateway() -> Iterator[HttpGateway]:
    calls.clear()
    release.clear()
    server = HttpGateway(
        {("POST", "/twitter"): echo, ("GET", "/twitter"): echo, ("POST", "/slow"): slow},
        read_timeout=READ_TIMEOUT,
        max_workers=2,
        max_waiting=1,
    ).start()
    yield server
    release.set()
    server.stop()


def connect(gateway: HttpGateway) -> socket.socket:
    host, port = gateway.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=5)


def receive_all(sock: socket.socket) -> bytes:
    """Everything until the server closes the connection (raises if it never does within 5 s)."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def parse(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in header_lines)}
    return int(status_line.split()[1]), headers, body


def exchange(gateway: HttpGateway, request: bytes) -> tuple[int, dict[str, str], bytes]:
    with connect(gateway) as sock:
        sock.sendall(request)
        return parse(receive_all(sock))


@pytest.mark.parametrize("length", ["-1", "abc", "1e3", "12, 13", "+5", "٣"])
def test_an_invalid_content_length_is_a_json_400_and_the_connection_closes(gateway, length: str) -> None:
    status, headers, body = exchange(
        gateway, f"POST /twitter HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n{{}}".encode()
    )
    assert status == 400
    assert headers["content-type"] == "application/json"
    assert headers["connection"] == "close"
    assert json.loads(body) == {"message": "Bad Request: invalid Content-Length"}
    assert calls == []


def test_two_different_content_lengths_are_a_400(gateway) -> None:
    request = b"POST /twitter HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"
    assert exchange(gateway, request)[0] == 400


def test_a_post_without_content_length_is_a_json_411(gateway) -> None:
    status, _, body = exchange(gateway, b"POST /twitter HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == 411
    assert json.loads(body)["message"].startswith("Length Required")


def test_a_chunked_post_is_a_json_411(gateway) -> None:
    request = b"POST /twitter HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
    assert exchange(gateway, request)[0] == 411
    assert calls == []


def test_a_half_sent_body_times_out_with_408_and_frees_the_worker(gateway) -> None:
    started = time.monotonic()
    status, _, body = exchange(gateway, b"POST /twitter HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
    assert status == 408
    assert json.loads(body)["message"].startswith("Request Timeout")
    assert READ_TIMEOUT <= time.monotonic() - started < READ_TIMEOUT + 3
    assert calls == []


def test_half_sent_headers_are_dropped_after_the_read_timeout(gateway) -> None:
    with connect(gateway) as sock:
        sock.sendall(b"POST /twitter HTTP/1.1\r\nHost: x\r\n")  # never finished
        started = time.monotonic()
        assert receive_all(sock) == b""  # closed without an answer, as nothing was asked yet
        assert time.monotonic() - started < READ_TIMEOUT + 3


def test_slow_clients_cannot_take_every_thread(gateway) -> None:
    # Two workers and one waiting place: stalled clients beyond that are answered 503 at once,
    # and once the stalled ones time out the gateway serves again.
    stalled = [connect(gateway) for _ in range(3)]
    for sock in stalled:
        sock.sendall(b"POST /twitter HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n")
    time.sleep(0.1)
    status, headers, body = exchange(gateway, b"GET /twitter HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == 503
    assert headers["retry-after"] == "1"
    assert "too many requests" in json.loads(body)["message"]
    for sock in stalled:
        sock.close()
    time.sleep(READ_TIMEOUT * 3)
    status, _, _ = exchange(gateway, b"GET /twitter HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status == 200


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"NONSENSE\r\n\r\n", 400),  # a malformed request line
        (b"GET /twitter HTTP/2.0\r\n\r\n", 505),  # an HTTP version http.server does not speak
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414),  # a request line over 64 KiB
        (b"BREW /twitter HTTP/1.1\r\nHost: x\r\n\r\n", 403),  # a method no route has: API Gateway's 403
    ],
)
def test_every_error_is_json_never_an_html_page(gateway, request_bytes: bytes, status: int) -> None:
    answer_status, headers, body = exchange(gateway, request_bytes)
    assert answer_status == status
    assert headers["content-type"] == "application/json"
    assert "message" in json.loads(body)
    assert b"<html" not in body.lower() and b"<!doctype" not in body.lower()


def test_headers_and_body_leave_in_one_write_on_a_nodelay_socket(gateway, monkeypatch) -> None:
    writes: list[bytes] = []
    nodelay: list[int] = []
    real_sendall = socket.socket.sendall

    def recording_sendall(self: socket.socket, data: Any, *args: Any) -> None:
        if self.getsockname()[1] == int(gateway.url.rsplit(":", 1)[1]):  # the server's side
            writes.append(bytes(data))
            nodelay.append(self.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        return real_sendall(self, data, *args)

    monkeypatch.setattr(socket.socket, "sendall", recording_sendall)
    status, _, body = exchange(
        gateway, b"POST /twitter HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
    )
    assert status == 200
    assert json.loads(body) == {"ok": True}
    assert len(writes) == 1 and writes[0].endswith(b'{"ok": true}')
    assert nodelay == [1]


def test_keep_alive_serves_several_requests_on_one_connection(gateway) -> None:
    with connect(gateway) as sock:
        for _ in range(3):
            sock.sendall(b"POST /twitter HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
            head = b""
            while b"\r\n\r\n" not in head:
                head += sock.recv(1)
            status, headers, _ = parse(head)
            assert status == 200
            sock.recv(int(headers["content-length"]))
    assert len(calls) == 3


def test_a_client_that_disconnects_mid_answer_prints_no_traceback(gateway, capfd) -> None:
    with connect(gateway) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.sendall(b"POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
        time.sleep(0.1)
    # The connection was reset (SO_LINGER 0); the function returns and the answer meets a dead socket.
    release.set()
    time.sleep(0.3)
    assert exchange(gateway, b"GET /twitter HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")[0] == 200
    err = capfd.readouterr().err
    assert "Traceback" not in err
    assert "Error" not in err


def test_stop_does_not_wait_for_idle_keep_alive_connections() -> None:
    gateway = HttpGateway({("GET", "/twitter"): echo}, read_timeout=30).start()
    sock = connect(gateway)
    sock.sendall(b"GET /twitter HTTP/1.1\r\nHost: x\r\n\r\n")
    sock.recv(65536)  # answered; the connection now idles, kept alive for up to 30 s
    started = time.monotonic()
    gateway.stop()
    assert time.monotonic() - started < 5  # serve_forever's 0.5 s poll, not the 30 s read timeout
    assert sock.recv(1) == b""  # the server closed its side
    sock.close()


def test_a_head_request_gets_headers_only_and_the_connection_stays_usable(gateway) -> None:
    with connect(gateway) as sock:
        sock.sendall(b"HEAD /twitter HTTP/1.1\r\nHost: x\r\n\r\nGET /twitter HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.3)
        data = sock.recv(65536)
    first, _, rest = data.partition(b"\r\n\r\n")
    assert first.startswith(b"HTTP/1.1 403")  # no HEAD route: API Gateway's answer, without its body
    assert rest.startswith(b"HTTP/1.1 200")  # the next answer follows at once: no body was sent
