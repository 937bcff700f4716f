"""The local cloud from the command line: `sma up`, `sma send`, `sma executions`, `sma execution ID` and
`sma outbox`. State is read from (and written to) `$SMA_HOME`, default `.sma/`."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from integrations.files import write_atomically
from sma.local_state import state_layout

if TYPE_CHECKING:
    from infra.local.layout import StateLayout

console = Console()


def _home() -> Path:
    return state_layout().home


# Local secrets may live in a `.env` file in the folder `sma` runs from (README: Configuration).
ENV_FILE = Path(".env")


def _secrets() -> Any:
    """The local account's Secrets Manager client, for commands that run no cloud of their own."""
    from infra.local.account import LocalAccount

    return LocalAccount(state_layout(), env_file=ENV_FILE).client("secretsmanager")


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]{escape(message)}[/red]")
    return typer.Exit(2)


def _feed_line(kind: str, document: dict[str, Any]) -> str | None:
    """One line of `sma up`'s live feed."""
    if kind == "execution":
        machine = document["stateMachineArn"].rsplit(":", 1)[-1]
        elapsed = (document["stopDate"] - document["startDate"]).total_seconds()
        colour = "green" if document["status"] == "SUCCEEDED" else "red"
        error = (
            f" {document.get('error')}: {document.get('cause', '')[:120]}" if document.get("error") else ""
        )
        return f"[{colour}]⚙ {machine} {document['status']}[/{colour}] in {elapsed:.2f} s{escape(error)}"
    detail_type = str(document.get("detail-type"))
    detail = document.get("detail", {})
    summaries = {
        "MESSAGE_RECEIVED": lambda: f"from @{detail.get('Author')}: {detail.get('Text', '')[:80]}",
        "MESSAGE_DUPLICATE": lambda: (
            f"@{detail.get('Author')}'s {detail.get('Twitter', {}).get('TweetId')} again: already ingested"
        ),
        "MESSAGE_ANALYSED": lambda: (
            f"{detail.get('Analysis', {}).get('TextSentiment')} "
            f"({len(detail.get('Analysis', {}).get('Images', []))} photos)"
        ),
        "SEND_TWEET": lambda: detail.get("Text", ""),
        "TWEET_SENT": lambda: "posted" if detail.get("Result", {}).get("Posted") else "queued in the outbox",
        "TWEET_FAILED": lambda: f"{detail.get('Error')}: {detail.get('Cause', '')[:80]}",
    }
    summary = summaries.get(detail_type, lambda: "")()
    return f"[cyan]● {detail_type}[/cyan] {escape(str(summary))}"


SIGNAL_POLL_SECONDS = 0.25


def up(
    port: Annotated[int, typer.Option(help="The webhook endpoint's port (0: any free port).")] = 8787,
    gallery: Annotated[bool, typer.Option(help="Enrol the demo gallery's known faces.")] = True,
) -> None:
    """Serve the bot: print the webhook URL and a live feed of events, executions, alerts and replies."""
    from infra.local.media_server import MediaPortTaken
    from infra.local.session import GALLERY, local_session
    from infra.local.state_lock import StateFolderInUse

    layout = state_layout()
    home = layout.home
    stopping = _stop_on_signals()
    with console.status("Starting the local cloud…"):
        context = local_session(layout, port=port, gallery=GALLERY if gallery else None, env_file=ENV_FILE)
        try:
            session = context.__enter__()
        except (StateFolderInUse, MediaPortTaken) as error:
            raise _fail(str(error)) from None
    left = 0
    try:
        cloud = session.cloud
        # Whole or absent: `sma send` and scripts read it while `sma up` runs.
        write_atomically(
            layout.endpoint_file,
            json.dumps(
                {"webhook": cloud.webhook_url, "media": session.media.origin, "pid": os.getpid()}
            ).encode(),
        )
        console.print(f"Webhook endpoint: [bold]{cloud.webhook_url}[/bold]   (state in {home})")
        console.print(f"Sample photos served at {session.media.origin}/media/")
        console.print("Send a message with [bold]sma send --text 'tell me a joke'[/bold]; Ctrl-C stops.")
        cloud.on(_print_feed)
        cloud.topics.subscribe_callable(
            cloud.names.topic_arn(cloud.topology.topics[0].name),
            lambda notification: console.print(
                f"[red]⚠ ALERT {escape(str(notification.get('Message')))}[/red]"
            ),
        )
        _wait_for_a_signal(stopping)
    finally:
        console.print("Stopping: no new work; the executions running now get 30 s to finish…")
        layout.endpoint_file.unlink(missing_ok=True)
        context.__exit__(None, None, None)
        left = session.stopped_with
    if left:
        console.print(
            f"Stopped; {left} unfinished execution(s) resume at the next `sma up`. Nothing was lost."
        )
        sys.stdout.flush()
        # Their threads are abandoned (nothing they do is recorded): do not wait for them to wind down.
        os._exit(0)
    console.print("Stopped; what is still queued is carried on by the next `sma up`. Nothing was lost.")


