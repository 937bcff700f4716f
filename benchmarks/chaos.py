"""Chaos: a mixed burst of webhooks against `sma up`, killed with SIGKILL at random moments and restarted,
then counted: what was acknowledged, lost, processed twice, replied to twice, or stuck.

    .venv/bin/python benchmarks/chaos.py [--messages 60] [--kills 4] [--seed 7] [--time-limit 600]

Everything stays on loopback: `sma up` runs in a child process on a temporary state folder; the burst
is POSTed to its webhook with real signatures. The burst mixes text mentions (a quarter of them negative,
so they raise alerts), photo mentions, exact
redeliveries of earlier webhooks (as X retries them), and hostile deliveries (a wrong signature,
malformed JSON, an oversized body, a 100 KB text, 48 KB of emoji, a lone surrogate). While it is sent,
the cloud is killed with SIGKILL several times at random moments and restarted. Once every webhook is
sent, the last run is stopped with SIGTERM and a final start lets everything settle.

The counts, per tweet id the webhook acknowledged with 200:
* lost: no reply, nothing in a dead-letter queue, and nothing still running;
* done twice: analysed twice (more than one MESSAGE_ANALYSED event), alerted twice (more than one alert
  on the topic), or counted twice by the data lake (more than one MESSAGE_RECEIVED or MESSAGE_ANALYSED row
  in `analysed-messages-table`, the view queries read; Firehose flushed, read by SQL);
* replied twice: more than one entry for it in the outbox;
* stuck: an execution for it still RUNNING after the final settle.
Also printed, as what the idempotency absorbs rather than a fault: MESSAGE_RECEIVED published again
under a new event id (a kill between ingest's PutEvents and its COMPLETED mark), rows the lake's
table holds twice (the same event delivered again, or published again) that its view drops, and the
PutEvents calls that an execution run again after a kill made again, which the bus answered with the
first answer instead of a second event.
Recovery is the time the final start took to settle everything the kills left behind.
The run is bounded: it stops sending when --time-limit is reached and reports what it has.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LOG_LEVEL", "ERROR")  # the final settle runs the handlers in this process

from infra.local.account import LocalAccount  # noqa: E402 - after the path set-up above
from infra.local.layout import StateLayout  # noqa: E402
from infra.local.media_server import publish  # noqa: E402
from infra.local.webhooks import consumer_secret, deliver, mention  # noqa: E402
from infra.topology import TOPOLOGY  # noqa: E402

PHOTOS = sorted((ROOT / "examples" / "media").glob("*.jpg"))


@dataclass
class Tally:
    acknowledged: set[str] = field(default_factory=set)  # tweet ids of mentions answered 200
    refused: Counter[int] = field(default_factory=Counter)  # status -> count (hostile or during a kill)
    unreachable: int = 0  # the cloud was down at that moment: X would redeliver, so we do too
    sent: int = 0


class Cloud:
    """`sma up` in a child process on one state folder, restartable."""

    def __init__(self, layout: StateLayout) -> None:
        self.layout = layout
        self.process: subprocess.Popen[bytes] | None = None
        self.env = {**os.environ, "SMA_HOME": str(layout.home), "LOG_LEVEL": "ERROR", "COLUMNS": "200"}
        self.env.pop("SMA_SECRET_SMA_X_CREDENTIALS", None)

    def start(self, timeout: float = 180.0) -> str:
        self.layout.endpoint_file.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sma", "up", "--port", "0", "--no-gallery"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                return str(json.loads(self.layout.endpoint_file.read_text())["webhook"])
            except (FileNotFoundError, json.JSONDecodeError):  # not there yet, or being written
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"sma up exited with {self.process.returncode} while starting")
            time.sleep(0.05)
        raise RuntimeError("sma up did not start in time")

    def kill(self, process: subprocess.Popen[bytes] | None) -> None:
        """SIGKILL `process` (the run that was current when the kill was planned), if still alive."""
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()

    def stop(self) -> None:
        # SIGTERM, not SIGINT: a shell runs a background job with SIGINT ignored, and a child inherits
        # that until `sma up` installs its handler; both signals take the same clean stop.
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=300)


def _plan(count: int, rng: random.Random, media_origin: str, layout: StateLayout) -> list[tuple[str, Any]]:
    """(kind, payload or raw body) in sending order: mentions, photos, redeliveries and hostile input."""
    photo_urls = [publish(photo, layout.media_host, media_origin) for photo in PHOTOS]
    plan: list[tuple[str, Any]] = []
    for n in range(count):
        tweet_id = str(1_800_000_000_000_000_000 + n)
        if n % 4 == 3:
            plan.append(
                ("photo", mention("who is in this photo?", [rng.choice(photo_urls)], tweet_id=tweet_id))
            )
        elif n % 4 == 1:  # negative: raises an alert, so an alert sent twice can be counted
            complaint = f"this is awful, the worst service I have ever had, I hate it (message {n})"
            plan.append(("text", mention(complaint, [], tweet_id=tweet_id)))
        else:
            plan.append(("text", mention(f"tell me something, message {n}", [], tweet_id=tweet_id)))
    redeliveries = [("redelivery", payload) for _, payload in rng.sample(plan, k=max(1, count // 5))]
    hostile: list[tuple[str, Any]] = [
        ("bad-signature", mention("signed wrongly", [], tweet_id="1799999999999999001")),
        ("malformed", b'{"for_user_id": "1111111111111111111", "tweet_create_events": [{'),
        ("oversized", b"{" + b" " * (2 * 1024 * 1024) + b"}"),
        ("long-text", mention("x" * 100_000, [], tweet_id="1799999999999999002")),
        ("emoji", mention("\U0001f600" * 12_000, [], tweet_id="1799999999999999003")),
        ("surrogate", mention("broken \ud800 text", [], tweet_id="1799999999999999004")),
    ]
    mixed = plan + redeliveries + hostile
    rng.shuffle(mixed)
    return mixed


def _body(payload: Any) -> bytes:
    if isinstance(payload, bytes):
        return payload
    # Lone surrogates cannot be UTF-8: send them the way a JSON producer escapes them (\ud800).
    return json.dumps(payload).encode()


def _send_all(
    cloud: Cloud, plan: list[tuple[str, Any]], kills: int, rng: random.Random, limit: float
) -> Tally:
    tally = Tally()
    secret = consumer_secret(LocalAccount(cloud.layout).client("secretsmanager"))
    webhook = cloud.start()
    kill_at = sorted(rng.sample(range(1, len(plan)), k=min(kills, len(plan) - 1)))
    started = time.monotonic()
    for index, (kind, payload) in enumerate(plan):
        if time.monotonic() - started > limit:
            print(f"time limit reached after {index} of {len(plan)} webhooks")
            break
        if kill_at and index == kill_at[0]:
            kill_at.pop(0)
            # A kill at a random moment: right now, or a little later while the work is in flight.
            threading.Timer(rng.uniform(0.0, 0.5), cloud.kill, args=(cloud.process,)).start()
        body = _body(payload)
        for _ in range(50):  # X redelivers what was not acknowledged; so does this sender
            try:
                signature = "sha256=AAAA" if kind == "bad-signature" else None
                status, _answer = deliver(webhook, body, secret, signature=signature)
                break
            except OSError:
                tally.unreachable += 1
                if cloud.process is not None and cloud.process.poll() is not None:
                    webhook = cloud.start()
                else:
                    time.sleep(0.1)
        else:
            continue
        tally.sent += 1
        if status == 200 and isinstance(payload, dict) and kind in ("text", "photo", "redelivery"):
            tally.acknowledged.add(payload["tweet_create_events"][0]["id_str"])
        elif status != 200:
            tally.refused[status] += 1
        if cloud.process is not None and cloud.process.poll() is not None:
            webhook = cloud.start()
    return tally


@dataclass
class Lake:
    """Rows per tweet id of MESSAGE_RECEIVED and MESSAGE_ANALYSED (the most of either): in the view
    queries read, and in the table below it."""

    view: Counter[str] = field(default_factory=Counter)
    table: Counter[str] = field(default_factory=Counter)


def _settle(layout: StateLayout) -> tuple[float, Lake]:
    """The time the final start took to settle, and the data lake's rows per tweet id."""
    from infra.local.lake import lake_tables
    from infra.local.session import local_session
    from integrations.athena import run_query

    began = time.monotonic()
    lake = Lake()
    with local_session(layout, gallery=None) as session:
        if not session.cloud.settle(timeout=900):
            print("the final start did not settle within 15 minutes")
        recovery = time.monotonic() - began
        session.cloud.flush_lake()
        tables = lake_tables(session.cloud.bucket(TOPOLOGY.delivery_stream.bucket))
        for counter, name in ((lake.view, TOPOLOGY.lake_view.name), (lake.table, TOPOLOGY.lake.name)):
            _, rows = run_query(
                f"""SELECT detail.twitter.tweetid, "detail-type", COUNT(*) FROM "{name}"
WHERE "detail-type" IN ('MESSAGE_RECEIVED', 'MESSAGE_ANALYSED') GROUP BY 1, 2""",
                tables,
                store=session.cloud.objects,
            )
            for tweet, _detail_type, count in rows:
                counter[str(tweet)] = max(counter[str(tweet)], int(count))
    return recovery, lake


