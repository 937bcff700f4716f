"""The stream's durable log: SQLite in WAL mode at the path its caller names.

A record is committed and on the disk (a group commit's fsync, see `integrations.database`) before
PutRecord returns its sequence number, so an acknowledged record survives a crash of the process or of
the machine: X does not send a webhook it saw acknowledged again. Sequence numbers come from one
AUTOINCREMENT counter, which makes them increase within every shard (Kinesis promises no more); they
are rendered as fixed-width decimal strings like Kinesis's, so comparing the strings compares the
numbers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from integrations.database import GroupCommit, open_database

Clock = Callable[[], float]

_SEQUENCE_BASE = 49 * 10**54  # Kinesis sequence numbers are 56-digit decimals starting "49..."
DEFAULT_RETENTION_HOURS = 24
_TRIM_EVERY_SECONDS = 60

_SCHEMA = """
CREATE TABLE IF NOT EXISTS streams (
    name TEXT PRIMARY KEY, shard_count INTEGER NOT NULL, retention_hours INTEGER NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, stream TEXT NOT NULL, shard INTEGER NOT NULL,
    partition_key TEXT NOT NULL, data BLOB NOT NULL, arrival REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS records_by_shard ON records (stream, shard, seq);
"""


def format_sequence(seq: int) -> str:
    return str(_SEQUENCE_BASE + seq)


def parse_sequence(text: str) -> int | None:
    """The counter behind a sequence number string, or None when the string is not one of ours."""
    if not text.isdigit() or len(text) != 56:
        return None
    value = int(text) - _SEQUENCE_BASE
    return value if value >= 0 else None


@dataclass(frozen=True)
class StreamInfo:
    name: str
    shard_count: int
    retention_hours: int
    created: float


@dataclass(frozen=True)
class StoredRecord:
    seq: int
    shard: int
    partition_key: str
    data: bytes
    arrival: float

    @property
    def sequence_number(self) -> str:
        return format_sequence(self.seq)


class StreamStore:
    """Streams and their records; one SQLite file shared by every process of the local cloud."""

    def __init__(self, path: Path, clock: Clock = time.time) -> None:
        self.path = path
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.clock = clock
        self._lock = threading.RLock()
        self._last_trim: dict[str, float] = {}
        self._appended: list[Callable[[str], None]] = []
        self._db = open_database(self.path, synchronous="NORMAL")
        self._db.executescript(_SCHEMA)
        self._disk = GroupCommit(self.path)

    def close(self) -> None:
        with self._lock:
            self._db.close()
            self._disk.close()

    # -- streams ---------------------------------------------------------------------------------------

    def create(self, name: str, shard_count: int, retention_hours: int = DEFAULT_RETENTION_HOURS) -> bool:
        """False when a stream of that name exists already."""
        with self._disk.durable(self._lock):
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO streams VALUES (?, ?, ?, ?)",
                (name, shard_count, retention_hours, self.clock()),
            )
        return cursor.rowcount == 1

    def get(self, name: str) -> StreamInfo | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM streams WHERE name = ?", (name,)).fetchone()
        return StreamInfo(*row) if row else None

    def names(self) -> list[str]:
        with self._lock:
            return [row[0] for row in self._db.execute("SELECT name FROM streams ORDER BY name")]

    def delete(self, name: str) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("DELETE FROM records WHERE stream = ?", (name,))
            self._db.execute("DELETE FROM streams WHERE name = ?", (name,))
            self._db.execute("COMMIT")

    def set_retention(self, name: str, hours: int) -> None:
        with self._lock:
            self._db.execute("UPDATE streams SET retention_hours = ? WHERE name = ?", (hours, name))

    # -- records ---------------------------------------------------------------------------------------

    def append(self, name: str, records: Sequence[tuple[int, str, bytes]]) -> list[StoredRecord]:
        """Commit (shard, partition key, data) records in one transaction; durable when this returns."""
        arrival = self.clock()
        stored = []
        with self._disk.durable(self._lock):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for shard, partition_key, data in records:
                    cursor = self._db.execute(
                        "INSERT INTO records (stream, shard, partition_key, data, arrival) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (name, shard, partition_key, data, arrival),
                    )
                    stored.append(
                        StoredRecord(int(cursor.lastrowid or 0), shard, partition_key, data, arrival)
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        for listener in list(self._appended):
            listener(name)
        return stored

    def on_append(self, listener: Callable[[str], None]) -> None:
        """Call `listener(stream name)` after each committed append: a reader in this process (the pipe)
        wakes at once instead of finding the records at its next poll."""
        self._appended.append(listener)

    def read(self, name: str, shard: int, after: int, limit: int) -> list[StoredRecord]:
        """Up to `limit` records of a shard with a sequence counter greater than `after`, oldest first;
        records past the retention period are invisible even before housekeeping deletes them."""
        info = self.get(name)
        if info is None:
            return []
        self._housekeep(info)
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, shard, partition_key, data, arrival FROM records "
                "WHERE stream = ? AND shard = ? AND seq > ? AND arrival >= ? ORDER BY seq LIMIT ?",
                (name, shard, after, self._horizon(info), limit),
            ).fetchall()
        return [
            StoredRecord(seq, shard_, key, bytes(data), arrival) for seq, shard_, key, data, arrival in rows
        ]

    def last_sequence(self, name: str, shard: int) -> int:
        """The newest counter written to a shard (0 when it has none), for LATEST iterators."""
        with self._lock:
            row = self._db.execute(
                "SELECT MAX(seq) FROM records WHERE stream = ? AND shard = ?", (name, shard)
            ).fetchone()
            if row[0] is not None:
                return int(row[0])
            # An empty shard: anything written from now on has a counter above the global maximum.
            row = self._db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'records'").fetchone()
        return int(row[0]) if row else 0

    def first_at_or_after(self, name: str, shard: int, timestamp: float) -> int | None:
        """The counter of the shard's first record that arrived at or after `timestamp` (AT_TIMESTAMP)."""
        with self._lock:
            row = self._db.execute(
                "SELECT MIN(seq) FROM records WHERE stream = ? AND shard = ? AND arrival >= ?",
                (name, shard, timestamp),
            ).fetchone()
        return None if row[0] is None else int(row[0])

    def trim(self, name: str) -> int:
        """Drop records older than the stream's retention period; returns how many went."""
        info = self.get(name)
        if info is None:
            return 0
        with self._lock:
            self._last_trim[name] = self.clock()
            return self._db.execute(
                "DELETE FROM records WHERE stream = ? AND arrival < ?", (name, self._horizon(info))
            ).rowcount

    def _horizon(self, info: StreamInfo) -> float:
        return self.clock() - info.retention_hours * 3600

    def _housekeep(self, info: StreamInfo) -> None:
        """Trim at most once a minute: the delete scans the stream, reads must stay cheap."""
        last = self._last_trim.get(info.name)
        if last is None or self.clock() - last >= _TRIM_EVERY_SECONDS:
            self.trim(info.name)
