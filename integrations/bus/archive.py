"""Archives (which events a named archive holds, and for how long) and replays (re-dispatching a time
window of an archive to the bus's current rules, with `replay-name` set in each event).

An archive records an event in the same transaction that journals it, so an archived event is exactly
one that PutEvents acknowledged. A replay queues its deliveries durably like PutEvents does; replayed
events are not archived again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from integrations.bus.envelope import BusIdentity, format_time, parse_time
from integrations.bus.rules import check_pattern_length
from integrations.bus.store import Store
from integrations.errors import ServiceError
from integrations.patterns import EventPattern, compile_pattern

_NAME = re.compile(r"^[\.\-_A-Za-z0-9]{1,48}$")
_REPLAY_NAME = re.compile(r"^[\.\-_A-Za-z0-9]{1,64}$")
REPLAY_BATCH = 500

# (event, rule names allowed or None) -> the (rule, target) pairs the event is delivered to
Matcher = Callable[[dict[str, Any], frozenset[str] | None], list[tuple[str, str]]]
# (events replayed so far, events in the window): called after each batch, for a progress bar
Progress = Callable[[int, int], None]


def _error(code: str, message: str) -> ServiceError:
    return ServiceError("events", code, message)


@dataclass
class Archive:
    name: str
    pattern_text: str | None
    pattern: EventPattern | None
    retention_days: int
    description: str
    created: float

    def holds(self, event: dict[str, Any]) -> bool:
        return self.pattern is None or self.pattern.matches(event)


class Archives:
    """The archives of one bus and the replays out of them."""

    def __init__(self, store: Store, identity: BusIdentity) -> None:
        self._store = store
        self._identity = identity
        self.by_name: dict[str, Archive] = {}
        for name, pattern, days, description, created in store.query(
            "SELECT name, pattern, retention_days, description, created FROM archives"
        ):
            self.by_name[name] = Archive(
                name, pattern, compile_pattern(pattern) if pattern else None, days, description, created
            )

    # -- archives --------------------------------------------------------------------------------
    def create(
        self, name: Any, pattern: Any, retention_days: Any, description: Any, now: float
    ) -> dict[str, Any]:
        if not isinstance(name, str) or not _NAME.match(name):
            raise _error("ValidationException", f"Parameter ArchiveName is not valid: {name!r}.")
        if not isinstance(retention_days, int) or isinstance(retention_days, bool) or retention_days < 0:
            raise _error("ValidationException", "Parameter RetentionDays must be a whole number >= 0.")
        if name in self.by_name:
            raise _error("ResourceAlreadyExistsException", f"Archive {name} already exists.")
        text = None if pattern is None else pattern if isinstance(pattern, str) else json.dumps(pattern)
        if text is not None:
            check_pattern_length(text)
        compiled = compile_pattern(text) if text else None
        with self._store.transaction() as db:
            db.execute(
                "INSERT INTO archives (name, pattern, retention_days, description, created) "
                "VALUES (?, ?, ?, ?, ?)",
                (name, text, retention_days, str(description or ""), now),
            )
        self.by_name[name] = Archive(name, text, compiled, retention_days, str(description or ""), now)
        return {
            "ArchiveArn": self._identity.archive_arn(name),
            "State": "ENABLED",
            "CreationTime": datetime.fromtimestamp(now, UTC),
        }

    def get(self, name: str) -> Archive:
        archive = self.by_name.get(name.rsplit("/", 1)[-1] if name.startswith("arn:") else name)
        if archive is None:
            raise _error("ResourceNotFoundException", f"Archive {name} does not exist.")
        return archive

    def describe(self, name: str) -> dict[str, Any]:
        archive = self.get(name)
        ((count, size),) = self._store.query(
            "SELECT COUNT(*), COALESCE(SUM(LENGTH(e.body)), 0) FROM archive_events a "
            "JOIN events e ON e.seq = a.seq WHERE a.archive = ?",
            (archive.name,),
        )
        described = {
            "ArchiveArn": self._identity.archive_arn(archive.name),
            "ArchiveName": archive.name,
            "EventSourceArn": self._identity.arn,
            "Description": archive.description,
            "State": "ENABLED",
            "RetentionDays": archive.retention_days,
            "SizeBytes": size,
            "EventCount": count,
            "CreationTime": datetime.fromtimestamp(archive.created, UTC),
        }
        if archive.pattern_text:
            described["EventPattern"] = archive.pattern_text
        return described

    def delete(self, name: str) -> None:
        archive = self.get(name)
        with self._store.transaction() as db:
            db.execute("DELETE FROM archive_events WHERE archive = ?", (archive.name,))
            db.execute("DELETE FROM archives WHERE name = ?", (archive.name,))
        del self.by_name[archive.name]

    def holding(self, event: dict[str, Any]) -> list[str]:
        """The archives an incoming event belongs in."""
        return [archive.name for archive in self.by_name.values() if archive.holds(event)]

    def purge(self, now: float, journal_days: float) -> int:
        """Drop archived events past their archive's retention, and journal entries no archive holds
        that are older than `journal_days`; the number of journal entries removed."""
        with self._store.transaction() as db:
            for archive in self.by_name.values():
                if archive.retention_days > 0:
                    db.execute(
                        "DELETE FROM archive_events WHERE archive = ? AND seq IN "
                        "(SELECT seq FROM events WHERE ingested < ?)",
                        (archive.name, now - archive.retention_days * 86400),
                    )
            cursor = db.execute(
                "DELETE FROM events WHERE ingested < ? AND seq NOT IN (SELECT seq FROM archive_events)",
                (now - journal_days * 86400,),
            )
            return cursor.rowcount

    # -- replays ---------------------------------------------------------------------------------
    def start_replay(
        self,
        name: Any,
        archive_name: str,
        window: tuple[Any, Any],
        rule_names: Iterable[str] | None,
        *,
        match: Matcher,
        now: float,
        progress: Progress | None = None,
    ) -> dict[str, Any]:
        start, end = window
        if not isinstance(name, str) or not _REPLAY_NAME.match(name):
            raise _error("ValidationException", f"Parameter ReplayName is not valid: {name!r}.")
        archive = self.get(archive_name)
        try:
            first, last = parse_time(start), parse_time(end)
        except (ValueError, TypeError):
            raise _error(
                "ValidationException", "EventStartTime and EventEndTime must be timestamps."
            ) from None
        if first >= last:
            raise _error(
                "ValidationException",
                "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.",
            )
        allowed = None if rule_names is None else frozenset(rule_names)
        with self._store.transaction() as db:
            if db.execute("SELECT 1 FROM replays WHERE name = ?", (name,)).fetchone():
                raise _error("ResourceAlreadyExistsException", f"Replay {name} already exists.")
            db.execute(
                "INSERT INTO replays (name, archive, start, finish, rules, state, requested) "
                "VALUES (?, ?, ?, ?, ?, 'RUNNING', ?)",
                (
                    name,
                    archive.name,
                    format_time(first),
                    format_time(last),
                    None if allowed is None else json.dumps(sorted(allowed)),
                    now,
                ),
            )
        window = (format_time(first), format_time(last))
        replayed = self._replay(
            name, archive.name, window, allowed=allowed, match=match, now=now, progress=progress
        )
        with self._store.transaction() as db:
            db.execute(
                "UPDATE replays SET state = 'COMPLETED', ended = ?, replayed = ? WHERE name = ?",
                (now, replayed, name),
            )
        return {
            "ReplayArn": self._identity.replay_arn(name),
            "State": "COMPLETED",
            "StateReason": f"Replayed {replayed} events.",
            "ReplayStartTime": datetime.fromtimestamp(now, UTC),
        }

    def _replay(
        self,
        name: str,
        archive: str,
        window: tuple[str, str],
        *,
        allowed: frozenset[str] | None,
        match: Matcher,
        now: float,
        progress: Progress | None,
    ) -> int:
        """Queue the window's events in batches; each batch is one transaction."""
        (first, last), replayed, after = window, 0, -1
        total = 0
        if progress is not None:
            ((total,),) = self._store.query(
                "SELECT COUNT(*) FROM archive_events a JOIN events e ON e.seq = a.seq "
                "WHERE a.archive = ? AND e.time >= ? AND e.time < ?",
                (archive, first, last),
            )
        while True:
            rows = self._store.query(
                "SELECT e.seq, e.body FROM archive_events a JOIN events e ON e.seq = a.seq "
                "WHERE a.archive = ? AND e.time >= ? AND e.time < ? AND e.seq > ? ORDER BY e.seq LIMIT ?",
                (archive, first, last, after, REPLAY_BATCH),
            )
            if not rows:
                return replayed
            queued: list[tuple[str, str, str, float, float]] = []
            for _, body in rows:
                event = {**json.loads(body), "replay-name": name}
                text = json.dumps(event)
                queued.extend((rule, target, text, now, now) for rule, target in match(event, allowed))
            with self._store.transaction() as db:
                db.executemany(
                    "INSERT INTO deliveries (rule, target, event, ingested, due) VALUES (?, ?, ?, ?, ?)",
                    queued,
                )
            replayed += len(rows)
            after = rows[-1][0]
            if progress is not None:
                progress(replayed, total)

    def describe_replay(self, name: str) -> dict[str, Any]:
        rows = self._store.query(
            "SELECT archive, start, finish, state, requested, ended, replayed FROM replays WHERE name = ?",
            (name,),
        )
        if not rows:
            raise _error("ResourceNotFoundException", f"Replay {name} does not exist.")
        archive, first, last, state, requested, ended, replayed = rows[0]
        described: dict[str, Any] = {
            "ReplayName": name,
            "ReplayArn": self._identity.replay_arn(name),
            "EventSourceArn": self._identity.archive_arn(archive),
            "State": state,
            "EventStartTime": parse_time(first),
            "EventEndTime": parse_time(last),
            "ReplayStartTime": datetime.fromtimestamp(requested, UTC),
        }
        if ended is not None:
            described["ReplayEndTime"] = datetime.fromtimestamp(ended, UTC)
            described["StateReason"] = f"Replayed {replayed} events."
        return described
