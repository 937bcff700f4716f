"""Plumbing benchmark: event-pattern matching and PutEvents → target dispatch on the local bus.

    .venv/bin/python benchmarks/plumbing.py [--events 10000] [--rules 50] [--deliveries 2000]

1. Pattern matching: RULES realistic rules (this project's detail-types and fields: exact, prefix,
   suffix, anything-but, numeric ranges, exists, nested fields, arrays) against EVENTS generated events,
   with `integrations.patterns` and, as a baseline in the same run, moto's matcher
   (`moto.events.models.EventPattern`). Both must agree on every (rule, event) pair.
2. Dispatch: PutEvents (1 or 10 entries per call) until delivery to a Python target by the bus's worker
   thread, durable in SQLite; throughput and per-event latency (put → deliver) p50 / p95, for
   `synchronous=FULL` (survives power loss) and `NORMAL` (survives a process crash).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from integrations.bus import EventBus
from integrations.patterns import compile_pattern

DETAIL_TYPES = [
    "MESSAGE_RECEIVED", "MESSAGE_ANALYSED", "MESSAGE_ANALYSIS_FAILED", "SEND_TWEET", "TWEET_SENT",
    "TWEET_FAILED", "TWITTER_TWEETED", "TWITTER_FAVOURITED", "TWITTER_FOLLOWED", "TWITTER_DM_RECEIVED",
]  # fmt: skip
SOURCES = ["TWITTER", "BOT", "ANALYSIS", "EGRESS"]
SENTIMENTS = ["POSITIVE", "NEGATIVE", "NEUTRAL", "MIXED"]
LANGUAGES = ["en", "fr", "de", "es", "pt"]


def make_rules(count: int, rng: random.Random) -> list[dict[str, Any]]:
    """Rules like the topology's: routing by detail-type, plus filters on the analysis."""
    templates: list[Callable[[], dict[str, Any]]] = [
        lambda: {"detail-type": [rng.choice(DETAIL_TYPES)]},
        lambda: {"source": [rng.choice(SOURCES)], "detail-type": rng.sample(DETAIL_TYPES, 3)},
        lambda: {
            "detail-type": ["MESSAGE_ANALYSED"],
            "detail": {"Analysis": {"TextSentiment": [rng.choice(SENTIMENTS)]}},
        },
        lambda: {
            "detail-type": ["MESSAGE_ANALYSED"],
            "detail": {"ImageUrls": [{"exists": rng.random() < 0.5}]},
        },
        lambda: {
            "detail": {"Analysis": {"TextSentimentScore": [{"numeric": [">", round(rng.random(), 2)]}]}}
        },
        lambda: {"detail": {"Author": [{"prefix": rng.choice("abcdefgh")}]}},
        lambda: {"detail-type": [{"prefix": "TWITTER_"}], "detail": {"Language": [{"anything-but": ["en"]}]}},
        lambda: {"detail": {"Analysis": {"Language": rng.sample(LANGUAGES, 2)}}},
        lambda: {"detail": {"Tags": [rng.choice(["cats", "dogs", "news", "sport"])]}},
        lambda: {
            "source": [{"anything-but": ["BOT"]}],
            "detail": {"Twitter": {"TweetId": [{"exists": True}]}},
        },
        lambda: {
            "detail": {"Retweets": [{"numeric": [">=", rng.randint(0, 50), "<", rng.randint(51, 200)]}]}
        },
        lambda: {"detail": {"ImageUrls": [{"suffix": ".png"}]}},
    ]
    return [templates[i % len(templates)]() for i in range(count)]


def make_event(rng: random.Random, number: int) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "Text": f"message {number} " + "lorem ipsum " * rng.randint(1, 10),
        "Author": rng.choice("abcdefghijklmnopqrstuvwxyz") + "user",
        "Twitter": {"TweetId": str(10**18 + number), "UserId": str(rng.randint(1, 10**9))},
        "Language": rng.choice(LANGUAGES),
        "Retweets": rng.randint(0, 300),
        "Tags": rng.sample(["cats", "dogs", "news", "sport", "music"], rng.randint(0, 3)),
    }
    if rng.random() < 0.4:
        detail["ImageUrls"] = [
            f"https://pbs.example/{number}-{i}.{rng.choice(['png', 'jpg'])}" for i in range(2)
        ]
    if rng.random() < 0.5:
        detail["Analysis"] = {
            "TextSentiment": rng.choice(SENTIMENTS),
            "TextSentimentScore": round(rng.random(), 3),
            "Language": rng.choice(LANGUAGES),
        }
    return {
        "version": "0",
        "id": f"id-{number}",
        "detail-type": rng.choice(DETAIL_TYPES),
        "source": rng.choice(SOURCES),
        "account": "123456789012",
        "time": "2026-01-01T00:00:00Z",
        "region": "eu-west-2",
        "resources": [],
        "detail": detail,
    }


