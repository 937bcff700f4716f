"""The one way the local services open their SQLite files: write-ahead log, and commits as durable as
what they acknowledge.

With WAL a reader never blocks the writer. Two levels of durability, per write rather than per file
(SQLite's documentation, "Write-Ahead Logging" and "PRAGMA synchronous"):

* every commit survives a crash of the process (SIGKILL included): WAL with `synchronous=NORMAL` has
  written it to the log file before COMMIT returns, and the operating system keeps it;
* a commit that acknowledges something nobody would send again (a webhook's record, an accepted event,
  an execution's start, an item written) must also survive a crash of the machine: the log must reach
  the disk before the acknowledgement. `GroupCommit.sync()` does that with one fsync of the log for
  every commit made before it began, so writers that commit at the same moment share one disk flush
  instead of queueing for one each (what `synchronous=FULL` does, inside the store's lock).

A write whose loss at power failure only means doing something again (a pipe's checkpoint, a delivery
row's removal once its target accepted it, an execution's end, a metric's count) needs the first level
only: at-least-once delivery and the idempotency records make the repeat harmless.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Literal


def open_database(
    path: Path,
    *,
    synchronous: Literal["FULL", "NORMAL"] = "FULL",
    autocommit: bool = True,
) -> sqlite3.Connection:
    """A connection usable from any thread (callers serialise with their own lock).

    `autocommit` (the default) leaves transactions to the caller's explicit BEGIN/COMMIT; without it,
    Python's sqlite3 opens one implicitly before each write and the caller commits. A store that opens
    with `synchronous="NORMAL"` makes its acknowledged writes durable with a `GroupCommit`.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    database = (
        sqlite3.connect(path, check_same_thread=False, timeout=30, isolation_level=None)
        if autocommit
        else sqlite3.connect(path, check_same_thread=False, timeout=30)  # implicit "DEFERRED" BEGIN
    )
    database.execute("PRAGMA journal_mode=WAL")
    database.execute(f"PRAGMA synchronous={synchronous}")
    database.execute("PRAGMA busy_timeout=30000")
    return database


class GroupCommit:
    """Makes the commits of one WAL database durable, many with one fsync of its log.

    A write that must survive power loss runs inside `durable(lock)`: its commit takes a ticket while
    the store's lock is still held (`committed()`, so the tickets follow the log's order) and then, with
    the lock released, `sync(ticket)` returns once an fsync that began after that commit has finished,
    starting one if none is under way. The log file is the same file for the connection's whole life
    (SQLite rewrites it from the start after a checkpoint, and syncs the database itself when it
    checkpoints).
    """

    def __init__(self, path: Path) -> None:
        self._log = Path(f"{path}-wal")
        self._condition = threading.Condition()
        self._committed = 0
        self._synced = 0
        self._syncing = False
        self._descriptor: int | None = None

    @contextmanager
    def durable(self, lock: AbstractContextManager[Any]) -> Iterator[None]:
        """Hold the store's `lock` for the block's writes; once they are committed and the lock is
        released, return only when they are on the disk. If the block raises, nothing is flushed."""
        with lock:
            yield
            ticket = self.committed()
        self.sync(ticket)  # outside the lock: other writers commit meanwhile and share the flush

    def committed(self) -> int:
        """A ticket for the commit that just returned."""
        with self._condition:
            self._committed += 1
            return self._committed

    def sync(self, ticket: int) -> None:
        """Return once the commit of `ticket` is on the disk."""
        with self._condition:
            while self._synced < ticket:
                if self._syncing:
                    self._condition.wait()
                    continue
                self._syncing, covered = True, self._committed
                self._condition.release()
                try:
                    os.fsync(self._log_descriptor())
                finally:
                    self._condition.acquire()
                    self._syncing = False
                    self._condition.notify_all()
                self._synced = max(self._synced, covered)

    def _log_descriptor(self) -> int:
        # Opened on first use: the log exists once the first transaction has been written to it.
        if self._descriptor is None:
            self._descriptor = os.open(self._log, os.O_RDONLY)
        return self._descriptor

    def close(self) -> None:
        with self._condition:
            if self._descriptor is not None:
                os.close(self._descriptor)
                self._descriptor = None
