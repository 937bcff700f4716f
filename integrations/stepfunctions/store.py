"""Executions in SQLite: written before a start is acknowledged, updated when the execution ends.

A start is on the disk before StartExecution answers (the caller, a bus delivery say, then forgets it).
An end survives a crash of the process; lost to a power failure, it leaves the execution RUNNING, and
the next start runs it again (at-least-once, as Express runs are): so it costs no disk flush.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from integrations.database import GroupCommit, open_database
from integrations.unicode_text import json_text

# Plain text columns are what executions are looked up and filtered by; the others hold JSON documents.
_TEXT_COLUMNS = (
    "arn",
    "state_machine_arn",
    "name",
    "type",
    "invocation",
    "status",
    "error",
    "cause",
    "start_date",
    "stop_date",
)
_JSON_COLUMNS = ("input", "output", "transitions", "resource_calls", "history", "states_visited")
_COLUMNS = _TEXT_COLUMNS + _JSON_COLUMNS


class JsonText(str):
    """A JSON column's value already written as JSON text (the store writes it as it is)."""


class ExecutionStore:
    """One row per execution; JSON columns hold documents (input, output, history, …)."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._db = open_database(path, synchronous="NORMAL")
        self._disk = GroupCommit(path)
        self._db.row_factory = sqlite3.Row
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS executions (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
            + ", ".join(f"{column} TEXT" for column in _COLUMNS)
            + ", UNIQUE (arn))"
        )
        # A state folder written before a column existed gets it (empty for the old rows).
        present = {row[1] for row in self._db.execute("PRAGMA table_info(executions)")}
        for column in _COLUMNS:
            if column not in present:
                self._db.execute(f"ALTER TABLE executions ADD COLUMN {column} TEXT")

    def insert(self, row: dict[str, Any]) -> None:
        values = [_encode(column, row.get(column)) for column in _COLUMNS]
        with self._disk.durable(self._lock):
            self._db.execute(
                f"INSERT INTO executions ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                values,
            )

    def update(self, arn: str, **fields: Any) -> None:
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self._lock:
            self._db.execute(
                f"UPDATE executions SET {assignments} WHERE arn = ?",
                [*(_encode(name, value) for name, value in fields.items()), arn],
            )

    def get(self, arn: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM executions WHERE arn = ?", (arn,)).fetchone()
        return _decode(row) if row else None

    def find(self, name_or_arn: str) -> dict[str, Any] | None:
        """An execution by ARN, by name, or by a unique prefix of either (for the CLI)."""
        found = self.get(name_or_arn)
        if found:
            return found
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM executions WHERE name = ? OR name LIKE ? OR arn LIKE ? ORDER BY seq DESC",
                (name_or_arn, f"{name_or_arn}%", f"%:{name_or_arn}%"),
            ).fetchall()
        return _decode(rows[0]) if len(rows) == 1 or (rows and rows[0]["name"] == name_or_arn) else None

    def list(
        self, state_machine_arn: str | None = None, status: str | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        clauses, values = [], []
        if state_machine_arn:
            clauses.append("state_machine_arn = ?")
            values.append(state_machine_arn)
        if status:
            clauses.append("status = ?")
            values.append(status)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._lock:
            rows = self._db.execute(
                f"SELECT * FROM executions {where} ORDER BY seq DESC LIMIT ?", [*values, limit]
            ).fetchall()
        return [_decode(row) for row in rows]

    def close(self) -> None:
        self._db.close()
        self._disk.close()


def _encode(column: str, value: Any) -> Any:
    if value is None or column in _TEXT_COLUMNS:
        return value
    return str(value) if isinstance(value, JsonText) else json_text(value)


def _decode(row: sqlite3.Row) -> dict[str, Any]:
    return {
        column: json.loads(row[column])
        if column in _JSON_COLUMNS and row[column] is not None
        else row[column]
        for column in _COLUMNS
    }
