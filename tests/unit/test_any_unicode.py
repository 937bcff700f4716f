"""Any Unicode, valid or not, in any field never breaks the event log, the metrics, the live feed or the
CLI.

A lone surrogate gets in through a JSON escape: RFC 8259 section 8.2 allows `"\\ud800"` in JSON text
("the ABNF allows ... an unpaired UTF-16 surrogate"), and Python's json turns it into a `str` that UTF-8
cannot encode. At the webhook the ingress refuses it (tests/unit/lambdas/test_ingress_limits.py); here,
whatever reaches the layers behind (a replayed or hand-put event, an execution's input) passes through.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from integrations.bus.observability import EventLog, Metrics, Observer
from integrations.errors import ServiceError
from integrations.stepfunctions.service import StateMachineDefinition, StepFunctionsService
from integrations.unicode_text import json_text, utf8_safe

ROOT = Path(__file__).resolve().parents[2]
LONE = "\ud800"
EVENT = {
    "version": "0",
    "id": "7a1b",
    "detail-type": f"ODD{LONE}[/]",
    "source": "TWITTER",
    "account": "123456789012",
    "time": "2026-12-03T09:00:00Z",
    "region": "eu-west-2",
    "resources": [],
    "detail": {"Text": f"caf\u00e9 {LONE} \U0001f600 [/] [bold]", "Author": f"x{LONE}"},
}


def sma(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real CLI in a child process: stdout is a plain UTF-8 pipe, strict as a terminal's would be."""
    env = {**os.environ, "SMA_HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONIOENCODING", None)
    return subprocess.run(
        [sys.executable, "-m", "sma", *args], capture_output=True, env=env, cwd=ROOT, timeout=120, check=False
    )


def test_text_helpers_keep_meaning_and_always_encode() -> None:
    assert utf8_safe("caf\u00e9") == "caf\u00e9"  # valid text is left alone
    assert utf8_safe(f"a{LONE}b") == "a\\ud800b"
    assert json_text({"t": f"\u00e9{LONE}"}).encode("utf-8")
    assert json.loads(json_text({"t": f"\u00e9{LONE}"})) == {"t": f"\u00e9{LONE}"}
    assert json_text({"t": "\u00e9"}) == '{"t":"\u00e9"}'  # UTF-8, not \u00e9 escapes


def test_the_log_target_logs_once_and_counts_an_event_with_a_lone_surrogate(tmp_path: Path) -> None:
    observer = Observer(EventLog("/aws/events/Plumbing", tmp_path), Metrics(tmp_path))
    observer(EVENT)  # must not raise: a failed target is retried, and would log the event again
    assert observer.log.read() == [EVENT]
    assert observer.metrics.totals() == {"ODD\\ud800[/]": 1}
    assert observer.log.path.read_bytes().isascii()


def test_a_corrupt_byte_in_the_log_file_does_not_stop_reading(tmp_path: Path) -> None:
    log = EventLog("/aws/events/Plumbing", tmp_path)
    log.write({"detail-type": "A"})
    with log.path.open("ab") as handle:
        handle.write(b'{"detail-type": "\xff"}\n')
    log.write({"detail-type": "B"})
    assert [event["detail-type"] for event in log.read()] == ["A", "\ufffd", "B"]


def test_sma_logs_and_metrics_print_it(sma_home: Path) -> None:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # `sma metrics` shows the last minutes
    event = {**EVENT, "time": now}
    Observer.for_group("/aws/events/Plumbing", sma_home / "logs")(event)
    logs = sma(sma_home, "logs")
    assert logs.returncode == 0, logs.stderr
    assert b"ODD\\ud800" in logs.stdout
    as_json = sma(sma_home, "logs", "--json")
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout.decode().splitlines()[-1]) == event
    metrics = sma(sma_home, "metrics")
    assert metrics.returncode == 0, metrics.stderr
    assert b"ODD\\ud800" in metrics.stdout


