"""The local API Gateway under load and under slow clients, on loopback.

Prints, for keep-alive clients sending small webhooks to a function that answers at once:
* requests per second and median / 99th percentile latency with one client, then with eight;
* the same while `--slow` clients hold connections open with half-sent bodies (each sends a request's
  headers and then nothing), showing that the served clients keep being served and the slow ones are
  cut off after the read timeout.

Run: `.venv/bin/python benchmarks/gateway.py [--requests 2000] [--slow 40]`.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import socket
import statistics
import threading
import time
from typing import Any

from infra.local.http_gateway import HttpGateway

READ_TIMEOUT = 2.0


def answer(event: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": 200, "body": json.dumps({"status": "recorded"})}


def client(url: str, count: int, latencies: list[float], refused: list[int]) -> None:
    """`count` requests on one kept-alive connection; a 503 (or a connection closed by one) is counted
    in `refused` and the client connects again, as X's delivery would retry."""
    host, port = url.removeprefix("http://").split(":")
    body = json.dumps({"for_user_id": "1", "tweet_create_events": [{"text": "hello"}]}).encode()
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    for _ in range(count):
        started = time.perf_counter()
        try:
            connection.request("POST", "/twitter", body=body, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
        except (ConnectionError, http.client.HTTPException):
            refused.append(1)
            connection.close()
            connection = http.client.HTTPConnection(host, int(port), timeout=30)
            continue
        if response.status == 503:
            refused.append(1)
            connection.close()
            connection = http.client.HTTPConnection(host, int(port), timeout=30)
            continue
        latencies.append(time.perf_counter() - started)
    connection.close()


def run(url: str, clients: int, per_client: int) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    refused: list[int] = []
    threads = [
        threading.Thread(target=client, args=(url, per_client, latencies, refused)) for _ in range(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, len(refused)


def report(label: str, elapsed: float, latencies: list[float], refused: int) -> None:
    ordered = sorted(latencies)
    if not ordered:
        print(f"{label:<34} no request served in {elapsed:.1f} s   503: {refused}")
        return
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(
        f"{label:<34} {len(latencies) / elapsed:8.0f} req/s"
        f"   median {statistics.median(ordered) * 1000:7.2f} ms   p99 {p99 * 1000:7.2f} ms   503: {refused}"
    )


def slow_clients(url: str, count: int) -> list[socket.socket]:
    host, port = url.removeprefix("http://").split(":")
    sockets = []
    for _ in range(count):
        sock = socket.create_connection((host, int(port)))
        sock.sendall(b"POST /twitter HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        sockets.append(sock)
    return sockets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per measurement")
    parser.add_argument("--slow", type=int, default=40, help="slow clients holding half-sent requests")
    options = parser.parse_args()
    gateway = HttpGateway({("POST", "/twitter"): answer}, read_timeout=READ_TIMEOUT).start()
    try:
        report("1 keep-alive client", *run(gateway.url, 1, options.requests))
        report("8 keep-alive clients", *run(gateway.url, 8, options.requests // 8))
        stalled = slow_clients(gateway.url, options.slow)
        time.sleep(0.2)
        label = f"8 clients beside {options.slow} stalled"
        report(label, *run(gateway.url, 8, options.requests // 8))
        answers = []
        for sock in stalled:
            sock.settimeout(10)
            with contextlib.suppress(OSError):
                answers.append(sock.recv(65536)[:12])
            sock.close()
        print(
            f"stalled clients: {answers.count(b'HTTP/1.1 503')} answered 503 at once (workers and wait list"
            f" full), {answers.count(b'HTTP/1.1 408')} cut off with 408 after the {READ_TIMEOUT:.0f} s"
            " read timeout"
        )
    finally:
        gateway.stop()


if __name__ == "__main__":
    main()
