"""Where each pipe is in each shard, and what it dead-lettered: SQLite at the path its caller names.

A shard's checkpoint moves only after its batch has been handled (delivered, filtered out or
dead-lettered), so a restart replays at most the batch in flight: at-least-once, never a loss. A moved
checkpoint survives a crash of the process; one lost to a power failure only replays its batch (whose
target writes were durable before it moved), so it costs no disk flush. A dead letter is flushed.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from integrations.database import GroupCommit, open_database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS checkpoints (
    pipe TEXT NOT NULL, shard INTEGER NOT NULL, after INTEGER NOT NULL, PRIMARY KEY (pipe, shard)
);
CREATE TABLE IF NOT EXISTS dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT, pipe TEXT NOT NULL, created REAL NOT NULL,
    batch_info TEXT NOT NULL, records TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class DeadLetter:
    """Records a pipe gave up on: the Pipes DLQ message (`batch_info`) and the records themselves."""

    pipe: str
    created: float
    batch_info: dict[str, Any]
    records: list[dict[str, Any]]


class Checkpoints:
    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = open_database(path, synchronous="NORMAL")
        self._db.executescript(_SCHEMA)
        self._disk = GroupCommit(path)

    def close(self) -> None:
        with self._lock:
            self._db.close()
            self._disk.close()

    def get(self, pipe: str, shard: int) -> int | None:
        with self._lock:
            row = self._db.execute(
                "SELECT after FROM checkpoints WHERE pipe = ? AND shard = ?", (pipe, shard)
            ).fetchone()
        return None if row is None else int(row[0])

    def set(self, pipe: str, shard: int, after: int) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO checkpoints VALUES (?, ?, ?)", (pipe, shard, after))

    def dead_letter(self, pipe: str, created: float, batch_info: dict[str, Any], records: list[dict]) -> None:
        with self._disk.durable(self._lock):
            self._db.execute(
                "INSERT INTO dead_letters (pipe, created, batch_info, records) VALUES (?, ?, ?, ?)",
                (pipe, created, json.dumps(batch_info), json.dumps(records)),
            )

    def dead_letters(self, pipe: str) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
        return [
            (letter.batch_info, letter.records) for letter in self.all_dead_letters() if letter.pipe == pipe
        ]

    def all_dead_letters(self) -> list[DeadLetter]:
        """Every pipe's dead letters, oldest first (for `sma events dead-letters`)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT pipe, created, batch_info, records FROM dead_letters ORDER BY id"
            ).fetchall()
        return [
            DeadLetter(pipe, created, json.loads(info), json.loads(records))
            for pipe, created, info, records in rows
        ]
