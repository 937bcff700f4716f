"""The one way the local services open their SQLite files: write-ahead log, durable commits.

With WAL a reader never blocks the writer, and `synchronous=FULL` makes each commit reach the disk before
it returns, so what a service acknowledged survives a crash of the process and of the machine. `NORMAL`
(for the bus, on request) survives a process crash only, and is faster.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Literal


def open_database(
    path: Path,
    *,
    synchronous: Literal["FULL", "NORMAL"] = "FULL",
    autocommit: bool = True,
) -> sqlite3.Connection:
    """A connection usable from any thread (callers serialise with their own lock).

    `autocommit` (the default) leaves transactions to the caller's explicit BEGIN/COMMIT; without it,
    Python's sqlite3 opens one implicitly before each write and the caller commits.
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
