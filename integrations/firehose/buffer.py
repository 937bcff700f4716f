"""Firehose's durable buffer: records are committed to SQLite (WAL, fsynced) before PutRecord returns,
and leave it only once the object holding them is in the object store, so a crash loses nothing.

Before an object is written, the range of records it holds is recorded as a delivery intent; after a
crash the intent is delivered again with exactly the same records, so the object is rewritten under the
same key rather than duplicated in a larger one.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from integrations.database import GroupCommit, open_database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS streams (name TEXT PRIMARY KEY, destination TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY AUTOINCREMENT, stream TEXT NOT NULL, partition TEXT NOT NULL,
    error TEXT, data BLOB NOT NULL, arrival REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS records_by_partition ON records (stream, partition, id);
CREATE TABLE IF NOT EXISTS intents (
    stream TEXT NOT NULL, partition TEXT NOT NULL, first_id INTEGER NOT NULL, last_id INTEGER NOT NULL,
    PRIMARY KEY (stream, first_id)
);
"""


# Not JSON, so it cannot be the keys of a real partition.
ERROR_PARTITION = "!error"


@dataclass(frozen=True)
class Buffered:
    id: int
    data: bytes
    arrival: float
    error: str | None = None


@dataclass(frozen=True)
class PartitionState:
    """One partition's buffer: its keys as JSON, or ERROR_PARTITION for records bound for the error prefix."""

    partition: str
    size: int
    oldest: float


@dataclass(frozen=True)
class Incoming:
    partition: str  # JSON of the dynamic-partitioning keys ("{}" without partitioning)
    error: str | None  # why the record could not be partitioned (its partition is then ERROR_PARTITION)
    data: bytes


class Buffer:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        # A record is on the disk before PutRecord answers, an intent before its object is written; a
        # delivered chunk forgotten survives a crash of the process, and a power failure only repeats it.
        self._db = open_database(path, synchronous="NORMAL")
        self._db.executescript(_SCHEMA)
        self._disk = GroupCommit(path)
        # `partition()` for the partitions asked about since their records last left: every put asks
        # about its record's partition, and summing the partition's records grew with the buffer (the
        # lake's partitions hold thousands of events between two deliveries).
        self._states: dict[tuple[str, str], PartitionState] = {}

    def close(self) -> None:
        with self._lock:
            self._db.close()
            self._disk.close()

    # -- delivery streams ------------------------------------------------------------------------------

    def add_stream(self, name: str, destination: dict, created: float) -> bool:
        with self._lock:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO streams VALUES (?, ?, ?)", (name, json.dumps(destination), created)
            )
            return cursor.rowcount == 1

    def set_destination(self, name: str, destination: dict) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE streams SET destination = ? WHERE name = ?", (json.dumps(destination), name)
            )

    def streams(self) -> list[tuple[str, dict, float]]:
        with self._lock:
            rows = self._db.execute("SELECT name, destination, created FROM streams ORDER BY name").fetchall()
        return [(name, json.loads(destination), created) for name, destination, created in rows]

    def remove_stream(self, name: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM streams WHERE name = ?", (name,))
            self._forget(name)

    # -- records ---------------------------------------------------------------------------------------

    def append(self, stream: str, records: Sequence[Incoming], arrival: float) -> list[int]:
        """Commit records in one transaction and return their ids."""
        ids = []
        with self._disk.durable(self._lock):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for record in records:
                    cursor = self._db.execute(
                        "INSERT INTO records (stream, partition, error, data, arrival) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (stream, record.partition, record.error, record.data, arrival),
                    )
                    ids.append(int(cursor.lastrowid or 0))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            for record in records:
                key = (stream, record.partition)
                known = self._states.get(key)
                if known is not None:
                    self._states[key] = PartitionState(
                        record.partition, known.size + len(record.data), min(known.oldest, arrival)
                    )
        return ids

    def partitions(self, stream: str) -> list[PartitionState]:
        with self._lock:
            rows = self._db.execute(
                "SELECT partition, SUM(length(data)), MIN(arrival) FROM records WHERE stream = ? "
                "GROUP BY partition ORDER BY MIN(id)",
                (stream,),
            ).fetchall()
        return [PartitionState(partition, int(size), float(oldest)) for partition, size, oldest in rows]

    def partition(self, stream: str, partition: str) -> PartitionState | None:
        """One partition's state: summed from its records once, then kept as records arrive and leave."""
        with self._lock:
            known = self._states.get((stream, partition))
            if known is not None:
                return known
            size, oldest = self._db.execute(
                "SELECT SUM(length(data)), MIN(arrival) FROM records WHERE stream = ? AND partition = ?",
                (stream, partition),
            ).fetchone()
            if size is None:
                return None
            state = PartitionState(partition, int(size), float(oldest))
            self._states[(stream, partition)] = state
            return state

    def chunks(self, stream: str, state: PartitionState, max_bytes: int) -> Iterator[list[Buffered]]:
        """A partition's records outside any delivery intent, in arrival order, cut into objects of
        about `max_bytes` each."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, data, arrival, error FROM records r WHERE stream = ? AND partition = ? "
                "AND NOT EXISTS (SELECT 1 FROM intents i WHERE i.stream = r.stream "
                "AND i.partition = r.partition AND r.id BETWEEN i.first_id AND i.last_id) ORDER BY id",
                (stream, state.partition),
            ).fetchall()
        chunk: list[Buffered] = []
        size = 0
        for row_id, data, arrival, error in rows:
            chunk.append(Buffered(row_id, bytes(data), arrival, error))
            size += len(data)
            if size >= max_bytes:
                yield chunk
                chunk, size = [], 0
        if chunk:
            yield chunk

    def intents(self, stream: str, partition: str) -> list[list[Buffered]]:
        """The records of each delivery that was started and not completed (a crash, a failed put)."""
        with self._lock:
            ranges = self._db.execute(
                "SELECT first_id, last_id FROM intents WHERE stream = ? AND partition = ? ORDER BY first_id",
                (stream, partition),
            ).fetchall()
            return [
                [
                    Buffered(row_id, bytes(data), arrival, error)
                    for row_id, data, arrival, error in self._db.execute(
                        "SELECT id, data, arrival, error FROM records WHERE stream = ? AND partition = ? "
                        "AND id BETWEEN ? AND ? ORDER BY id",
                        (stream, partition, first, last),
                    )
                ]
                for first, last in ranges
            ]

    def begin_delivery(self, stream: str, partition: str, chunk: Sequence[Buffered]) -> None:
        # On the disk before the object is written: a redelivery then reuses its key.
        with self._disk.durable(self._lock):
            self._db.execute(
                "INSERT OR IGNORE INTO intents VALUES (?, ?, ?, ?)",
                (stream, partition, chunk[0].id, chunk[-1].id),
            )

    def complete_delivery(self, stream: str, chunk: Sequence[Buffered]) -> None:
        """Forget a delivered object's records and its intent, in one transaction."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany("DELETE FROM records WHERE id = ?", [(record.id,) for record in chunk])
                self._db.execute(
                    "DELETE FROM intents WHERE stream = ? AND first_id = ?", (stream, chunk[0].id)
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._forget(stream)  # summed again when next asked

    def _forget(self, stream: str) -> None:
        for key in [key for key in self._states if key[0] == stream]:
            del self._states[key]

    def count(self, stream: str | None = None) -> int:
        with self._lock:
            if stream is None:
                return int(self._db.execute("SELECT COUNT(*) FROM records").fetchone()[0])
            return int(
                self._db.execute("SELECT COUNT(*) FROM records WHERE stream = ?", (stream,)).fetchone()[0]
            )