def _wait_for_a_signal(stopping: threading.Event) -> None:
    # Linux may deliver a signal to any of the cloud's threads, and Python runs its handler in the main
    # thread only when that thread next runs: a wait without a timeout could sleep through it for good.
    while not stopping.wait(SIGNAL_POLL_SECONDS):
        pass


def _stop_on_signals() -> threading.Event:
    """An event set by SIGINT or SIGTERM. The handlers are installed, not inherited, so a `sma up` started
    with SIGINT ignored (as a background job is) still stops on it; no KeyboardInterrupt ever lands in
    the middle of the work, and a second signal while stopping is only acknowledged."""
    stopping = threading.Event()

    def ask(signum: int, _frame: object) -> None:
        if stopping.is_set():
            console.print(f"Still stopping ({signal.Signals(signum).name} again): finishing cleanly…")
        stopping.set()

    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, ask)
    return stopping


def _print_feed(kind: str, document: dict[str, Any]) -> None:
    line = _feed_line(kind, document)
    if line:
        console.print(line)


def _running_endpoint(layout: StateLayout) -> dict[str, Any] | None:
    """The endpoint of a running `sma up`, if one is running for this state directory."""
    path = layout.endpoint_file
    if not path.is_file():
        return None
    endpoint = json.loads(path.read_text())
    try:
        os.kill(int(endpoint["pid"]), 0)
    except (OSError, ValueError, KeyError):
        return None
    return endpoint


def send(
    file: Annotated[
        Path | None, typer.Argument(help="A webhook payload (JSON), e.g. examples/payloads/aaa/mention.json.")
    ] = None,
    text: Annotated[str | None, typer.Option(help="Send a mention of the account with this text.")] = None,
    image: Annotated[
        list[Path] | None, typer.Option(help="A photo to attach to --text (repeatable).")
    ] = None,
    author: Annotated[str, typer.Option(help="The screen name the mention comes from.")] = "local_user",
) -> None:
    """Send one webhook to the bot, signed as X signs it: to a running `sma up`, or a cloud started for it."""
    from infra.local.media_server import publish
    from infra.local.webhooks import consumer_secret, mention, with_local_media

    if (file is None) == (text is None):
        raise _fail("give either a payload FILE or --text")
    if image and text is None:
        raise _fail("--image goes with --text")
    if file is not None and not file.is_file():
        raise _fail(f"no such file: {file}")
    for photo in image or []:
        if not photo.is_file():
            raise _fail(f"no such image: {photo}")
    if file is not None:
        try:
            payload = json.loads(file.read_text())
        except json.JSONDecodeError as error:
            raise _fail(f"{file} is not valid JSON: {error}") from None
    layout = state_layout()
    endpoint = _running_endpoint(layout)
    if endpoint is not None:
        urls = [publish(photo, layout.media_host, endpoint["media"]) for photo in image or []]
        payload = mention(text, urls, author=author) if text is not None else payload
        _post(endpoint["webhook"], with_local_media(payload, endpoint["media"]), consumer_secret(_secrets()))
        console.print("Sent: follow it in the `sma up` window, or with `sma executions`.")
        return
    _send_with_own_cloud(layout, payload if file is not None else None, text, image or [], author)


def _post(webhook: str, payload: Any, secret: str) -> None:
    from infra.local.webhooks import deliver

    status, answer = deliver(webhook, json.dumps(payload).encode(), secret)
    console.print(f"POST {webhook} → {status} {escape(answer)}")
    if status != 200:
        raise typer.Exit(1)


