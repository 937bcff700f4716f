"""`sma events test-pattern`, `sma replay`, `sma logs`, `sma metrics`: the bus from the command line.

They work on the local cloud's state directory, so they run beside a running local cloud: a replay is
queued durably and delivered by the process that owns the targets.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

from integrations.errors import ServiceError

events_app = typer.Typer(
    help="EventBridge on the local cloud: patterns, rules, archives.", no_args_is_help=True
)
DEFAULT_BUS = "Plumbing"


def _argument(value: str) -> str:
    """A literal, or the contents of a file given as `@path` or `file://path` (as the AWS CLI reads)."""
    for prefix in ("file://", "@"):
        if value.startswith(prefix):
            path = Path(value.removeprefix(prefix))
            try:
                return path.read_text(encoding="utf-8")
            except OSError as error:
                raise typer.BadParameter(f"cannot read {path}: {error.strerror}") from None
    return value


def _fail(operation: str, error: ServiceError) -> typer.Exit:
    message = f"An error occurred ({error.code}) when calling the {operation} operation: {error.message}"
    typer.echo(message, err=True)
    return typer.Exit(2)


@events_app.command("test-pattern")
def test_pattern(
    pattern: str = typer.Option(..., "--pattern", help="The event pattern: JSON, @file or file://file."),
    event: str = typer.Option(..., "--event", help="The event: JSON, @file or file://file."),
) -> None:
    """Print whether EVENT matches PATTERN (`true` / `false`), like `aws events test-event-pattern`.

    As there, the event is an envelope with id, account, source, time, region and detail-type
    (`resources` and `detail` may be left out, as AWS allows).
    """
    from integrations.patterns.compiler import MANDATORY_EVENT_FIELDS, test_event_pattern

    try:
        result = test_event_pattern(_argument(pattern), _argument(event))
    except ServiceError as error:
        if error.code == "ValidationException":
            typer.echo(f"The event must be a JSON object with {', '.join(MANDATORY_EVENT_FIELDS)}.", err=True)
        raise _fail("TestEventPattern", error) from None
    typer.echo("true" if result else "false")


@events_app.command("put")
def put(
    source: str = typer.Option(..., "--source", help="The event's source."),
    detail_type: str = typer.Option(..., "--detail-type", help="The event's detail-type."),
    detail: str = typer.Option("{}", "--detail", help="The detail: a JSON object, @file or file://file."),
    bus: str = typer.Option(DEFAULT_BUS, "--bus", help="The event bus."),
) -> None:
    """Put one event on the bus (PutEvents): it is archived and queued for the rules it matches."""
    from sma.local_state import open_bus

    with open_bus(bus) as event_bus:
        try:
            response = event_bus.put_events(
                Entries=[{"Source": source, "DetailType": detail_type, "Detail": _argument(detail)}]
            )
        except ServiceError as error:
            raise _fail("PutEvents", error) from None
        (result,) = response["Entries"]
        if "ErrorCode" in result:
            raise _fail("PutEvents", ServiceError("events", result["ErrorCode"], result["ErrorMessage"]))
        queued = event_bus.pending()
    typer.echo(result["EventId"])
    Console(stderr=True).print(
        f"{queued} deliveries waiting; the local cloud delivers them.", highlight=False
    )


@events_app.command("rules")
def rules(bus: str = typer.Option(DEFAULT_BUS, help="The event bus.")) -> None:
    """List the bus's rules, their state, pattern and targets."""
    from sma.local_state import open_bus

    with open_bus(bus) as event_bus:
        table = Table(title=f"Rules on {bus}")
        for column in ("Rule", "State", "Event pattern", "Targets"):
            table.add_column(column, overflow="fold")
        for rule in event_bus.list_rules()["Rules"]:
            targets = event_bus.list_targets_by_rule(rule["Name"])["Targets"]
            table.add_row(
                rule["Name"], rule["State"], rule["EventPattern"], "\n".join(t["Arn"] for t in targets)
            )
        Console().print(table)