def _alerts(layout: StateLayout) -> list[str]:
    """Every message published to a topic (the alerts), as text."""
    topics = LocalAccount(layout).client("sns")
    try:
        return [str(message["Message"]) for message in topics.messages()]
    finally:
        topics.close()


def _calls_made_again(layout: StateLayout) -> int:
    """PutEvents calls a run again of a crashed execution made again, answered without a new event."""
    bus = LocalAccount(layout).event_bus(TOPOLOGY.bus.name)
    try:
        return int(bus.calls_made_again())
    finally:
        bus.close()


def _events(layout: StateLayout) -> list[dict[str, Any]]:
    """Every event the bus carried, once each: the log target is at-least-once too, so an event a crash
    caught mid-delivery is logged again with the same id (a redelivery, not a second event)."""
    events: dict[str, dict[str, Any]] = {}
    for path in sorted(layout.logs.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line torn by SIGKILL
            events.setdefault(str(event.get("id")), event)
    return list(events.values())


def _report(layout: StateLayout, tally: Tally, recovery: float, lake: Lake, kills: int) -> None:
    events = _events(layout)

    def per_tweet(detail_type: str) -> Counter[str]:
        return Counter(
            str(event["detail"].get("Twitter", {}).get("TweetId"))
            for event in events
            if event.get("detail-type") == detail_type
        )

    received, analysed = per_tweet("MESSAGE_RECEIVED"), per_tweet("MESSAGE_ANALYSED")
    alerts = _alerts(layout)
    alerted = Counter({tweet: sum(tweet in alert for alert in alerts) for tweet in tally.acknowledged})
    outbox = layout.outbox / "outbox.jsonl"
    replies = (
        Counter(
            json.loads(line)["ReplyToTweetId"] for line in outbox.read_text().splitlines() if line.strip()
        )
        if outbox.exists()
        else Counter()
    )
    with sqlite3.connect(layout.executions) as db:
        running = [row[0] for row in db.execute("SELECT input FROM executions WHERE status = 'RUNNING'")]
        failed = db.execute("SELECT COUNT(*) FROM executions WHERE status = 'FAILED'").fetchone()[0]
    stuck = {tweet for tweet in tally.acknowledged if any(tweet in str(text) for text in running)}
    letters = _dead_letters(layout)
    dead_lettered = {tweet for tweet in tally.acknowledged if any(tweet in letter for letter in letters)}
    lost = tally.acknowledged - set(replies) - stuck - dead_lettered

    def twice(counts: Counter[str]) -> set[str]:
        return {tweet for tweet in tally.acknowledged if counts[tweet] > 1}

    print(f"kills (SIGKILL)          {kills}")
    print(
        f"webhooks sent            {tally.sent} (connection refused while down, retried: {tally.unreachable})"
    )
    print(f"refused at the door      {dict(sorted(tally.refused.items()))}")
    print(f"acknowledged mentions    {len(tally.acknowledged)}")
    print(f"lost                     {len(lost)}")
    print(f"done twice               {len(twice(analysed) | twice(alerted) | twice(lake.view))}")
    print(f"  analysed twice         {len(twice(analysed))}")
    print(f"  alerted twice          {len(twice(alerted))}")
    print(f"  in the lake twice      {len(twice(lake.view))} (rows of analysed-messages-table)")
    print(f"replied twice            {len(twice(replies))}")
    print(f"stuck                    {len(stuck)}")
    print(f"dead-lettered            {len(dead_lettered)}")
    print(f"executions FAILED        {failed}")
    print(f"recovery (final settle)  {recovery:.1f} s")
    print("absorbed by idempotency (at-least-once delivery, not faults):")
    print(f"  MESSAGE_RECEIVED published again  {len(twice(received))}")
    print(f"  lake table rows twice             {len(twice(lake.table))} (dropped by the view)")
    print(f"  PutEvents calls made again        {_calls_made_again(layout)} (answered, no new event)")


def _dead_letters(layout: StateLayout) -> list[str]:
    """The records the pipe gave up on (its dead-letter table), as text, read once."""
    if not layout.pipe_checkpoints.exists():
        return []
    with sqlite3.connect(layout.pipe_checkpoints) as db:
        return [str(row[0]) for row in db.execute("SELECT records FROM dead_letters")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=60, help="distinct mentions in the burst")
    parser.add_argument("--kills", type=int, default=4, help="SIGKILLs at random moments")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--time-limit", type=float, default=600.0, help="seconds of sending at most")
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    layout = StateLayout(Path(tempfile.mkdtemp(prefix="sma-chaos-")))
    cloud = Cloud(layout)
    # The media host's origin is fixed per state folder: learn it from a first start.
    cloud.start()  # returns once the endpoint file is whole
    origin = json.loads(layout.endpoint_file.read_text())["media"]
    cloud.stop()
    plan = _plan(arguments.messages, rng, origin, layout)
    print(f"state folder {layout.home}; {len(plan)} webhooks, {arguments.kills} kills, seed {arguments.seed}")
    tally = _send_all(cloud, plan, arguments.kills, rng, arguments.time_limit)
    cloud.stop()
    recovery, lake = _settle(layout)
    _report(layout, tally, recovery, lake, arguments.kills)


if __name__ == "__main__":
    main()
