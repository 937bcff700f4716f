"""The bus's durable state in one SQLite database (WAL): the event journal, archives, rules and targets,
pending deliveries, dead letters, replays, and the calls PutEvents answered (by call id, see
`EventBus.put_events`).

Every write that PutEvents acknowledges is committed, and on the disk, before it returns; deliveries
are rows that are deleted only after their target accepted them, so a crash re-delivers instead of
losing (at-least-once). Removing a delivered row needs no disk flush: lost to a power failure, the
delivery is only made again.
The connection is shared by the bus's threads behind one lock; other processes (the `sma` CLI) open the
same file concurrently, which WAL allows.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from integrations.database import GroupCommit, open_database

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL, time TEXT NOT NULL, ingested REAL NOT NULL, body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_time ON events(time);
CREATE TABLE IF NOT EXISTS archives (
    name TEXT PRIMARY KEY, pattern TEXT, retention_days INTEGER NOT NULL, description TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS archive_events (
    archive TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (archive, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rules (
    name TEXT PRIMARY KEY, pattern TEXT NOT NULL, state TEXT NOT NULL, description TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS targets (
    rule TEXT NOT NULL, id TEXT NOT NULL, definition TEXT NOT NULL, PRIMARY KEY (rule, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY, rule TEXT NOT NULL, target TEXT NOT NULL, event TEXT NOT NULL,
    ingested REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, due REAL NOT NULL, last_error TEXT
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries(due);
CREATE TABLE IF NOT EXISTS dead_letters (
    id INTEGER PRIMARY KEY, queue TEXT, body TEXT NOT NULL, attributes TEXT NOT NULL, at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS calls (
    id TEXT PRIMARY KEY, response TEXT NOT NULL, at REAL NOT NULL, repeats INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS replays (
    name TEXT PRIMARY KEY, archive TEXT NOT NULL, start TEXT NOT NULL, finish TEXT NOT NULL,
    rules TEXT, state TEXT NOT NULL, reason TEXT, requested REAL NOT NULL, ended REAL, replayed INTEGER
);
"""


class Store:
    """A thread-safe handle on the bus database."""

    def __init__(self, path: Path, synchronous: str = "FULL") -> None:
        self.path = path
        self._lock = threading.RLock()
        # Every commit survives a process crash (SIGKILL); with "FULL" the durable ones also survive a
        # power failure (flushed by a group commit), with "NORMAL" none is flushed.
        self._db = open_database(path, synchronous="NORMAL")
        self._db.executescript(SCHEMA)  # idempotent; executescript manages its own transaction
        self._disk = GroupCommit(path) if synchronous == "FULL" else None

    @contextmanager
    def transaction(self, *, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """One atomic, committed write, on the disk when it returns if `durable`; BEGIN IMMEDIATE so
        concurrent writers queue up."""
        guard = self._disk.durable(self._lock) if durable and self._disk is not None else self._lock
        with guard:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def query(self, sql: str, parameters: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, tuple(parameters)).fetchall()

    def close(self) -> None:
        with self._lock:
            self._db.close()
            if self._disk is not None:
                self._disk.close()
