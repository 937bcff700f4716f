"""`sma events test-pattern` answers like `aws events test-event-pattern`."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from sma.commands import events


def cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """The commands under test."""

    events.register(app)
    return app


runner = CliRunner()
PATTERN = json.dumps({"source": ["TWITTER"], "detail": {"Score": [{"numeric": [">", 0.5]}]}})
ENVELOPE = {
    "version": "0", "id": "1", "detail-type": "MESSAGE_ANALYSED", "source": "TWITTER",
    "account": "123456789012", "time": "2026-01-01T00:00:00Z", "region": "eu-west-2", "resources": [],
}  # fmt: skip


def event(score: float) -> str:
    return json.dumps({**ENVELOPE, "detail": {"Score": score}})


def run(*arguments: str):
    return runner.invoke(cli(), ["events", "test-pattern", *arguments])


def test_matching_prints_true() -> None:
    result = run("--pattern", PATTERN, "--event", event(0.9))
    assert (result.exit_code, result.output) == (0, "true\n")


def test_not_matching_prints_false() -> None:
    result = run("--pattern", PATTERN, "--event", event(0.1))
    assert (result.exit_code, result.output) == (0, "false\n")


def test_files_are_read_with_at_or_file_scheme(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(PATTERN)
    (tmp_path / "e.json").write_text(event(1))
    result = run("--pattern", f"@{tmp_path / 'p.json'}", "--event", f"file://{tmp_path / 'e.json'}")
    assert (result.exit_code, result.output) == (0, "true\n")


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run("--pattern", f"@{tmp_path / 'none.json'}", "--event", "{}")
    assert result.exit_code == 2
    assert "cannot read" in result.output


def test_an_invalid_pattern_prints_the_exception_and_exits_2() -> None:
    result = run("--pattern", '{"source": [{"regex": "x"}]}', "--event", "{}")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "An error occurred (InvalidEventPatternException) when calling the TestEventPattern operation: "
        "Event pattern is not valid. Reason: Unrecognized match type regex\n"
    )


def test_an_invalid_event_exits_2_and_says_what_an_event_needs() -> None:
    for bad in ("[1]", json.dumps({"source": "TWITTER", "detail": {"Score": 1}})):
        result = run("--pattern", PATTERN, "--event", bad)
        assert result.exit_code == 2
        assert (
            "(ValidationException) when calling the TestEventPattern operation: Parameter Event is not valid."
            in (result.stderr)
        )
        assert "id, account, source, time, region, detail-type" in result.stderr


def test_an_event_without_resources_is_tested_with_dotted_keys() -> None:
    # AWS's TestEventPattern matches events without `resources` and joins nested keys with dots (its
    # recorded answers: localstack tests/aws/services/events/test_events_patterns.snapshot.json).
    envelope = {key: value for key, value in ENVELOPE.items() if key != "resources"}
    document = json.dumps({**envelope, "detail": {"Analysis": {"Score": 0.9}}})
    pattern = json.dumps({"detail": {"Analysis.Score": [{"numeric": [">", 0.5]}]}})
    result = run("--pattern", pattern, "--event", document)
    assert (result.exit_code, result.stdout.strip()) == (0, "true")
    result = run(
        "--pattern",
        json.dumps({"detail": {"Analysis.Score": [{"numeric": [">", 0.95]}]}}),
        "--event",
        document,
    )
    assert (result.exit_code, result.stdout.strip()) == (0, "false")
