"""A pipe from a local stream to a state machine: read, filter, batch, transform, invoke, checkpoint.

Each shard is read after its checkpoint, BatchSize records at a time; a short batch waits up to
MaximumBatchingWindowInSeconds (on the injectable clock) for more. Records no filter matches are
dropped. A failed invocation is retried with exponential backoff up to MaximumRetryAttempts (or until
the records are older than MaximumRecordAgeInSeconds or the stream's retention); with
OnPartialBatchItemFailure AUTOMATIC_BISECT a failing batch is split in halves, each delivered on its
own, so one poison record ends up alone. Records that exhaust their retries go to the dead-letter
destination (and to the local dead-letter table, with the records themselves). The checkpoint moves
only once the whole batch is settled, so a crash replays at most the batch in flight.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from integrations.errors import ServiceError
from integrations.pipes.checkpoints import Checkpoints
from integrations.pipes.config import SERVICE, PipeConfig
from integrations.pipes.records import parsed_view, pipes_record
from integrations.pipes.target import Target, invoke
from integrations.stream import KinesisClient, StoredRecord
from integrations.stream.hashing import shard_id
from integrations.unicode_text import json_text

MAX_STATE_MACHINE_INPUT = 256 * 1024  # StartExecution's input limit
MAX_BACKOFF_SECONDS = 60.0


class Stopped(Exception):
    """The pipe was asked to stop while a batch was in flight; its checkpoint did not move."""


@dataclass
class PipeStats:
    records_read: int = 0
    filtered_out: int = 0
    delivered: int = 0
    invocations: int = 0
    failed_invocations: int = 0
    dead_lettered: int = 0


@dataclass(frozen=True)
class _Item:
    record: StoredRecord
    event: dict[str, Any]


class Pipe:
    def __init__(
        self,
        config: PipeConfig,
        kinesis: KinesisClient,
        target: Target,
        *,
        checkpoints: Checkpoints,
        dead_letter: Callable[[dict[str, Any]], None] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.config = config
        self.kinesis = kinesis
        self.clock = kinesis.clock
        self.target = target
        self.checkpoints = checkpoints
        self.dead_letter_destination = dead_letter
        self.stats = PipeStats()
        self.last_error: Exception | None = None
        self.arn = f"arn:aws:pipes:{kinesis.region}:{kinesis.account}:pipe/{config.name}"
        self.role_arn = f"arn:aws:iam::{kinesis.account}:role/pipe-{config.name}"
        self._stream_arn = kinesis.stream_arn(config.stream_name)
        self._stop = threading.Event()
        self._wake = threading.Event()  # set when records arrive or the pipe stops
        self._listening = False
        self._sleep = sleep if sleep is not None else self._interruptible_sleep
        self._lock = threading.Lock()
        self._pending_since: dict[int, float] = {}
        self._runner: threading.Thread | None = None
        info = kinesis.store.get(config.stream_name)
        if info is None:
            raise ServiceError(
                SERVICE, "ValidationException", f"Source stream {self._stream_arn} does not exist."
            )
        self._shards = range(info.shard_count)
        self._retention_seconds = info.retention_hours * 3600
        for shard in self._shards:
            self._position(shard)  # fix the starting position now, so LATEST means "from creation"

    # -- polling ---------------------------------------------------------------------------------------

    def poll_once(self, *, force: bool = False) -> int:
        """Handle at most one batch per shard; returns the records settled. `force` ignores the window."""
        with self._lock:
            return sum(self._poll_shard(shard, force) for shard in self._shards)

    def drain(self, max_polls: int = 10_000) -> int:
        """Poll until every shard is caught up (batching windows ignored); returns the records settled."""
        total = 0
        for _ in range(max_polls):
            settled = self.poll_once(force=True)
            if not settled:
                return total
            total += settled
        return total

    def _position(self, shard: int) -> int:
        after = self.checkpoints.get(self.config.name, shard)
        if after is not None:
            return after
        store, stream = self.kinesis.store, self.config.stream_name
        if self.config.starting_position == "TRIM_HORIZON":
            after = 0
        elif self.config.starting_position == "AT_TIMESTAMP":
            first = store.first_at_or_after(stream, shard, self.config.starting_timestamp or 0.0)
            after = first - 1 if first is not None else store.last_sequence(stream, shard)
        else:
            after = store.last_sequence(stream, shard)
        self.checkpoints.set(self.config.name, shard, after)
        return after

    def _poll_shard(self, shard: int, force: bool) -> int:
        records = self.kinesis.store.read(
            self.config.stream_name, shard, self._position(shard), self.config.batch_size
        )
        if not records:
            self._pending_since.pop(shard, None)
            return 0
        if len(records) < self.config.batch_size and self.config.batching_window_seconds and not force:
            since = self._pending_since.setdefault(shard, self.clock())
            if self.clock() - since < self.config.batching_window_seconds:
                return 0
        self._pending_since.pop(shard, None)
        self.stats.records_read += len(records)
        items = [
            _Item(r, pipes_record(r, self._stream_arn, self.kinesis.region, self.role_arn)) for r in records
        ]
        kept = [item for item in items if self._passes(item.event)]
        self.stats.filtered_out += len(items) - len(kept)
        for chunk in self._chunks_by_size(kept):
            self._deliver(chunk, attempts=0)
        self.checkpoints.set(self.config.name, shard, records[-1].seq)
        return len(records)

    def _passes(self, event: dict[str, Any]) -> bool:
        if not self.config.filters:
            return True
        view = parsed_view(event)
        return any(pattern.matches(view) for pattern in self.config.filters)

    # -- delivery --------------------------------------------------------------------------------------

    def _payload(self, batch: Sequence[_Item]) -> str:
        template = self.config.input_template
        if template is None:
            return json_text([item.event for item in batch])
        variables = {
            "aws.pipes.pipe-arn": self.arn,
            "aws.pipes.pipe-name": self.config.name,
            "aws.pipes.source-arn": self._stream_arn,
            "aws.pipes.target-arn": self.config.target_arn,
            "aws.pipes.event.ingestion-time": _iso(self.clock()),
        }
        rendered = [template.render(parsed_view(item.event), variables) for item in batch]
        return "[" + ",".join(text if template.is_json else json_text(text) for text in rendered) + "]"

    def _chunks_by_size(self, items: Sequence[_Item]) -> list[list[_Item]]:
        """Cut a batch so each invocation's input, as rendered, stays within the state machine's input
        limit (UTF-8 bytes); a record too large on its own gets a chunk of its own, and fails there."""
        chunks: list[list[_Item]] = []
        size = 0
        for item in items:
            length = len(self._payload([item]).encode("utf-8"))
            if not chunks or size + length > MAX_STATE_MACHINE_INPUT:
                chunks.append([])
                size = 0
            chunks[-1].append(item)
            size += length
        return chunks

    def _deliver(self, batch: Sequence[_Item], attempts: int) -> None:
        while batch:
            if self._stop.is_set():
                raise Stopped
            outcome = invoke(
                self.target,
                self.config.invocation_type,
                self._payload(batch),
                [item.record.sequence_number for item in batch],
            )
            self.stats.invocations += 1
            if outcome.succeeded(len(batch)):
                self.stats.delivered += len(batch)
                return
            self.stats.failed_invocations += 1
            self.stats.delivered += outcome.failed_from
            batch = batch[outcome.failed_from :]
            if self.config.bisect_on_failure and len(batch) > 1:
                middle = len(batch) // 2  # splitting does not count as a retry
                self._deliver(batch[:middle], attempts)
                self._deliver(batch[middle:], attempts)
                return
            attempts += 1
            condition = self._exhausted(batch, attempts)
            if condition:
                self._dead_letter(batch, condition, outcome.error, attempts)
                return
            self._sleep(min(2.0 ** (attempts - 1), MAX_BACKOFF_SECONDS))

    def _exhausted(self, batch: Sequence[_Item], attempts: int) -> str:
        retries = self.config.maximum_retry_attempts
        if retries >= 0 and attempts > retries:
            return "RetryAttemptsExhausted"
        age = self.clock() - batch[0].record.arrival
        if 0 <= self.config.maximum_record_age_seconds < age:
            return "MaximumRecordAgeExceeded"
        if age > self._retention_seconds:
            return "RecordsExpired"
        return ""

    def _dead_letter(self, batch: Sequence[_Item], condition: str, error: str, attempts: int) -> None:
        first, last = batch[0].record, batch[-1].record
        info = {
            "context": {
                "partnerResourceArn": self.arn,
                "condition": condition,
                "requestId": str(uuid.uuid4()),
                "errorMessage": error,
                "timestamp": datetime.fromtimestamp(self.clock(), UTC).isoformat().replace("+00:00", "Z"),
                "attempts": attempts,
            },
            "KinesisBatchInfo": {
                "shardId": shard_id(first.shard),
                "startSequenceNumber": first.sequence_number,
                "endSequenceNumber": last.sequence_number,
                "approximateArrivalOfFirstRecord": _iso(first.arrival),
                "approximateArrivalOfLastRecord": _iso(last.arrival),
                "batchSize": len(batch),
                "streamArn": self._stream_arn,
            },
        }
        # Kinesis DLQ messages carry only the batch's coordinates; the local table keeps the records too,
        # so nothing is lost once the stream's retention has passed.
        self.checkpoints.dead_letter(self.config.name, self.clock(), info, [item.event for item in batch])
        self.stats.dead_lettered += len(batch)
        if self.dead_letter_destination is not None:
            self.dead_letter_destination(info)

    # -- background runner -----------------------------------------------------------------------------

    def _interruptible_sleep(self, seconds: float) -> None:
        if self._stop.wait(seconds):
            raise Stopped

    def start(self, every_seconds: float = 1.0) -> None:
        """Poll from a background thread until `stop()`: at once when records are appended in this
        process (the stream says so), and every `every_seconds` otherwise (other writers, windows)."""
        if self._runner is not None:
            return
        self._stop.clear()
        if not self._listening:
            self.kinesis.store.on_append(self._records_arrived)
            self._listening = True
        self._runner = threading.Thread(
            target=self._run, args=(every_seconds,), name=f"pipe-{self.config.name}"
        )
        self._runner.daemon = True
        self._runner.start()

    def _records_arrived(self, stream: str) -> None:
        if stream == self.config.stream_name:
            self._wake.set()

    def _run(self, every_seconds: float) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                settled = self.poll_once()
            except Stopped:
                return
            except (ServiceError, OSError, sqlite3.Error) as error:  # keep polling: the next poll retries
                self.last_error = error
                settled = 0
            if not settled:
                self._wake.wait(every_seconds)

    def stop(self, timeout: float | None = 30.0) -> None:
        """Stop polling; a batch in flight stops between attempts and is replayed on the next start."""
        self._stop.set()
        self._wake.set()
        if self._runner is not None:
            self._runner.join(timeout)
            self._runner = None

    def dead_letters(self) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
        return self.checkpoints.dead_letters(self.config.name)


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