@events_app.command("archives")
def archives(bus: str = typer.Option(DEFAULT_BUS, help="The event bus.")) -> None:
    """List the bus's archives: pattern, retention and how many events each holds."""
    from sma.local_state import open_bus

    with open_bus(bus) as event_bus:
        table = Table(title=f"Archives of {bus}")
        for column in ("Archive", "Event pattern", "Retention (days)", "Events", "Bytes"):
            table.add_column(column, overflow="fold")
        for name in sorted(event_bus.archives.by_name):
            archive = event_bus.describe_archive(name)
            retention = str(archive["RetentionDays"] or "indefinite")
            pattern = archive.get("EventPattern", "(all events)")
            table.add_row(name, pattern, retention, str(archive["EventCount"]), str(archive["SizeBytes"]))
        Console().print(table)


@events_app.command("dead-letters")
def dead_letters(
    bus: str = typer.Option(DEFAULT_BUS, help="The event bus."),
    queue: str | None = typer.Option(None, help="Only this dead-letter queue (ARN)."),
) -> None:
    """What was given up on: events no rule target would take (the error, the rule and target, the
    event), and stream records the ingest pipe could not deliver (the error, shard, sequence, record)."""
    from sma.local_state import open_bus

    with open_bus(bus) as event_bus:
        letters = event_bus.dead_letters(queue)
    pipe_letters = _pipe_dead_letters(queue)
    console = Console(highlight=False)
    if not letters and not pipe_letters:
        console.print("No dead letters.")
    for letter in letters:
        attributes = letter["Attributes"]
        event = letter["Body"]
        console.print(
            f"[bold red]{attributes['ERROR_CODE']}[/] {attributes['ERROR_MESSAGE']} "
            f"([dim]{attributes['EXHAUSTED_RETRY_CONDITION']}, {attributes['RETRY_ATTEMPTS']} retries[/])",
        )
        console.print(f"  rule {attributes['RULE_ARN']} → {attributes['TARGET_ARN']}", markup=False)
        console.print(
            f"  {event.get('detail-type')} {event.get('id')}: {json.dumps(event.get('detail'))}", markup=False
        )
    for pipe_letter in pipe_letters:
        context, batch = pipe_letter.batch_info["context"], pipe_letter.batch_info["KinesisBatchInfo"]
        console.print(
            f"[bold red]{context['condition']}[/] pipe {pipe_letter.pipe} "
            f"([dim]{context['attempts']} attempts, {context['timestamp']}[/])"
        )
        console.print(f"  {context['errorMessage']}", markup=False)
        console.print(
            f"  {batch['shardId']} sequence {batch['startSequenceNumber']} to {batch['endSequenceNumber']}, "
            f"{batch['batchSize']} record(s)",
            markup=False,
        )
        for record in pipe_letter.records:
            console.print(f"  record {record['sequenceNumber']}: {_record_text(record)}", markup=False)


PREVIEW_CHARACTERS = 300


def _pipe_dead_letters(queue: str | None) -> list[Any]:
    """The pipes' dead letters (all of them, or none when `queue` names another queue)."""
    from infra.topology import TOPOLOGY
    from integrations.pipes.checkpoints import Checkpoints
    from sma.local_state import state_layout

    if queue and not queue.endswith(f":{TOPOLOGY.pipe.dead_letter_queue}"):
        return []
    path = state_layout().pipe_checkpoints
    if not path.exists():
        return []
    checkpoints = Checkpoints(path)
    try:
        return checkpoints.all_dead_letters()
    finally:
        checkpoints.close()


def _record_text(record: dict[str, Any]) -> str:
    """A record's data as text: decoded UTF-8 (undecodable bytes shown as U+FFFD), cut to a preview."""
    import base64
    import binascii

    try:
        text = base64.b64decode(record.get("data", ""), validate=True).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return "(data is not base64)"
    return (
        text if len(text) <= PREVIEW_CHARACTERS else text[:PREVIEW_CHARACTERS] + f"… ({len(text)} characters)"
    )


def _pick_archive(event_bus: Any, archive: str | None) -> str:
    names = sorted(event_bus.archives.by_name)
    if archive:
        return archive
    if len(names) == 1:
        return names[0]
    raise typer.BadParameter(
        f"choose the archive with --archive (the bus has {', '.join(names) or 'no archives'})",
        param_hint="--archive",
    )


