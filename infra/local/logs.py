"""The local CloudWatch Logs: one JSON-lines log group per name (with its per-detail-type metric filter
counts), and subscriptions that hear every event written, as a log group's subscription filter does.
The live feed of `sma up` is such a subscription.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from integrations.bus.observability import Observer

Subscriber = Callable[[str, dict[str, Any]], None]


class LogGroups:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._groups: dict[str, Observer] = {}
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()

    def subscribe(self, subscriber: Subscriber) -> None:
        """Call `subscriber(group, event)` after each event is written to any group."""
        self._subscribers.append(subscriber)

    def put(self, group: str, event: dict[str, Any]) -> None:
        with self._lock:
            observer = self._groups.get(group)
            if observer is None:
                observer = self._groups[group] = Observer.for_group(group, self.directory)
        observer(event)
        for subscriber in list(self._subscribers):
            subscriber(group, event)
