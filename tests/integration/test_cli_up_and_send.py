"""`sma up` serves the bot in one process and `sma send` talks to it from another, as a user runs them."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from tests.integration.helpers import wait_for

SMA = [sys.executable, "-m", "sma"]


def test_send_reaches_a_running_up_and_up_stops_cleanly(env: dict[str, str], tmp_path: Path) -> None:
    home = tmp_path / ".sma"
    up = subprocess.Popen(
        [*SMA, "up", "--port", "0"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        wait_for((home / "endpoint.json").exists, 180, "sma up to serve")
        webhook = json.loads((home / "endpoint.json").read_text())["webhook"]
        assert webhook.startswith("http://127.0.0.1:") and webhook.endswith("/twitter")
        sent = subprocess.run(
            [*SMA, "send", "--text", "tell me a joke please"],
            check=False,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert sent.returncode == 0, sent.stdout + sent.stderr
        assert "→ 200" in sent.stdout
        outbox = home / "outbox" / "outbox.jsonl"
        wait_for(lambda: outbox.exists() and outbox.read_text().strip(), 120, "the reply in the outbox")
        [reply] = [json.loads(line) for line in outbox.read_text().splitlines()]
        assert reply["Text"].startswith("@local_user ")
    finally:
        up.send_signal(signal.SIGINT)
        output, _ = up.communicate(timeout=120)
    assert up.returncode == 0, output
    assert "Webhook endpoint:" in output
    assert "MESSAGE_RECEIVED" in output and "SEND_TWEET" in output  # the live feed
    assert "Stopped;" in output and "nothing was lost" in output.lower()
    assert not (home / "endpoint.json").exists()
    listed = subprocess.run(
        [*SMA, "executions"], check=False, env=env, capture_output=True, text=True, timeout=60
    )
    assert "Egress" in listed.stdout and "SUCCEEDED" in listed.stdout


def test_send_refuses_bad_arguments_with_one_line(env: dict[str, str], tmp_path: Path) -> None:
    cases = [
        ([], "give either a payload FILE or --text"),
        (["--image", "x.jpg"], "give either a payload FILE or --text"),
        ([str(tmp_path / "missing.json")], "no such file"),
        (["--text", "hi", "--image", str(tmp_path / "missing.jpg")], "no such image"),
    ]
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    cases.append(([str(broken)], "is not valid JSON"))
    for arguments, message in cases:
        result = subprocess.run(
            [*SMA, "send", *arguments], check=False, env=env, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 2, (arguments, result.stdout)
        assert message in result.stdout, (arguments, result.stdout)
