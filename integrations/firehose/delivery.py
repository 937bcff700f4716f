"""Delivery streams at work: buffer durably, then deliver objects into the object store when a
partition's buffer reaches SizeInMBs, when its oldest record has waited IntervalInSeconds (on an
injectable clock), or on `flush()` / shutdown.

An object's key is derived from the ids of the records it holds, and the records an object will hold
are recorded (a delivery intent) before it is written, so delivering again after a crash (between
writing the object and forgetting the records) rewrites the same object with the same records instead
of adding a duplicate. Records that dynamic partitioning cannot place go, with the reason, to the
ErrorOutputPrefix in Firehose's error-record format: nothing accepted is dropped.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from integrations.errors import ServiceError
from integrations.firehose import prefixes
from integrations.firehose.buffer import ERROR_PARTITION, Buffer, Buffered, Incoming, PartitionState
from integrations.firehose.config import SERVICE, DeliveryStreamConfig, from_api
from integrations.objectstore import ObjectStore

Clock = Callable[[], float]
_KEY_NAMESPACE = uuid.UUID("5f0c1c1e-6a0d-4e43-9a9b-2f8b8f4b7a11")
ERROR_OUTPUT_TYPE = "processing-failed"
ERROR_CODE = "DynamicPartitioning.MetadataExtractionFailed"


class DeliveryStreams:
    """Every delivery stream of the local cloud, their durable buffer and their deliveries."""

    def __init__(self, objects: ObjectStore, *, path: Path, clock: Clock = time.time) -> None:
        self.objects = objects
        self.clock = clock
        self.buffer = Buffer(path)
        self._lock = threading.RLock()
        self._configs: dict[str, DeliveryStreamConfig] = {}
        self._created: dict[str, float] = {}
        for name, destination, created in self.buffer.streams():
            self._configs[name] = from_api(name, destination)
            self._created[name] = created
        self._stop = threading.Event()
        self._runner: threading.Thread | None = None
        self.last_error: Exception | None = None

    # -- configuration ---------------------------------------------------------------------------------

    def create(self, name: str, destination: dict[str, Any]) -> bool:
        config = from_api(name, destination)
        with self._lock:
            if not self.buffer.add_stream(name, destination, self.clock()):
                return False
            self._configs[name] = config
            self._created[name] = self.clock()
        return True

    def update(self, name: str, destination: dict[str, Any]) -> None:
        """Replace a stream's destination (UpdateDestination); records already buffered keep flowing,
        delivered with the new configuration."""
        config = from_api(name, destination)
        self.config(name)
        with self._lock:
            self.buffer.set_destination(name, destination)
            self._configs[name] = config

    def ensure(self, name: str, destination: dict[str, Any]) -> None:
        """Create the stream, or bring an existing one's destination up to date (for a local cloud that
        is rebuilt from its topology on every start)."""
        if not self.create(name, destination) and self.config(name).api_shape != destination:
            self.update(name, destination)

    def config(self, name: str) -> DeliveryStreamConfig:
        with self._lock:
            if name not in self._configs:  # created by another process since we started
                for stream, destination, created in self.buffer.streams():
                    self._configs.setdefault(stream, from_api(stream, destination))
                    self._created.setdefault(stream, created)
            config = self._configs.get(name)
        if config is None:
            raise ServiceError(
                SERVICE, "ResourceNotFoundException", f"Firehose {name} under this account not found."
            )
        return config

    def created(self, name: str) -> float:
        self.config(name)
        return self._created[name]

    def names(self) -> list[str]:
        return [name for name, _, _ in self.buffer.streams()]

    def delete(self, name: str) -> None:
        self.flush(name)  # Firehose would drop the buffer; nothing accepted is lost here
        with self._lock:
            self.buffer.remove_stream(name)
            self._configs.pop(name, None)

    # -- writes ----------------------------------------------------------------------------------------

    def put(self, name: str, records: Sequence[bytes]) -> list[int]:
        """Buffer records durably (committed when this returns); deliver partitions that are full."""
        config = self.config(name)
        incoming = [_place(config, data) for data in records]
        ids = self.buffer.append(name, incoming, self.clock())
        for partition in {record.partition for record in incoming}:
            state = self.buffer.partition(name, partition)
            if state is not None and state.size >= config.size_bytes:
                try:
                    self._deliver_partition(config, state)
                except (ServiceError, OSError) as error:  # accepted anyway: it stays buffered for a retry
                    self.last_error = error
        return ids

    # -- delivery --------------------------------------------------------------------------------------

    def tick(self) -> int:
        """Deliver every partition whose oldest record has waited the buffering interval; objects written."""
        written = 0
        for name in self.names():
            config = self.config(name)
            for state in self.buffer.partitions(name):
                if self.clock() - state.oldest >= config.interval_seconds or state.size >= config.size_bytes:
                    written += self._deliver_partition(config, state)
        return written

    def flush(self, name: str | None = None) -> int:
        """Deliver everything buffered (for one stream or all); objects written."""
        written = 0
        for stream in [name] if name else self.names():
            config = self.config(stream)
            for state in self.buffer.partitions(stream):
                written += self._deliver_partition(config, state)
        return written

    def _deliver_partition(self, config: DeliveryStreamConfig, state: PartitionState) -> int:
        written = 0
        with self._lock:
            for chunk in self.buffer.intents(config.name, state.partition):  # unfinished deliveries first
                written += self._deliver_chunk(config, state, chunk)
            for chunk in self.buffer.chunks(config.name, state, config.size_bytes):
                self.buffer.begin_delivery(config.name, state.partition, chunk)
                written += self._deliver_chunk(config, state, chunk)
        return written

    def _deliver_chunk(
        self, config: DeliveryStreamConfig, state: PartitionState, chunk: list[Buffered]
    ) -> int:
        key, body = _object(config, state, chunk)
        # A missing bucket fails here; the records and the intent stay for the next attempt.
        self.objects.put(config.bucket, key, body, content_type="application/octet-stream")
        self.buffer.complete_delivery(config.name, chunk)
        return 1

    # -- background runner -----------------------------------------------------------------------------

    def start(self, every_seconds: float = 1.0) -> None:
        """Deliver on the buffering interval from a background thread until `stop()`."""
        if self._runner is not None:
            return
        self._stop.clear()
        self._runner = threading.Thread(target=self._run, args=(every_seconds,), name="firehose", daemon=True)
        self._runner.start()

    def _run(self, every_seconds: float) -> None:
        while not self._stop.wait(every_seconds):
            try:
                self.tick()
            except (ServiceError, OSError, sqlite3.Error) as error:  # e.g. no bucket yet: retry next tick
                self.last_error = error

    def stop(self) -> None:
        """Stop the runner and deliver what is buffered (Firehose delivers on shutdown of the stream)."""
        self._stop.set()
        if self._runner is not None:
            self._runner.join()
            self._runner = None
        self.flush()

    def close(self) -> None:
        self.buffer.close()


def _place(config: DeliveryStreamConfig, data: bytes) -> Incoming:
    """Which partition a record belongs to, or why it cannot be partitioned."""
    if not config.dynamic_partitioning:
        return Incoming("{}", None, data)
    try:
        keys = config.partition_keys(json.loads(data))
    except (ValueError, UnicodeDecodeError) as error:
        return Incoming(ERROR_PARTITION, f"Non JSON record or missing partition key: {error}", data)
    return Incoming(json.dumps(keys, sort_keys=True), None, data)


def _object(config: DeliveryStreamConfig, state: PartitionState, chunk: list[Buffered]) -> tuple[str, bytes]:
    moment = prefixes.utc(chunk[0].arrival)
    random = str(uuid.uuid5(_KEY_NAMESPACE, f"{config.name}/{chunk[0].id}/{chunk[-1].id}"))
    name = prefixes.object_name(config.name, moment, random)
    if state.partition == ERROR_PARTITION:
        prefix = config.error_output_prefix or "processing-failed/"
        key = prefixes.render(prefix, moment, random=random[:11], error_type=ERROR_OUTPUT_TYPE) + name
        return key, b"".join(_error_record(record, record.error or "") for record in chunk)
    partition = json.loads(state.partition)
    key = prefixes.render(config.prefix, moment, partition=partition, random=random[:11]) + name
    delimiter = (config.delimiter or "").encode("utf-8")
    return key, b"".join(record.data + delimiter for record in chunk)


def _error_record(record: Buffered, reason: str) -> bytes:
    """One line in the shape Firehose writes to the error prefix."""
    line = {
        "attemptsMade": 1,
        "arrivalTimestamp": int(record.arrival * 1000),
        "errorCode": ERROR_CODE,
        "errorMessage": reason,
        "attemptEndingTimestamp": int(record.arrival * 1000),
        "rawData": base64.b64encode(record.data).decode("ascii"),
    }
    return json.dumps(line).encode("utf-8") + b"\n"
