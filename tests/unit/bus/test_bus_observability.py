"""The catch-all log and the per-detail-type metrics, and the `sma logs` / `sma metrics` / `sma replay`
commands over them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import typer
from typer.testing import CliRunner

from infra.local.arns import AccountIdentity
from integrations.bus import EventBus, ManualClock
from integrations.bus.observability import EventLog, Metrics, Observer, attach_observability, sparkline
from sma.commands import events

runner = CliRunner()


def cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """The commands under test."""

    events.register(app)
    return app


def fill(sma_home: Path, bus: EventBus, clock: ManualClock) -> None:
    attach_observability(bus, sma_home / "logs")
    bus.put_event("TWITTER", "MESSAGE_RECEIVED", {"Text": "one"})
    bus.put_event("TWITTER", "MESSAGE_RECEIVED", {"Text": "two"})
    clock.advance(120)
    bus.put_event("BOT", "SEND_TWEET", {"Text": "reply"})
    bus.put_event("TWITTER", "MESSAGE_RECEIVED", {"Text": "three"})
    assert bus.drain() == 4


def test_every_event_is_logged_once_as_a_json_line(bus: EventBus, clock: ManualClock, sma_home: Path) -> None:
    fill(sma_home, bus, clock)
    lines = (sma_home / "logs" / "aws-events-Plumbing.jsonl").read_text().splitlines()
    assert [json.loads(line)["detail"]["Text"] for line in lines] == ["one", "two", "reply", "three"]
    log = EventLog("/aws/events/Plumbing", sma_home / "logs")
    assert [e["detail"]["Text"] for e in log.read(detail_type="MESSAGE_RECEIVED", limit=2)] == [
        "two",
        "three",
    ]
    assert log.read(detail_type="NOPE") == []


def test_metrics_count_per_detail_type_per_minute(sma_home: Path, bus: EventBus, clock: ManualClock) -> None:
    fill(sma_home, bus, clock)
    metrics = Metrics(sma_home / "logs")
    series = metrics.series(minutes=3, now=clock.now())
    assert series == {"MESSAGE_RECEIVED": [2, 0, 1], "SEND_TWEET": [0, 0, 1]}
    assert metrics.totals() == {"MESSAGE_RECEIVED": 3, "SEND_TWEET": 1}
    metrics.close()


def test_replays_are_logged_with_their_name(sma_home: Path, bus: EventBus, clock: ManualClock) -> None:
    bus.create_archive(ArchiveName="all")
    fill(sma_home, bus, clock)
    bus.start_replay(ReplayName="again", EventSourceArn="all", EventStartTime=0, EventEndTime=clock.now() + 1)
    assert bus.drain() == 4
    logged = EventLog("/aws/events/Plumbing", sma_home / "logs").read()
    assert [e.get("replay-name") for e in logged] == [None] * 4 + ["again"] * 4


def test_follow_yields_only_new_complete_lines(tmp_path: Path) -> None:
    log = EventLog("g", directory=tmp_path)
    log.write({"detail-type": "OLD"})
    polls: list[float] = []

    def sleep(seconds: float) -> None:
        polls.append(seconds)
        if len(polls) == 1:
            log.write({"detail-type": "A"})
            with log.path.open("a") as handle:
                handle.write('{"detail-type": "PART')  # a line still being written
        elif len(polls) == 2:
            with log.path.open("a") as handle:
                handle.write('IAL"}\n')

    followed = list(log.follow(sleep=sleep, stop=lambda: len(polls) >= 3))
    assert [e["detail-type"] for e in followed] == ["A", "PARTIAL"]


def test_sparkline_scales_to_the_peak() -> None:
    assert sparkline([0, 1, 4, 8]) == " ▁▄█"
    assert sparkline([0, 0]) == "  "
    assert sparkline([3]) == "█"


def test_logs_command_prints_the_latest_events(sma_home: Path, bus: EventBus, clock: ManualClock) -> None:
    fill(sma_home, bus, clock)
    result = runner.invoke(cli(), ["logs", "--limit", "2", "--json"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["detail"]["Text"] for line in result.output.splitlines()] == ["reply", "three"]
    result = runner.invoke(cli(), ["logs", "--detail-type", "SEND_TWEET"])
    assert result.exit_code == 0
    assert "SEND_TWEET" in result.output and "MESSAGE_RECEIVED" not in result.output
    assert '{"Text": "reply"}' in result.output


def test_metrics_command_shows_a_table_with_sparklines(sma_home: Path) -> None:
    # The command reads the wall clock: put the events in the current minute.
    with EventBus(
        "Plumbing", directory=sma_home / "bus", clock=ManualClock(datetime.now(UTC).timestamp())
    ) as bus:
        attach_observability(bus, sma_home / "logs")
        for _ in range(3):
            bus.put_event("TWITTER", "MESSAGE_RECEIVED", {})
        assert bus.drain() == 3
    result = runner.invoke(cli(), ["metrics", "--minutes", "5"], terminal_width=140)
    assert result.exit_code == 0, result.output
    assert "ServerlessMessageAnalyser" in result.output
    row = next(line for line in result.output.splitlines() if "MESSAGE_RECEIVED" in line)
    assert "█" in row and " 3 " in row


def test_metrics_command_with_nothing_logged(sma_home: Path) -> None:
    result = runner.invoke(cli(), ["metrics"])
    assert result.exit_code == 0
    assert "No events logged yet." in result.output


def test_replay_command_queues_a_replay_for_the_running_cloud(sma_home: Path, clock: ManualClock) -> None:
    with EventBus("Plumbing", directory=sma_home / "bus", clock=clock) as bus:
        bus.create_archive(ArchiveName="all")
        bus.put_rule(Name="received", EventPattern={"detail-type": ["MESSAGE_RECEIVED"]})
        bus.put_targets(Rule="received", Targets=[{"Id": "sfn", "Arn": "arn:sfn"}])
        bus.put_rule(Name="other", EventPattern={"source": ["TWITTER"]})
        bus.put_targets(Rule="other", Targets=[{"Id": "sfn", "Arn": "arn:other"}])
        bus.put_event("TWITTER", "MESSAGE_RECEIVED", {"Text": "again"})
        for arn in ("arn:sfn", "arn:other"):
            bus.register_target(arn, lambda payload: None)
        assert bus.drain() == 2  # the live deliveries
    result = runner.invoke(
        cli(),
        ["replay", "--from", "2025-12-31T23:00:00Z", "--to", "2026-01-01T01:00:00Z", "--rule", "received",
         "--name", "fix"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "fix COMPLETED: Replayed 1 events." in result.output
    assert "1 deliveries queued" in result.output
    # The replay's ARN is in the local account's region and account (infra/local/arns.py), not a
    # service's own default; EventBridge's ARN format: arn:aws:events:<region>:<account>:replay/<name>
    # (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_StartReplay.html).
    identity = AccountIdentity()
    assert f"arn:aws:events:{identity.region}:{identity.account_id}:replay/fix" in result.output
    assert identity.region == "eu-west-2"
    received: list[dict] = []
    # The local cloud, with its targets, on the same wall clock as the CLI.
    with EventBus("Plumbing", directory=sma_home / "bus") as bus:
        bus.register_target("arn:sfn", received.append)
        bus.register_target("arn:other", received.append)
        assert bus.drain() == 1
    assert received[0]["replay-name"] == "fix"


def test_replay_command_errors(sma_home: Path) -> None:
    with EventBus("Plumbing", directory=sma_home / "bus") as bus:
        bus.create_archive(ArchiveName="a")
        bus.create_archive(ArchiveName="b")
    window = ["--from", "2026-01-01T00:00:00Z", "--to", "2025-01-01T00:00:00Z"]
    result = runner.invoke(cli(), ["replay", *window])
    assert result.exit_code == 2
    assert "--archive" in result.output
    result = runner.invoke(cli(), ["replay", *window, "--archive", "a"])
    assert result.exit_code == 2
    assert "EventStartTime must be before EventEndTime" in result.stderr


def test_rules_archives_and_dead_letters_commands(sma_home: Path, clock: ManualClock) -> None:
    with EventBus("Plumbing", directory=sma_home / "bus", clock=clock) as bus:
        bus.create_archive(
            ArchiveName="received", EventPattern={"detail-type": ["MESSAGE_RECEIVED"]}, RetentionDays=7
        )
        bus.put_rule(Name="received", EventPattern={"detail-type": ["MESSAGE_RECEIVED"]})

        def refuse(payload: object) -> None:
            raise RuntimeError("target is down")

        bus.register_target("arn:sfn", refuse)
        bus.put_targets(
            Rule="received",
            Targets=[{"Id": "sfn", "Arn": "arn:sfn", "RetryPolicy": {"MaximumRetryAttempts": 0}}],
        )
        bus.put_event("TWITTER", "MESSAGE_RECEIVED", {"Text": "lost?"})
        bus.drain()
    rules = runner.invoke(cli(), ["events", "rules"], terminal_width=200)
    assert rules.exit_code == 0 and "received" in rules.output and "arn:sfn" in rules.output
    listed = runner.invoke(cli(), ["events", "archives"], terminal_width=200)
    assert listed.exit_code == 0
    row = next(line for line in listed.output.splitlines() if "received" in line)
    assert "7" in row and " 1 " in row
    letters = runner.invoke(cli(), ["events", "dead-letters"], terminal_width=200)
    assert letters.exit_code == 0
    assert "SDK_CLIENT_ERROR target is down" in letters.output
    assert '{"Text": "lost?"}' in letters.output


def test_logs_command_reads_the_latest_log_group_or_the_one_named(sma_home: Path, clock: ManualClock) -> None:
    with EventBus("Plumbing", directory=sma_home / "bus", clock=clock) as bus:
        bus.put_rule(Name="catch-all", EventPattern={"source": [{"prefix": ""}]})
        observer = Observer.for_group("/sma/plumbing/events", sma_home / "logs")
        bus.register_target("arn:log", observer)
        bus.put_targets(Rule="catch-all", Targets=[{"Id": "log", "Arn": "arn:log"}])
        bus.put_event("TWITTER", "MESSAGE_RECEIVED", {"Text": "logged"})
        bus.drain()
    assert (sma_home / "logs" / "sma-plumbing-events.jsonl").exists()
    assert Metrics(sma_home / "logs").totals() == {"MESSAGE_RECEIVED": 1}
    latest = runner.invoke(cli(), ["logs", "--json"])
    assert [json.loads(line)["detail"]["Text"] for line in latest.output.splitlines()] == ["logged"]
    named = runner.invoke(cli(), ["logs", "--json", "--group", "/aws/events/Other"])
    assert (named.exit_code, named.output) == (0, "")


def test_put_command_puts_one_event(sma_home: Path) -> None:
    with EventBus("Plumbing", directory=sma_home / "bus") as bus:
        bus.put_rule(Name="received", EventPattern={"detail-type": ["MESSAGE_RECEIVED"]})
        bus.put_targets(Rule="received", Targets=[{"Id": "sfn", "Arn": "arn:sfn"}])
    result = runner.invoke(
        cli(),
        [
            "events",
            "put",
            "--source",
            "TWITTER",
            "--detail-type",
            "MESSAGE_RECEIVED",
            "--detail",
            '{"Text": "hi"}',
        ],
    )
    assert result.exit_code == 0, result.output
    event_id = result.stdout.strip()
    assert "1 deliveries waiting" in result.stderr
    with EventBus("Plumbing", directory=sma_home / "bus") as bus:
        (event,) = bus.journal()
        assert (event["id"], event["detail"]) == (event_id, {"Text": "hi"})
    bad = runner.invoke(cli(), ["events", "put", "--source", "S", "--detail-type", "T", "--detail", "[1]"])
    assert bad.exit_code == 2
    assert "(MalformedDetail) when calling the PutEvents operation: Detail is malformed." in bad.stderr
