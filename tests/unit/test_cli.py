"""The `sma` command line starts, answers --help and --version, and the demo runs."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from sma import __version__
from sma.cli import app

runner = CliRunner()


def test_version_prints_the_installed_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"sma {__version__}"
    assert __version__ != "0.0.0+unknown", "the project is not installed in this environment"


def test_help_lists_the_demo_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "demo" in result.output


def test_unknown_command_fails_with_usage_error() -> None:
    result = runner.invoke(app, ["no-such-command"])
    assert result.exit_code == 2


def test_console_script_is_installed() -> None:
    sma = subprocess.run(
        [sys.executable, "-m", "sma", "--version"], capture_output=True, text=True, check=False
    )
    assert sma.returncode == 0, sma.stderr
    assert __version__ in sma.stdout


def test_the_live_feed_says_what_a_duplicate_was() -> None:
    from sma.commands.cloud import _feed_line

    event = {
        "detail-type": "MESSAGE_DUPLICATE",
        "detail": {"Twitter": {"TweetId": "7000000000000000002", "UserId": "1"}, "Author": "thrice"},
    }
    line = _feed_line("event", event)
    assert line is not None
    assert "MESSAGE_DUPLICATE" in line
    assert "@thrice's 7000000000000000002 again" in line


def test_up_stops_on_a_signal_delivered_to_another_thread() -> None:
    # Linux delivers a process-directed signal to any thread that does not block it (signal(7),
    # "Signal mask and pending signals"), and Python runs handlers in the main thread only (the `signal`
    # module's documentation, "Signals and threads"). Here SIGINT lands on a worker thread while the main
    # thread waits to stop, as it does under load in `sma up`: the wait must still end.
    script = (
        "import signal, threading, time\n"
        "from sma.commands.cloud import _stop_on_signals, _wait_for_a_signal\n"
        "stopping = _stop_on_signals()\n"
        "def worker():\n"
        "    time.sleep(0.3)\n"
        "    signal.pthread_kill(threading.get_ident(), signal.SIGINT)\n"
        "    time.sleep(5)\n"
        "threading.Thread(target=worker, daemon=True).start()\n"
        "_wait_for_a_signal(stopping)\n"
        "print('stopped')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0 and done.stdout.strip() == "stopped", done.stderr