def bench_matching(rule_count: int, event_count: int) -> None:
    from moto.events.models import EventPattern as MotoPattern

    rng = random.Random(42)
    rules = make_rules(rule_count, rng)
    events = [make_event(rng, n) for n in range(event_count)]
    texts = [json.dumps(rule) for rule in rules]

    started = time.perf_counter()
    ours = [compile_pattern(text) for text in texts]
    compile_seconds = time.perf_counter() - started
    started = time.perf_counter()
    our_results = [[pattern.matches(event) for pattern in ours] for event in events]
    our_seconds = time.perf_counter() - started

    theirs = [MotoPattern.load(text) for text in texts]
    started = time.perf_counter()
    their_results = [[pattern.matches_event(cast(Any, event)) for pattern in theirs] for event in events]
    their_seconds = time.perf_counter() - started

    pairs = rule_count * event_count
    matched = sum(map(sum, our_results))
    disagreements = sum(
        a != b
        for row_a, row_b in zip(our_results, their_results, strict=True)
        for a, b in zip(row_a, row_b, strict=True)
    )
    print(
        f"Pattern matching: {rule_count} rules x {event_count} events = {pairs:,} matches ({matched:,} true)"
    )
    print(
        f"  integrations.patterns: {pairs / our_seconds:12,.0f} matches/s  ({our_seconds:.2f} s; "
        f"compile {compile_seconds * 1000:.1f} ms)"
    )
    print(f"  moto EventPattern:     {pairs / their_seconds:12,.0f} matches/s  ({their_seconds:.2f} s)")
    print(f"  ratio: {their_seconds / our_seconds:.1f}x faster than moto; disagreements: {disagreements}")


def bench_dispatch(deliveries: int, synchronous: str, batch: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        bus = EventBus("Bench", directory=Path(folder), synchronous=synchronous)
        delivered_at: dict[str, float] = {}
        done = threading.Event()

        def deliver(event: dict[str, Any]) -> None:
            delivered_at[event["detail"]["n"]] = time.perf_counter()
            if len(delivered_at) == deliveries:
                done.set()

        bus.put_rule(Name="all", EventPattern={"source": ["BENCH"]})
        bus.register_target("arn:bench", deliver)
        bus.put_targets(Rule="all", Targets=[{"Id": "t", "Arn": "arn:bench"}])
        bus.create_archive(ArchiveName="all")
        bus.start(workers=1)
        put_at: dict[str, float] = {}
        started = time.perf_counter()
        for first in range(0, deliveries, batch):
            keys = [str(n) for n in range(first, min(first + batch, deliveries))]
            now = time.perf_counter()
            put_at.update(dict.fromkeys(keys, now))
            bus.put_events(
                Entries=[
                    {"Source": "BENCH", "DetailType": "X", "Detail": json.dumps({"n": key})} for key in keys
                ]
            )
        put_seconds = time.perf_counter() - started
        done.wait(timeout=600)
        total_seconds = time.perf_counter() - started
        bus.close()
    latencies = sorted((delivered_at[k] - put_at[k]) * 1000 for k in put_at if k in delivered_at)
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(
        f"  {batch:2} per call, synchronous={synchronous:6} PutEvents {deliveries / put_seconds:8,.0f} "
        f"events/s, put→deliver {len(latencies) / total_seconds:8,.0f}/s, "
        f"latency p50 {statistics.median(latencies):7.2f} ms, "
        f"p95 {p95:7.2f} ms ({len(latencies)}/{deliveries} delivered)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rules", type=int, default=50)
    parser.add_argument("--deliveries", type=int, default=2_000)
    parser.add_argument("--firehose-records", type=int, default=5_000)
    arguments = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d %H:%M:%S')}")
    bench_matching(arguments.rules, arguments.events)
    print(f"PutEvents → target dispatch, {arguments.deliveries} events, archived, 1 worker thread:")
    for batch in (1, 10):
        for synchronous in ("FULL", "NORMAL"):
            bench_dispatch(arguments.deliveries, synchronous, batch)
    print("\nFirehose into the lake, the stream and its pipe (benchmarks/firehose.py):")
    from benchmarks import firehose

    firehose.run(arguments.firehose_records)


if __name__ == "__main__":
    main()
