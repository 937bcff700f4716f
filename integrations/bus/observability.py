"""What CloudWatch shows for the bus: the catch-all rule's log group and a metric filter per detail-type.

* The log group is a JSON-lines file in the logs folder its caller names, one event per line, written
  by a target of a catch-all rule, so it sees exactly what rules see (replays included, with `replay-name`).
* The metric filters count events per detail-type per minute (namespace `ServerlessMessageAnalyser`,
  metric name = detail-type), kept in SQLite beside the log, stamped with the event's `time` as
  CloudWatch stamps a log event with it.

Any text passes: a line is JSON with ASCII escapes (a lone surrogate stays `\\ud800`), and a metric
name that UTF-8 cannot carry is counted under its escaped form, so one odd event never fails the log
target (a failed target is retried, and each retry would log the event again).
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from integrations.database import open_database
from integrations.unicode_text import json_text, utf8_safe

NAMESPACE = "ServerlessMessageAnalyser"
CATCH_ALL_RULE = "catch-all"
CATCH_ALL_PATTERN = {"source": [{"prefix": ""}]}  # every event has a source: the usual catch-all
SPARKS = "▁▂▃▄▅▆▇█"


def _file_name(group: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", group).strip("-") or "default"


def _minute(event: dict[str, Any]) -> int:
    try:
        moment = datetime.fromisoformat(str(event["time"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        moment = datetime.now(UTC)
    return int(moment.timestamp() // 60)


class EventLog:
    """A log group as a JSON-lines file: append, read the tail, follow."""

    def __init__(self, group: str, directory: Path) -> None:
        self.group = group
        self.path = directory / f"{_file_name(group)}.jsonl"
        self._lock = threading.Lock()

    def write(self, event: dict[str, Any]) -> None:
        # UTF-8 whatever the event's strings hold (a lone surrogate keeps its escape).
        line = (json_text(event) + "\n").encode("utf-8")
        # One write of one line to a file opened for appending (no text-file object built per event:
        # every event on the bus is logged, and building one cost more than the write).
        with self._lock:
            descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(descriptor, line)
            finally:
                os.close(descriptor)

    def _parse(self, lines: Iterator[str], detail_type: str | None) -> Iterator[dict[str, Any]]:
        for line in lines:
            if not line.endswith("\n"):
                return  # a line still being written
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            if detail_type is None or event.get("detail-type") == detail_type:
                yield event

    def read(self, detail_type: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        """The logged events (the last `limit` of them), oldest first."""
        if not self.path.exists():
            return []
        with self.path.open(encoding="utf-8", errors="replace") as handle:
            events = list(self._parse(iter(handle), detail_type))
        return events[-limit:] if limit else events

    def follow(
        self,
        detail_type: str | None = None,
        *,
        poll_seconds: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        stop: Callable[[], bool] = lambda: False,
    ) -> Iterator[dict[str, Any]]:
        """Events appended from now on (like `aws logs tail --follow`), until `stop()` says so."""
        offset = self.path.stat().st_size if self.path.exists() else 0
        while not stop():
            if self.path.exists():
                with self.path.open(encoding="utf-8", errors="replace") as handle:
                    handle.seek(offset)
                    for line in handle:
                        if not line.endswith("\n"):
                            break
                        offset += len(line.encode("utf-8"))
                        yield from self._parse(iter([line]), detail_type)
            sleep(poll_seconds)


class Metrics:
    """Per-minute counters, one metric per detail-type, in `metrics.sqlite3` beside the logs."""

    def __init__(self, directory: Path, namespace: str = NAMESPACE) -> None:
        self.namespace = namespace
        path = directory / "metrics.sqlite3"
        self._lock = threading.Lock()
        # Counts survive a crash of the process; like the log lines beside them, they are not flushed to
        # the disk one by one (a power failure may lose the last few: statistics, not acknowledgements).
        self._db = open_database(path, synchronous="NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS counts (namespace TEXT NOT NULL, metric TEXT NOT NULL, "
            "minute INTEGER NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (namespace, metric, minute))"
        )

    def increment(self, metric: str, minute: int, by: int = 1) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO counts VALUES (?, ?, ?, ?) ON CONFLICT (namespace, metric, minute) "
                "DO UPDATE SET count = count + excluded.count",
                (self.namespace, utf8_safe(metric), minute, by),
            )

    def series(self, minutes: int, now: float | None = None) -> dict[str, list[int]]:
        """Each metric's counts for the last `minutes` minutes (oldest first, the current one last)."""
        last = int((time.time() if now is None else now) // 60)
        first = last - minutes + 1
        with self._lock:
            rows = self._db.execute(
                "SELECT metric, minute, count FROM counts WHERE namespace = ? AND minute BETWEEN ? AND ?",
                (self.namespace, first, last),
            ).fetchall()
        series: dict[str, list[int]] = {}
        for metric, minute, count in rows:
            series.setdefault(metric, [0] * minutes)[minute - first] += count
        return dict(sorted(series.items()))

    def totals(self) -> dict[str, int]:
        with self._lock:
            rows = self._db.execute(
                "SELECT metric, SUM(count) FROM counts WHERE namespace = ? GROUP BY metric ORDER BY metric",
                (self.namespace,),
            ).fetchall()
        return dict(rows)

    def close(self) -> None:
        with self._lock:
            self._db.close()


class Observer:
    """The catch-all rule's target: logs each event and counts it under its detail-type."""

    def __init__(self, log: EventLog, metrics: Metrics) -> None:
        self.log = log
        self.metrics = metrics

    @classmethod
    def for_group(cls, group: str, directory: Path) -> Observer:
        """The target for a rule whose target is the log group `group` (the topology's catch-all)."""
        return cls(EventLog(group, directory), Metrics(directory))

    def __call__(self, event: dict[str, Any]) -> None:
        self.log.write(event)
        self.metrics.increment(str(event.get("detail-type")), _minute(event))


def attach_observability(bus: Any, directory: Path) -> Observer:
    """Add the catch-all rule to `bus` with the log group `/aws/events/<bus>` in `directory` (and its
    metric filters) as target."""
    observer = Observer.for_group(f"/aws/events/{bus.name}", directory)
    identity = bus.identity
    arn = f"arn:aws:logs:{identity.region}:{identity.account}:log-group:{observer.log.group}"
    bus.put_rule(Name=CATCH_ALL_RULE, EventPattern=CATCH_ALL_PATTERN, Description="Every event, to the logs")
    bus.register_target(arn, observer)
    bus.put_targets(Rule=CATCH_ALL_RULE, Targets=[{"Id": "log-group", "Arn": arn}])
    return observer


def latest_log_group(directory: Path) -> str | None:
    """The file name of the most recently written log group, if any (for `sma logs` without --group)."""
    logs = sorted(directory.glob("*.jsonl"), key=lambda path: path.stat().st_mtime)
    return logs[-1].stem if logs else None


def sparkline(values: list[int]) -> str:
    """A unicode sparkline, scaled to the largest value (blank for a minute with no events)."""
    peak = max(values, default=0)
    if peak == 0:
        return " " * len(values)
    return "".join(
        " " if v == 0 else SPARKS[min(len(SPARKS) - 1, (v * len(SPARKS) - 1) // peak)] for v in values
    )