def _send_with_own_cloud(
    layout: StateLayout, payload: Any, text: str | None, images: list[Path], author: str
) -> None:
    from infra.local.session import local_session
    from infra.local.webhooks import mention, with_local_media
    from sma.commands.report import print_message

    console.print("No `sma up` is running: starting the local cloud for this message.")
    with local_session(layout, env_file=ENV_FILE, record=True) as session:
        if text is not None:
            payload = mention(text, [session.media.publish(photo) for photo in images], author=author)
        _post(session.cloud.webhook_url, with_local_media(payload, session.media.origin), session.secret)
        with console.status("Waiting for the bot to finish…"):
            session.cloud.settle(timeout=600)
        received = session.recorder.of_type("MESSAGE_RECEIVED")
        raw = [e["detail-type"] for e in session.recorder.events if e["detail-type"].startswith("TWITTER_")]
        ids = [event["detail"]["Twitter"]["TweetId"] for event in received]
        print_message(console, session.recorder, "What happened", ids, raw)


def executions(
    state_machine: Annotated[str | None, typer.Option("--state-machine", "-s", help="Only this one.")] = None,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 30,
) -> None:
    """List the executions of the local state machines, newest first."""
    from infra.local.arns import AccountIdentity

    store = _execution_store()
    arn = AccountIdentity().state_machine_arn(state_machine) if state_machine else None
    rows = store.list(arn, limit=limit)
    if not rows:
        console.print("No executions yet: send a message with `sma send` or run `sma demo`.")
        return
    table = Table(title=f"Executions in {_home()}", title_justify="left")
    for column in ("name", "state machine", "status", "started", "duration", "transitions", "error"):
        table.add_column(column, no_wrap=column != "error")
    for row in rows:
        table.add_row(
            row["name"][:8],
            row["state_machine_arn"].rsplit(":", 1)[-1],
            row["status"],
            row["start_date"][11:19],
            _duration(row),
            str(row["transitions"] or ""),
            escape(row["error"] or ""),
        )
    console.print(table)


def _duration(row: dict[str, Any]) -> str:
    if not row.get("stop_date"):
        return "running"
    seconds = (
        datetime.fromisoformat(row["stop_date"]) - datetime.fromisoformat(row["start_date"])
    ).total_seconds()
    return f"{seconds:.2f} s"


def _execution_store() -> Any:
    from integrations.stepfunctions.store import ExecutionStore

    path = state_layout().executions
    if not path.is_file():
        raise _fail(f"no executions recorded under {_home()} (run `sma demo`, or `sma up` and `sma send`)")
    return ExecutionStore(path)


class _StoredExecution:
    """An execution record with its history's timestamps as datetimes again, for the trace printer."""

    def __init__(self, row: dict[str, Any]) -> None:
        self.history = [
            {**event, "timestamp": datetime.fromisoformat(str(event["timestamp"]))}
            for event in row["history"] or []
        ]


def execution(
    name: Annotated[str, typer.Argument(help="An execution's name, ARN, or the start of either.")],
) -> None:
    """Show one execution: the path it took, state by state, with its input and output."""
    from sma.commands.workflow import print_trace

    row = _execution_store().find(name)
    if row is None:
        raise _fail(f"no single execution matches {name!r}: see `sma executions`")
    colour = "green" if row["status"] == "SUCCEEDED" else "red"
    console.print(f"{row['arn']}\n[{colour}]{row['status']}[/{colour}] in {_duration(row)}")
    if row["history"]:
        print_trace(console, _StoredExecution(row))
    console.print("Input:")
    console.print_json(json.dumps(row["input"]))
    if row["status"] == "SUCCEEDED":
        console.print("Output:")
        console.print_json(json.dumps(row["output"]))
    elif row["error"]:
        console.print(f"Error: {escape(row['error'])}\nCause: {escape(str(row['cause']))}")


def outbox(limit: Annotated[int, typer.Option(help="How many, newest last.")] = 20) -> None:
    """The replies the bot queued instead of posting (no X credentials are configured locally)."""
    path = state_layout().outbox / "outbox.jsonl"
    if not path.is_file():
        console.print(f"The outbox is empty ({path} does not exist).")
        return
    entries = [json.loads(line) for line in path.read_text().splitlines() if line.strip()][-limit:]
    table = Table(title=f"Outbox: {path}", title_justify="left")
    for column in ("queued", "in reply to", "text", "image"):
        table.add_column(column, overflow="fold")
    for entry in entries:
        table.add_row(
            str(entry.get("QueuedAt", "")),
            str(entry.get("ReplyToTweetId")),
            escape(str(entry.get("Text"))),
            str(entry.get("Image") or ""),
        )
    console.print(table)
    console.print(
        "Replies go here because no X credentials that can post are configured (the README says how to post)."
    )


def register(app: typer.Typer) -> None:
    app.command("up")(up)
    app.command("send")(send)
    app.command("executions")(executions)
    app.command("execution")(execution)
    app.command("outbox")(outbox)
