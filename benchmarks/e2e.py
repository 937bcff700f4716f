"""End-to-end throughput and latency of the bot on the local cloud: a burst of webhooks, POSTed to the
real HTTP endpoint with real signatures, timed from the POST to the SEND_TWEET command the bot issues.

    .venv/bin/python benchmarks/e2e.py [--single 20] [--text 200] [--photos 200] [--concurrency 8]

Text messages are distinct sentences; photo messages each carry a distinct photo (a sample photo cropped
and scaled differently), so no model answer is reused from a cache. Prints messages per second,
latency p50/p95/max per kind, and the process's peak resident memory.

`--single N` first sends N text messages one at a time to an idle cloud (each after the previous one's
reply, with the cloud quiet in between): the latency a user feels from the POST to SEND_TWEET, with no
queue in front of it. The cloud is left to its own background threads (no `settle()` helping from the
main thread), as under `sma up`.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OPENINGS = [
    "I love",
    "I really dislike",
    "Tell me a joke about",
    "Give me a fact about",
    "What do you think of",
]
# The lines this script writes once the cloud is up and the models are warm, just before it measures,
# and when it has measured (before the cloud stops).
MEASURING, MEASURED = "e2e: measuring", "e2e: measured"
TOPICS = ["serverless", "event buses", "state machines", "the weather", "my deployment", "coffee", "rockets"]


def _distinct_photo(source: Path, index: int, folder: Path) -> Path:
    from PIL import Image

    rng = random.Random(index)
    with Image.open(source) as image:
        width, height = image.size
        left, top = rng.randint(0, width // 8), rng.randint(0, height // 8)
        crop = image.crop(
            (left, top, width - rng.randint(0, width // 8), height - rng.randint(0, height // 8))
        )
        scale = rng.uniform(0.7, 1.0)
        crop = crop.resize((int(crop.width * scale), int(crop.height * scale)))
        buffer = io.BytesIO()
        crop.convert("RGB").save(buffer, "JPEG", quality=88)
    path = folder / f"bench-{index}.jpg"
    path.write_bytes(buffer.getvalue())
    return path


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _figures(messages: int, latencies: list[float], elapsed: float, cpu: float) -> dict[str, float]:
    """A run's row: messages, replies, seconds, messages per second, the process's CPU milliseconds per
    message (every thread, both cores) and latency p50 / p95 / max."""
    return {
        "messages": messages,
        "replied": len(latencies),
        "seconds": elapsed,
        "per_second": messages / elapsed,
        "cpu_ms": 1000 * cpu / messages,
        "p50": _percentile(latencies, 0.50),
        "p95": _percentile(latencies, 0.95),
        "max": max(latencies),
    }


def _burst(session: Any, payloads: list[dict[str, Any]], concurrency: int) -> dict[str, float]:
    from infra.local.webhooks import deliver

    posted: dict[str, float] = {}
    replied: dict[str, float] = {}
    lock = threading.Lock()

    def hear(kind: str, document: dict[str, Any]) -> None:
        if kind == "event" and document.get("detail-type") == "SEND_TWEET":
            with lock:
                replied.setdefault(document["detail"]["ReplyToTweetId"], time.perf_counter())

    session.cloud.on(hear)

    def post(payload: dict[str, Any]) -> None:
        tweet_id = payload["tweet_create_events"][0]["id_str"]
        posted[tweet_id] = time.perf_counter()
        status, answer = deliver(session.cloud.webhook_url, json.dumps(payload).encode(), session.secret)
        if status != 200:
            raise RuntimeError(f"webhook answered {status}: {answer}")

    started, cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(post, payloads))
    session.cloud.settle(timeout=3600)
    elapsed = time.perf_counter() - started
    latencies = [replied[tweet] - posted[tweet] for tweet in posted if tweet in replied]
    return _figures(len(payloads), latencies, elapsed, time.process_time() - cpu)


def _single(session: Any, payloads: list[dict[str, Any]], quiet_seconds: float = 0.5) -> dict[str, float]:
    """Each message alone: POST, wait for its SEND_TWEET, let the cloud go quiet, then the next."""
    from infra.local.webhooks import deliver

    replied: dict[str, threading.Event] = {}

    def hear(kind: str, document: dict[str, Any]) -> None:
        if kind == "event" and document.get("detail-type") == "SEND_TWEET":
            event = replied.get(document["detail"]["ReplyToTweetId"])
            if event is not None:
                event.set()

    session.cloud.on(hear)
    latencies = []
    started, cpu = time.perf_counter(), time.process_time()
    for payload in payloads:
        tweet_id = payload["tweet_create_events"][0]["id_str"]
        replied[tweet_id] = threading.Event()
        posted = time.perf_counter()
        status, answer = deliver(session.cloud.webhook_url, json.dumps(payload).encode(), session.secret)
        if status != 200:
            raise RuntimeError(f"webhook answered {status}: {answer}")
        if not replied[tweet_id].wait(120):
            raise RuntimeError(f"no SEND_TWEET for {tweet_id} within 120 s")
        latencies.append(time.perf_counter() - posted)
        time.sleep(quiet_seconds)  # egress and the lake finish; the next message meets an idle cloud
    return _figures(len(payloads), latencies, time.perf_counter() - started, time.process_time() - cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--single", type=int, default=20, help="text messages sent one at a time")
    parser.add_argument("--text", type=int, default=200, help="text messages in the text burst")
    parser.add_argument("--photos", type=int, default=200, help="photo messages in the photo burst")
    parser.add_argument("--concurrency", type=int, default=8, help="webhooks in flight at once")
    arguments = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="sma-bench-"))
    os.environ["LOG_LEVEL"] = "WARNING"
    from infra.local.layout import StateLayout
    from infra.local.session import local_session
    from infra.local.webhooks import mention

    # As `sma up` runs it (nothing recorded per message): this script listens for itself.
    with local_session(StateLayout(home)) as session:
        # Warm the models first: the burst measures steady-state processing, not loading.
        from infra.local.webhooks import deliver

        warm = mention(
            "warm up the models, please", [session.media.publish(ROOT / "examples/media/astronaut.jpg")]
        )
        deliver(session.cloud.webhook_url, json.dumps(warm).encode(), session.secret)
        session.cloud.settle(timeout=600)
        session.cloud.wait_for_models(timeout=600)  # the rest of the warm-up, still loading in the background

        rng = random.Random(7)
        texts = [
            mention(
                f"{rng.choice(OPENINGS)} {rng.choice(TOPICS)}, message {n}",
                [],
                tweet_id=str(8_000_000_000 + n),
            )
            for n in range(arguments.text)
        ]
        sources = sorted((ROOT / "examples" / "media").glob("*.jpg"))
        photos = [
            mention(
                f"who is in this photo? number {n}",
                [session.media.publish(_distinct_photo(sources[n % len(sources)], n, home))],
                tweet_id=str(9_000_000_000 + n),
            )
            for n in range(arguments.photos)
        ]
        singles = [
            mention(
                f"{rng.choice(OPENINGS)} {rng.choice(TOPICS)}, alone {n}", [], tweet_id=str(7_000_000_000 + n)
            )
            for n in range(arguments.single)
        ]
        results = {}
        # Said on stderr so that benchmarks/profile_e2e.py samples the measured runs only, not the start.
        print(MEASURING, file=sys.stderr, flush=True)
        if singles:
            results["single"] = _single(session, singles)
        if texts:
            results["text"] = _burst(session, texts, arguments.concurrency)
        if photos:
            results["photo"] = _burst(session, photos, arguments.concurrency)
        print(MEASURED, file=sys.stderr, flush=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    columns = ("messages", "replied", "seconds", "per_second", "cpu_ms", "p50", "p95", "max")
    print(f"{'burst':<6}" + "".join(f"{column:>11}" for column in columns))
    for kind, figures in results.items():
        print(f"{kind:<6}" + "".join(f"{figures[column]:>11.2f}" for column in columns))
    print(f"peak resident memory: {peak_mb:.0f} MB (the whole local cloud and every model, in one process)")


if __name__ == "__main__":
    main()
