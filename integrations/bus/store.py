"""The bus's durable state in one SQLite database (WAL): the event journal, archives, rules and targets,
pending deliveries, dead letters and replays.

Every write that PutEvents acknowledges is committed before it returns; deliveries are rows that are
deleted only after their target accepted them, so a crash re-delivers instead of losing (at-least-once).
The connection is shared by the bus's threads behind one lock; other processes (the `sma` CLI) open the
same file concurrently, which WAL allows.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from integrations.database import open_database

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
        # FULL survives power loss; NORMAL survives a process crash (SIGKILL) only.
        self._synchronous: Literal["FULL", "NORMAL"] = "FULL" if synchronous == "FULL" else "NORMAL"
        self._db = open_database(path, synchronous=self._synchronous)
        self._db.executescript(SCHEMA)  # idempotent; executescript manages its own transaction

    @contextmanager
    def transaction(self, *, wait_for_disk: bool = True) -> Iterator[sqlite3.Connection]:
        """One atomic, committed write; BEGIN IMMEDIATE so concurrent writers queue up.

        `wait_for_disk=False` commits without waiting for the disk (SQLite's NORMAL in WAL mode: it
        survives a crash of the process, and the next waiting commit makes it durable too), for writes
        whose loss to a power cut only repeats work, such as deleting a delivery its target accepted."""
        with self._lock:
            relaxed = not wait_for_disk and self._synchronous == "FULL"
            if relaxed:
                self._db.execute("PRAGMA synchronous=NORMAL")
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            finally:
                if relaxed:
                    self._db.execute(f"PRAGMA synchronous={self._synchronous}")

    def query(self, sql: str, parameters: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, tuple(parameters)).fetchall()

    def close(self) -> None:
        with self._lock:
            self._db.close()
