"""Kinesis's per-shard write limits (1,000 records and 1 MiB per second), on an injectable clock.

Exceeding them is how a real stream answers a burst: `ProvisionedThroughputExceededException`, per
record in PutRecords. Producers that retry with backoff behave the same here as on AWS.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

RECORDS_PER_SECOND = 1000
BYTES_PER_SECOND = 1024 * 1024


@dataclass
class _Window:
    second: int = -1
    records: int = 0
    size: int = 0


class ShardThroughput:
    """Counts writes per shard per whole second of the clock."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._windows: dict[tuple[str, int], _Window] = {}
        self._lock = threading.Lock()

    def admit(self, stream: str, shard: int, size: int) -> bool:
        """Record a write of `size` bytes if the shard has room this second; False when it has not."""
        second = int(self._clock())
        with self._lock:
            window = self._windows.setdefault((stream, shard), _Window())
            if window.second != second:
                window.second, window.records, window.size = second, 0, 0
            if window.records + 1 > RECORDS_PER_SECOND or window.size + size > BYTES_PER_SECOND:
                return False
            window.records += 1
            window.size += size
            return True
