"""Execution history (events shaped like GetExecutionHistory) and the counters AWS bills and reports."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime
from typing import Any

from workflows import json_codec

# Step Functions caps a state's input and output, and a task's result, at 256 KiB of UTF-8.
PAYLOAD_LIMIT = 256 * 1024
_FAST_SAFE_CHARS = PAYLOAD_LIMIT // 4  # no UTF-8 character is longer than 4 bytes
# A Standard execution whose history reaches 25,000 events fails. Express executions have no such limit on
# AWS (only five minutes), but under a virtual clock a loop of Pass states never uses time, so they get a
# far higher limit that only an endless loop reaches.
EVENT_LIMIT = 25_000
EXPRESS_EVENT_LIMIT = 1_000_000


def to_json(value: Any) -> str:
    """The compact JSON Step Functions writes into history events and passes between states."""
    return json_codec.dumps(value)


def utf8_size(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode())


def over_limit(text: str) -> bool:
    return len(text) > _FAST_SAFE_CHARS and utf8_size(text) > PAYLOAD_LIMIT


class HistoryLimitExceeded(Exception):
    """The execution recorded as many events as AWS allows; nothing inside can catch this."""


def size_cause(state: str) -> str:
    return (
        f"The state/task '{state}' returned a result with a size exceeding the maximum number of bytes "
        "service limit."
    )


class History:
    """The ordered events of one execution; safe to append to from branch threads."""

    def __init__(self, event_limit: int = EVENT_LIMIT) -> None:
        self.event_limit = event_limit
        self.events: list[dict[str, Any]] = []
        self.transitions = 0  # state transitions, as Standard workflows are billed
        self.resource_calls: Counter[str] = Counter()
        self.states_visited: list[str] = []
        self._lock = threading.Lock()

    def add(
        self,
        kind: str,
        timestamp: datetime,
        previous: int,
        details_key: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> int:
        with self._lock:
            event_id = len(self.events) + 1
            if event_id >= self.event_limit and not kind.startswith("Execution"):
                raise HistoryLimitExceeded

            event: dict[str, Any] = {
                "timestamp": timestamp,
                "type": kind,
                "id": event_id,
                "previousEventId": previous,
            }
            if details_key is not None:
                event[details_key] = details
            self.events.append(event)
            return event_id

    def entered(self, path: str) -> None:
        with self._lock:
            self.transitions += 1
            self.states_visited.append(path)

    def retried(self) -> None:
        with self._lock:
            self.transitions += 1

    def called(self, resource: str) -> None:
        with self._lock:
            self.resource_calls[resource] += 1
