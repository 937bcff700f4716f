"""Nothing PutEvents acknowledged is lost when the process dies with SIGKILL mid-flight.

A child process puts events in a loop (and delivers them on a worker thread) and prints each acknowledged
event id; the test kills it with SIGKILL at an arbitrary moment, restarts the bus in this process and
checks that every acknowledged id is in the archive and, after draining, was delivered (duplicates are
allowed: delivery is at-least-once).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from integrations.bus import EventBus

# The set-up both the child and the restarted bus run: the same rule, archive and target.
SETUP = """
import json, os, sys
from pathlib import Path
from integrations.bus import EventBus

TARGET_ARN = "arn:aws:states:eu-west-2:123456789012:stateMachine:analyse"

def open_bus(home, delivered_path):
    bus = EventBus("Plumbing", directory=Path(home) / "bus")
    if "all" not in bus.archives.by_name:
        bus.create_archive(ArchiveName="all")
    bus.put_rule(Name="received", EventPattern={"detail-type": ["MESSAGE_RECEIVED"]})
    log = open(delivered_path, "a", encoding="utf-8")

    def deliver(event):
        log.write(event["id"] + "\\n")
        log.flush()

    bus.register_target(TARGET_ARN, deliver)
    bus.put_targets(Rule="received", Targets=[{"Id": "analyse", "Arn": TARGET_ARN}])
    return bus
"""

CHILD = SETUP + textwrap.dedent(
    """
    bus = open_bus(sys.argv[1], sys.argv[2])
    bus.start(workers=1, poll_seconds=0.05)
    n = 0
    while True:
        entries = [
            {"Source": "TWITTER", "DetailType": "MESSAGE_RECEIVED", "Detail": json.dumps({"n": n + i})}
            for i in range(1 + n % 3)
        ]
        n += len(entries)
        response = bus.put_events(Entries=entries)
        for entry in response["Entries"]:
            sys.stdout.write(entry["EventId"] + "\\n")
        sys.stdout.flush()
    """
)


def complete_lines(text: str) -> list[str]:
    lines = text.split("\n")
    return [line for line in lines[:-1] if line]  # the last piece may be a line cut by the kill


def run_and_kill(home: Path, delivered: Path, acks_before_kill: int) -> list[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(home), str(delivered)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None
    seen = 0
    output: list[bytes] = []
    while seen < acks_before_kill:
        chunk = child.stdout.readline()
        if not chunk:
            _, stderr = child.communicate()
            pytest.fail(f"the child stopped early: {stderr.decode()[-2000:]}")
        output.append(chunk)
        seen += 1
    os.kill(child.pid, signal.SIGKILL)
    rest, _ = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    return complete_lines(b"".join([*output, rest]).decode())


@pytest.mark.parametrize("acks_before_kill", [1, 150, 600])
def test_sigkill_loses_nothing_acknowledged(tmp_path: Path, acks_before_kill: int) -> None:
    home = tmp_path / ".sma"
    delivered = tmp_path / "delivered.txt"
    acked = run_and_kill(home, delivered, acks_before_kill)
    assert len(acked) >= acks_before_kill

    # Restart: the same configuration, in a fresh process (this one).
    namespace: dict[str, object] = {}
    exec(SETUP, namespace)  # the child's own set-up code, shared verbatim
    bus: EventBus = namespace["open_bus"](str(home), str(delivered))  # type: ignore[operator]
    try:
        archived = {event["id"] for event in bus.journal()}
        assert bus.describe_archive("all")["EventCount"] == len(archived)
        missing_from_archive = set(acked) - archived
        assert not missing_from_archive, f"{len(missing_from_archive)} acknowledged events not archived"
        bus.drain()
        assert bus.pending() == 0
    finally:
        bus.close()
    delivered_ids = complete_lines(delivered.read_text())
    assert set(acked) <= set(delivered_ids), "acknowledged events were never delivered"
    assert set(delivered_ids) <= archived  # nothing delivered that was not accepted
    duplicates = len(delivered_ids) - len(set(delivered_ids))
    print(json.dumps({"acked": len(acked), "archived": len(archived), "duplicates": duplicates}))
