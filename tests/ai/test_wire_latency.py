"""`sma ai serve` answers a small request in one TCP segment, so Nagle's algorithm never holds a reply.

Why it matters: with headers and body in two writes and Nagle's algorithm on, the body waits for the
client's ACK of the headers, and Linux delays that ACK by up to 40 ms (tcp(7), "TCP_QUICKACK" and
"TCP_NODELAY"; RFC 1122 4.2.3.2 allows delaying an ACK up to 500 ms). The behaviour checked here is the
cause, not a timing: the whole reply (headers and body) is in the first bytes the client can read, and
the listening handler disables Nagle. The wall-clock figure is in benchmarks/ai.py.
"""

from __future__ import annotations

import json
import socket
import time

import pytest

from integrations.ai.lex import LexRuntime
from integrations.ai.server import AiRequestHandler, start_in_background
from integrations.ai.services import AiServices


@pytest.fixture(scope="module")
def port(tmp_path_factory):
    # The TF-IDF Lex loads no model: the reply's framing, not the model, is under test.
    services = AiServices.local(tmp_path_factory.mktemp("faces"))
    services.lex = LexRuntime(backend="tfidf")
    server = start_in_background(services)
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _request(body: bytes) -> bytes:
    return (
        b"POST /bots/ABCDEFGHIJ/botAliases/TSTALIASID/botLocales/en_GB/sessions/wire-1/text HTTP/1.1\r\n"
        b"Host: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )


def _first_read(connection: socket.socket) -> bytes:
    """What one recv() returns once the first byte of the reply is there (the server had time to
    send everything it was going to send without waiting for an ACK)."""
    connection.settimeout(30)
    first = connection.recv(1, socket.MSG_PEEK)
    assert first, "the server closed the connection without answering"
    time.sleep(0.005)  # well under the 40 ms a delayed ACK would hold a second segment back
    return connection.recv(1 << 16)


def test_a_small_reply_is_one_segment_on_a_kept_alive_connection(port):
    with socket.create_connection(("127.0.0.1", port)) as connection:
        for turn in range(3):  # the second and later replies are where a delayed ACK would bite
            connection.sendall(_request(json.dumps({"text": f"tell me a joke {turn}"}).encode()))
            reply = _first_read(connection)
            head, separator, body = reply.partition(b"\r\n\r\n")
            assert separator, "the first read did not even hold all the headers"
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            assert head.startswith(b"HTTP/1.1 200")
            assert len(body) == length, "the body came in a later segment than the headers"
            assert json.loads(body)["sessionId"] == "wire-1"


def test_errors_are_one_segment_too(port):
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(_request(b"{not json"))
        head, _, body = _first_read(connection).partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 400")
        assert json.loads(body)["__type"] == "SerializationException"


def test_the_handler_turns_nagle_off():
    # socketserver.StreamRequestHandler sets TCP_NODELAY on each connection when this is true.
    assert AiRequestHandler.disable_nagle_algorithm is True