def test_sma_execution_prints_an_execution_whose_input_has_a_lone_surrogate(sma_home: Path) -> None:
    service = StepFunctionsService(path=sma_home / "stepfunctions" / "executions.sqlite3")
    arn = service.create_state_machine(
        StateMachineDefinition(
            "Echo", {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}}, "EXPRESS"
        )
    )
    # The escape as StartExecution's input text receives it: valid UTF-8 JSON text.
    response = service.start_sync_execution(
        stateMachineArn=arn, input='{"Text": "\\ud800 caf\u00e9"}', name="odd-input"
    )
    assert response["status"] == "SUCCEEDED"
    service.close()
    shown = sma(sma_home, "execution", "odd-input")
    assert shown.returncode == 0, shown.stderr
    assert "\\ud800 caf\u00e9".encode() in shown.stdout
    assert b"Traceback" not in shown.stderr


def test_the_live_feed_prints_an_event_with_a_lone_surrogate() -> None:
    script = (
        "import json, sys\n"
        "from sma.terminal import tolerate_any_text\n"
        "from sma.commands.cloud import _print_feed\n"
        "tolerate_any_text()\n"
        "_print_feed('event', json.loads(sys.stdin.read()))\n"
    )
    event = {**EVENT, "detail-type": "MESSAGE_RECEIVED"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(event).encode(),
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"},
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "MESSAGE_RECEIVED from @x\\ud800: caf\u00e9 \\ud800 \U0001f600 [/] [bold]".encode() in done.stdout


def test_start_execution_refuses_input_that_is_not_utf8_text(sma_home: Path) -> None:
    # StartExecution's input is "a string that contains the JSON input data" sent as UTF-8 JSON; a raw
    # lone surrogate cannot be sent: a validation error (InvalidExecutionInput), not a crash.
    service = StepFunctionsService(path=sma_home / "stepfunctions" / "executions.sqlite3")
    echo = {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}}
    arn = service.create_state_machine(StateMachineDefinition("Echo", echo, "EXPRESS"))
    with pytest.raises(ServiceError) as refused:
        service.start_sync_execution(stateMachineArn=arn, input=f'{{"Text": "{LONE}"}}')
    service.close()
    assert refused.value.code == "InvalidExecutionInput"


def test_a_message_story_prints_any_text_literally() -> None:
    # `sma demo` / `sma send` print each message's story as a Rich table: text from the tweet (and what
    # the models read in it) must come out as written, "[/]" and lone surrogates included.
    import io

    from rich.console import Console

    from infra.local.session import Recorder
    from sma.commands.report import print_message

    twitter = {"TweetId": "91", "UserId": "42"}
    recorder = Recorder()
    text = f"[/] [bold]not bold[/bold] {LONE} caf\u00e9"
    recorder.hear(
        "event",
        {"detail-type": "MESSAGE_RECEIVED", "detail": {"Text": text, "Author": "a[/]", "Twitter": twitter}},
    )
    analysis = {
        "TextSentiment": "NEGATIVE",
        "TextSentimentScore": {"Negative": 0.9},
        "Language": "[red]",
        "Images": [{"Key": "m/0.jpg", "Analysis": {"Labels": [{"Name": "[b]", "Confidence": 99}]}}],
    }
    recorder.hear(
        "event", {"detail-type": "MESSAGE_ANALYSED", "detail": {"Twitter": twitter, "Analysis": analysis}}
    )
    recorder.hear(
        "event", {"detail-type": "SEND_TWEET", "detail": {"Text": "@a[/] [i]", "ReplyToTweetId": "91"}}
    )
    recorder.alert({"Message": f"negative from @a[/]: {text}"})
    buffer = io.BytesIO()
    stream = io.TextIOWrapper(buffer, encoding="utf-8", errors="backslashreplace")  # as tolerate_any_text()
    console = Console(file=stream, width=300, color_system=None)
    print_message(console, recorder, "sample", ["91"], ["[/]"])
    stream.flush()
    printed = buffer.getvalue().decode("utf-8")
    for literal in (
        "[/] [bold]not bold[/bold] \\ud800 caf\u00e9",
        "@a[/]",
        "language [red]",
        "[b] 99%",
        "@a[/] [i]",
    ):
        assert literal in printed, literal
