"""`sma demo`: the whole bot on the bundled samples, through the real webhook endpoint.

A fresh local cloud starts under `$SMA_HOME/demo`; every payload in `examples/payloads/` is signed with
the local consumer secret and POSTed to the webhook as X would; when everything has settled the demo
prints, per sample, what the bot made of it (analysis, alert, reply and reply photo) and then asks the
data lake a question in SQL. Nothing is posted to X: replies go to the outbox.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table

from sma.commands.report import print_message

if TYPE_CHECKING:
    from infra.local.session import Session

SAMPLES = Path(__file__).resolve().parents[2] / "examples" / "payloads"

LAKE_QUESTION = """SELECT "detail-type", COUNT(*) AS events
FROM "analysed-messages-table"
GROUP BY "detail-type"
ORDER BY events DESC, "detail-type\""""

# The first of the seeds' Athena queries (seed 001), unchanged.
SEED_QUERY = """SELECT time, detail.author, celebrityfaces.name
FROM "analysed-messages-table"
CROSS JOIN UNNEST(detail.analysis.images) as t(images)
CROSS JOIN UNNEST(images.analysis.celebrityfaces) as t(celebrityfaces)
WHERE "detail-type" = 'MESSAGE_ANALYSED'
ORDER BY time DESC"""


def _items(payload: dict[str, Any]) -> list[Any]:
    """The activity items a webhook payload carries (what the raw TWITTER_<KIND> events hold)."""
    if "data" in payload:
        return [payload["data"]]
    items: list[Any] = []
    for key, value in payload.items():
        if key.endswith("_events") and isinstance(value, list):
            items.extend(value)
        elif key == "user_event":
            items.append(value)
    return items


def _tweet_ids(payload: dict[str, Any]) -> list[str]:
    if "data" in payload:
        return [str(payload["data"].get("payload", {}).get("id", ""))]
    return [str(item.get("id_str")) for item in payload.get("tweet_create_events", [])]


def _print_table(console: Console, title: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(value) for value in row))
    console.print(table)


def _send_samples(console: Console, session: Session) -> list[dict[str, Any]]:
    """POST every sample, eight at a time (each POST waits tens of ms for its durable record), and
    print the answers in the samples' order."""
    from infra.local.webhooks import deliver, sample_payloads, with_local_media

    paths = sample_payloads(SAMPLES)
    payloads = [with_local_media(json.loads(path.read_text()), session.media.origin) for path in paths]

    def post(payload: dict[str, Any]) -> tuple[int, str]:
        return deliver(session.cloud.webhook_url, json.dumps(payload).encode(), session.secret)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(post, payloads))
    sent = []
    for path, payload, (status, answer) in zip(paths, payloads, answers, strict=True):
        console.print(f"  POST {path.relative_to(SAMPLES)} → {status} {answer}")
        sent.append({"name": str(path.relative_to(SAMPLES)), "payload": payload})
    if any(status != 200 for status, _ in answers):
        raise typer.Exit(1)
    return sent


def _report(console: Console, session: Session, sent: list[dict[str, Any]], seconds: float) -> bool:
    """Print each sample's story, the totals and the lake's answers; True when every execution succeeded."""
    from infra.local.lake import lake_tables
    from infra.topology import TOPOLOGY
    from integrations.athena import run_query

    recorder = session.recorder
    lake = lake_tables(session.cloud.bucket(TOPOLOGY.delivery_stream.bucket))
    for sample in sent:
        items = _items(sample["payload"])
        raw = [
            event["detail-type"]
            for event in recorder.events
            if event["detail-type"].startswith("TWITTER_") and event["detail"] in items
        ]
        print_message(console, recorder, sample["name"], _tweet_ids(sample["payload"]), raw)
    failed = [e for e in recorder.executions if e["status"] != "SUCCEEDED"]
    console.print(
        f"{len(recorder.events)} events, {len(recorder.executions)} executions ({len(failed)} not "
        f"succeeded), {len(recorder.alerts)} alerts, in {seconds:.1f} s."
    )
    for execution in failed:
        cause = str(execution.get("cause", ""))[:200]
        console.print(f"[red]  {execution['executionArn']}: {execution.get('error')} {cause}[/red]")
    for title, sql in (
        ("The data lake, asked in SQL: events per detail-type", LAKE_QUESTION),
        ("The seeds' query: who was recognised in photos", SEED_QUERY),
    ):
        columns, rows = run_query(sql, lake, store=session.cloud.objects)
        _print_table(console, title, columns, rows)
    return not failed


def demo(
    keep: bool = typer.Option(
        False, "--keep", help="Keep the previous demo's state instead of starting fresh."
    ),
) -> None:
    """Run the whole bot on the bundled samples and print what happened."""
    from sma.local_state import state_layout

    console = Console()
    layout = state_layout().demo
    home = layout.home
    if not keep:
        shutil.rmtree(home, ignore_errors=True)
    # The demo's cloud keeps its state under its own layout; real X credentials from the environment are
    # ignored, so the demo can never post to X. The functions' info logs would drown the report: only
    # their warnings and errors are shown.
    os.environ.pop("SMA_SECRET_SMA_X_CREDENTIALS", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    from infra.local.session import local_session  # after LOG_LEVEL: the functions' loggers read it once

    console.rule("[bold]Serverless Message Analyser: demo")
    started = time.monotonic()
    with console.status("Starting the local cloud and enrolling the demo gallery…"):
        context = local_session(layout, record=True)
        session = context.__enter__()
    try:
        console.print(f"Webhook endpoint: {session.cloud.webhook_url}   (state in {home})")
        console.print(f"Known faces enrolled from examples/gallery: {', '.join(session.enrolled) or 'none'}")
        sent = _send_samples(console, session)
        with console.status("Waiting for every message to be analysed, answered and delivered…"):
            settled = session.cloud.settle(timeout=600)
            session.cloud.flush_lake()
        if not settled:
            console.print("[red]The local cloud did not settle within 10 minutes.[/red]")
            raise typer.Exit(1)
        console.print()
        succeeded = _report(console, session, sent, time.monotonic() - started)
        console.print(
            f"Replies (not posted: the demo has no X credentials): {layout.outbox / 'outbox.jsonl'}"
        )
        if not succeeded:
            raise typer.Exit(1)
    finally:
        context.__exit__(None, None, None)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