def replay(
    *,
    start: Annotated[str, typer.Option("--from", help="Replay events from this time (ISO 8601).")],
    end: Annotated[str, typer.Option("--to", help="... up to (not including) this time (ISO 8601).")],
    rule: Annotated[
        list[str] | None, typer.Option("--rule", help="Replay to this rule only (repeatable).")
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="The replay's name (default: replay-<time>).")
    ] = None,
    archive: Annotated[
        str | None, typer.Option("--archive", help="The archive (default: the bus's only one).")
    ] = None,
    bus: Annotated[str, typer.Option("--bus", help="The event bus.")] = DEFAULT_BUS,
) -> None:
    """Replay archived events of a time window to the bus's rules, marked with `replay-name`."""
    from sma.local_state import open_bus

    with open_bus(bus) as event_bus:
        replay_name = name or datetime.now(UTC).strftime("replay-%Y%m%dT%H%M%S")
        destination: dict[str, Any] = {"Arn": event_bus.arn}
        if rule:
            destination["FilterArns"] = [event_bus.identity.rule_arn(r) for r in rule]
        before = event_bus.pending()
        source = _pick_archive(event_bus, archive)
        with Progress(transient=True) as bar:
            task = bar.add_task(f"Replaying {source}", total=None)
            try:
                response = event_bus.start_replay(
                    ReplayName=replay_name,
                    EventSourceArn=source,
                    EventStartTime=start,
                    EventEndTime=end,
                    Destination=destination,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
            except ServiceError as error:
                raise _fail("StartReplay", error) from None
        queued = event_bus.pending() - before
    console = Console()
    console.print(f"[bold]{replay_name}[/] {response['State']}: {response['StateReason']}")
    console.print(f"{queued} deliveries queued; the local cloud delivers them to the rules' targets.")
    console.print(response["ReplayArn"], highlight=False)


def logs(
    follow: bool = typer.Option(False, "--follow", "-f", help="Keep printing new events as they arrive."),
    detail_type: str | None = typer.Option(None, "--detail-type", help="Only events of this detail-type."),
    limit: int = typer.Option(20, "--limit", min=1, help="How many of the latest events to print first."),
    raw: bool = typer.Option(False, "--json", help="Print the events as JSON lines."),
    group: str | None = typer.Option(None, "--group", help="The log group (default: the latest written)."),
) -> None:
    """Print the catch-all log: every event the bus delivered, newest last."""
    from integrations.bus.observability import EventLog, latest_log_group
    from sma.local_state import state_layout

    folder = state_layout().logs
    log = EventLog(group or latest_log_group(folder) or f"/aws/events/{DEFAULT_BUS}", folder)
    console = Console(highlight=False)

    def show(event: dict[str, Any]) -> None:
        if raw:
            typer.echo(json.dumps(event))
            return
        replay = event.get("replay-name")
        replay_name = f" [magenta](replay {escape(str(replay))})[/]" if replay is not None else ""
        console.print(
            f"[dim]{escape(str(event.get('time')))}[/] [bold cyan]{escape(str(event.get('detail-type')))}[/] "
            f"[green]{escape(str(event.get('source')))}[/] {escape(str(event.get('id')))}{replay_name}"
        )
        console.print(f"  {json.dumps(event.get('detail'))}", markup=False)

    for event in log.read(detail_type, limit):
        show(event)
    if follow:
        try:
            for event in log.follow(detail_type):
                show(event)
        except KeyboardInterrupt:
            return


def metrics(
    minutes: int = typer.Option(15, "--minutes", min=1, max=1440, help="How many minutes to show."),
) -> None:
    """Events per detail-type per minute (the metric filters), with a sparkline of the last N minutes."""
    from integrations.bus.observability import NAMESPACE, Metrics, sparkline
    from sma.local_state import state_layout

    counters = Metrics(state_layout().logs)
    try:
        series = counters.series(minutes)
        totals = counters.totals()
    finally:
        counters.close()
    table = Table(title=f"{NAMESPACE}: events per minute, last {minutes} min")
    table.add_column("Metric (detail-type)")
    table.add_column(f"Last {minutes} min", justify="right")
    table.add_column("All time", justify="right")
    table.add_column("Per minute", no_wrap=True)
    for metric, total in totals.items():
        values = series.get(metric, [0] * minutes)
        table.add_row(Text(metric), str(sum(values)), str(total), sparkline(values))  # a name, not markup
    if not totals:
        table.caption = "No events logged yet."
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(events_app, name="events")
    app.command("replay")(replay)
    app.command("logs")(logs)
    app.command("metrics")(metrics)
