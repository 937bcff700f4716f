"""`sma up` stops cleanly on SIGINT and SIGTERM in every state, refuses a second cloud on its state folder,
and what it acknowledged but had not finished is carried on by the next start (issue: reliability)."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from infra.local.account import LocalAccount
from infra.local.layout import StateLayout
from infra.local.session import local_session
from infra.local.webhooks import consumer_secret, deliver, mention
from tests.integration.helpers import wait_for

SMA = [sys.executable, "-m", "sma"]
BACKLOG = 24


UP = [*SMA, "up", "--port", "0", "--no-gallery"]
# What a shell does to a background job: the program starts with SIGINT ignored (kept across exec).
IGNORING_SIGINT = [
    sys.executable,
    "-c",
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "os.execv(sys.argv[1], sys.argv[1:])",
]


def _start_up(env: dict[str, str], *, ignore_sigint: bool = False) -> subprocess.Popen[str]:
    command = [*IGNORING_SIGINT, *UP] if ignore_sigint else UP
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _statuses(home: Path) -> dict[str, int]:
    with sqlite3.connect(StateLayout(home).executions) as db:
        return dict(db.execute("SELECT status, COUNT(*) FROM executions GROUP BY status").fetchall())


def test_sigint_during_a_backlog_fails_nothing_and_the_next_start_answers_every_message(
    env: dict[str, str], tmp_path: Path
) -> None:
    home = tmp_path / ".sma"
    up = _start_up(env)
    try:
        wait_for((home / "endpoint.json").exists, 180, "sma up to serve")
        webhook = json.loads((home / "endpoint.json").read_text())["webhook"]
        secret = consumer_secret(LocalAccount(StateLayout(home)).client("secretsmanager"))
        ids = [str(1_790_000_000_000_000_000 + n) for n in range(BACKLOG)]
        for tweet_id in ids:
            body = json.dumps(mention(f"tell me a fact number {tweet_id[-2:]}", [], tweet_id=tweet_id))
            assert deliver(webhook, body.encode(), secret)[0] == 200
    finally:
        up.send_signal(signal.SIGINT)  # at once: most of the backlog is still queued
        output, _ = up.communicate(timeout=180)
    assert up.returncode == 0, output
    assert "Traceback" not in output and "cannot schedule new futures" not in output, output
    assert "FAILED" not in _statuses(home), output  # the stop failed nothing

    # The next start carries on with what was queued or unfinished: every message is answered once.
    with local_session(StateLayout(home), gallery=None) as session:
        assert session.cloud.settle(timeout=600)
    replies = [json.loads(line) for line in (home / "outbox" / "outbox.jsonl").read_text().splitlines()]
    assert sorted(reply["ReplyToTweetId"] for reply in replies) == sorted(ids)
    assert "FAILED" not in _statuses(home)


def test_sigint_stops_an_up_started_with_sigint_ignored_and_a_second_up_is_refused(
    env: dict[str, str], tmp_path: Path
) -> None:
    home = tmp_path / ".sma"
    up = _start_up(env, ignore_sigint=True)
    try:
        wait_for((home / "endpoint.json").exists, 180, "sma up to serve")
        second = subprocess.run(
            UP,
            check=False,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert second.returncode == 2, second.stdout + second.stderr
        assert f"in use by another local cloud (PID {up.pid})" in " ".join(second.stdout.split())
    finally:
        up.send_signal(signal.SIGINT)
        output, _ = up.communicate(timeout=120)
    assert up.returncode == 0, output
    assert "Stopped;" in output


def test_sigterm_stops_cleanly(env: dict[str, str], tmp_path: Path) -> None:
    home = tmp_path / ".sma"
    up = _start_up(env)
    try:
        wait_for((home / "endpoint.json").exists, 180, "sma up to serve")
    finally:
        up.send_signal(signal.SIGTERM)
        output, _ = up.communicate(timeout=120)
    assert up.returncode == 0, output
    assert "Traceback" not in output and not (home / "endpoint.json").exists()
