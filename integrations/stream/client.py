"""`KinesisClient`: boto3's Kinesis client methods, arguments, responses and error codes over the
durable local stream.

Limits are Kinesis's: 1 MiB per record (data plus partition key), partition keys of 1-256 characters,
at most 500 records and 5 MiB per PutRecords call, and 1,000 records / 1 MiB per second per shard
(`ProvisionedThroughputExceededException`; per record in PutRecords, which never fails as a whole for
throughput). Over-limit input fails with the same error codes as on AWS and writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from integrations.errors import ServiceError
from integrations.identity import DEFAULT_ACCOUNT_ID, DEFAULT_REGION
from integrations.stream import iterators
from integrations.stream.hashing import (
    HASH_KEY_LIMIT,
    partition_hash,
    shard_for,
    shard_id,
    shard_index,
    shard_ranges,
)
from integrations.stream.store import (
    DEFAULT_RETENTION_HOURS,
    StreamInfo,
    StreamStore,
    format_sequence,
    parse_sequence,
)
from integrations.stream.throughput import ShardThroughput

SERVICE = "kinesis"
MAX_RECORD_BYTES = 1024 * 1024
MAX_RECORDS_PER_CALL = 500
MAX_CALL_BYTES = 5 * 1024 * 1024
MAX_GET_RECORDS = 10_000
MAX_GET_BYTES = 10 * 1024 * 1024
_STREAM_NAME = re.compile(r"^[a-zA-Z0-9_.-]{1,128}$")
_HASH_KEY = re.compile(r"^(0|[1-9]\d{0,38})$")


def _validation(message: str) -> ServiceError:
    return ServiceError(SERVICE, "ValidationException", f"1 validation error detected: {message}")


def _invalid(message: str) -> ServiceError:
    return ServiceError(SERVICE, "InvalidArgumentException", message)


def _as_bytes(data: Any) -> bytes:
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data)
    if isinstance(data, str):
        return data.encode("utf-8")
    if hasattr(data, "read"):
        return _as_bytes(data.read())
    raise _validation(f"Value at 'data' must be a blob, not {type(data).__name__}")


def _meta() -> dict[str, Any]:
    return {"ResponseMetadata": {"HTTPStatusCode": 200, "RetryAttempts": 0}}


class KinesisClient:
    """A boto3-compatible Kinesis client; every write is durable before the call returns."""

    def __init__(
        self,
        store: StreamStore,
        *,
        region: str = DEFAULT_REGION,
        account: str = DEFAULT_ACCOUNT_ID,
        enforce_throughput: bool = True,
    ) -> None:
        self.store = store
        self.clock = self.store.clock
        self.region = region
        self.account = account
        self._throughput = ShardThroughput(self.clock) if enforce_throughput else None

    def stream_arn(self, name: str) -> str:
        return f"arn:aws:kinesis:{self.region}:{self.account}:stream/{name}"

    # -- streams ---------------------------------------------------------------------------------------

    def create_stream(self, *, StreamName: str, ShardCount: int = 1, **_options: Any) -> dict[str, Any]:
        if not _STREAM_NAME.match(StreamName):
            raise _validation(f"Value '{StreamName}' at 'streamName' failed to satisfy constraint")
        if not isinstance(ShardCount, int) or ShardCount < 1:
            raise _validation("Value at 'shardCount' failed to satisfy constraint: Member must be >= 1")
        if not self.store.create(StreamName, ShardCount):
            raise ServiceError(
                SERVICE,
                "ResourceInUseException",
                f"Stream {StreamName} under account {self.account} already exists.",
            )
        return _meta()

    def delete_stream(self, *, StreamName: str | None = None, StreamARN: str | None = None, **_: Any) -> dict:
        info = self._stream(StreamName, StreamARN)
        self.store.delete(info.name)
        return _meta()

    def list_streams(self, **_options: Any) -> dict[str, Any]:
        names = self.store.names()
        summaries = [
            {"StreamName": n, "StreamARN": self.stream_arn(n), "StreamStatus": "ACTIVE"} for n in names
        ]
        return {"StreamNames": names, "HasMoreStreams": False, "StreamSummaries": summaries, **_meta()}

    def describe_stream(
        self, *, StreamName: str | None = None, StreamARN: str | None = None, **_: Any
    ) -> dict:
        info = self._stream(StreamName, StreamARN)
        return {
            "StreamDescription": {
                "StreamName": info.name,
                "StreamARN": self.stream_arn(info.name),
                "StreamStatus": "ACTIVE",
                "StreamModeDetails": {"StreamMode": "PROVISIONED"},
                "Shards": self._shards(info),
                "HasMoreShards": False,
                "RetentionPeriodHours": info.retention_hours,
                "StreamCreationTimestamp": datetime.fromtimestamp(info.created, UTC),
                "EnhancedMonitoring": [{"ShardLevelMetrics": []}],
                "EncryptionType": "NONE",
            },
            **_meta(),
        }

    def list_shards(self, *, StreamName: str | None = None, StreamARN: str | None = None, **_: Any) -> dict:
        return {"Shards": self._shards(self._stream(StreamName, StreamARN)), **_meta()}

    def increase_stream_retention_period(
        self, *, RetentionPeriodHours: int, StreamName: str | None = None, StreamARN: str | None = None
    ) -> dict[str, Any]:
        info = self._stream(StreamName, StreamARN)
        if RetentionPeriodHours < info.retention_hours or RetentionPeriodHours > 8760:
            raise _invalid(
                f"Requested retention period ({RetentionPeriodHours} hours) for stream {info.name} "
                f"can not be shorter than existing retention period ({info.retention_hours} hours) "
                "or over 8760 hours."
            )
        self.store.set_retention(info.name, RetentionPeriodHours)
        return _meta()

    def decrease_stream_retention_period(
        self, *, RetentionPeriodHours: int, StreamName: str | None = None, StreamARN: str | None = None
    ) -> dict[str, Any]:
        info = self._stream(StreamName, StreamARN)
        if RetentionPeriodHours > info.retention_hours or RetentionPeriodHours < DEFAULT_RETENTION_HOURS:
            raise _invalid(
                f"Requested retention period ({RetentionPeriodHours} hours) for stream {info.name} "
                f"can not be longer than existing retention period ({info.retention_hours} hours) "
                "or under 24 hours."
            )
        self.store.set_retention(info.name, RetentionPeriodHours)
        return _meta()

    # -- writes ----------------------------------------------------------------------------------------

    def put_record(
        self,
        *,
        Data: Any,
        PartitionKey: str,
        StreamName: str | None = None,
        StreamARN: str | None = None,
        ExplicitHashKey: str | None = None,
        SequenceNumberForOrdering: str | None = None,  # ordering is per shard here anyway
    ) -> dict[str, Any]:
        del SequenceNumberForOrdering
        info = self._stream(StreamName, StreamARN)
        data = _as_bytes(Data)
        shard = self._route(info, data, PartitionKey, ExplicitHashKey, "")
        if not self._admit(info, shard, data, PartitionKey):
            raise ServiceError(
                SERVICE, "ProvisionedThroughputExceededException", self._rate_message(info, shard)
            )
        [stored] = self.store.append(info.name, [(shard, PartitionKey, data)])
        return {
            "ShardId": shard_id(shard),
            "SequenceNumber": stored.sequence_number,
            "EncryptionType": "NONE",
            **_meta(),
        }

    def put_records(
        self,
        *,
        Records: Sequence[Mapping[str, Any]],
        StreamName: str | None = None,
        StreamARN: str | None = None,
    ) -> dict[str, Any]:
        info = self._stream(StreamName, StreamARN)
        if not 1 <= len(Records) <= MAX_RECORDS_PER_CALL:
            raise _validation(
                f"Value at 'records' failed to satisfy constraint: Member must have length between 1 and "
                f"{MAX_RECORDS_PER_CALL} (got {len(Records)})"
            )
        # Validate the whole request first: an invalid record rejects the call and writes nothing.
        routed = []
        total = 0
        for index, record in enumerate(Records):
            data = _as_bytes(record.get("Data", b""))
            key = record.get("PartitionKey", "")
            total += len(data) + len(key.encode("utf-8"))
            routed.append(
                (
                    self._route(info, data, key, record.get("ExplicitHashKey"), f"records.{index + 1}."),
                    key,
                    data,
                )
            )
        if total > MAX_CALL_BYTES:
            raise _invalid(
                f"Records size {total} exceeds the limit of {MAX_CALL_BYTES} bytes per PutRecords call."
            )
        admitted = [self._admit(info, shard, data, key) for shard, key, data in routed]
        stored = iter(self.store.append(info.name, [r for r, ok in zip(routed, admitted, strict=True) if ok]))
        results: list[dict[str, str]] = []
        for (shard, _key, _data), ok in zip(routed, admitted, strict=True):
            if ok:
                results.append({"SequenceNumber": next(stored).sequence_number, "ShardId": shard_id(shard)})
            else:
                results.append(
                    {
                        "ErrorCode": "ProvisionedThroughputExceededException",
                        "ErrorMessage": self._rate_message(info, shard),
                    }
                )
        return {
            "FailedRecordCount": admitted.count(False),
            "Records": results,
            "EncryptionType": "NONE",
            **_meta(),
        }

    # -- reads -----------------------------------------------------------------------------------------

    def get_shard_iterator(
        self,
        *,
        ShardId: str,
        ShardIteratorType: str,
        StreamName: str | None = None,
        StreamARN: str | None = None,
        StartingSequenceNumber: str | None = None,
        Timestamp: datetime | float | None = None,
    ) -> dict[str, Any]:
        info = self._stream(StreamName, StreamARN)
        shard = shard_index(ShardId)
        if shard is None or shard >= info.shard_count:
            raise ServiceError(
                SERVICE,
                "ResourceNotFoundException",
                f"Shard {ShardId} in stream {info.name} under account {self.account} does not exist",
            )
        after = self._start(info, shard, ShardIteratorType, StartingSequenceNumber, Timestamp)
        position = iterators.Position(info.name, shard, after, self.clock())
        return {"ShardIterator": iterators.encode(position), **_meta()}

    def get_records(self, *, ShardIterator: str, Limit: int = MAX_GET_RECORDS, **_: Any) -> dict[str, Any]:
        if not 1 <= Limit <= MAX_GET_RECORDS:
            raise _validation(f"Value '{Limit}' at 'limit' failed to satisfy constraint: between 1 and 10000")
        position = iterators.decode(ShardIterator, self.clock())
        info = self._stream(position.stream, None)
        batch = self.store.read(info.name, position.shard, position.after, Limit)
        records: list[dict[str, Any]] = []
        size = 0
        for stored in batch:
            size += len(stored.data)
            if records and size > MAX_GET_BYTES:
                break
            records.append(
                {
                    "SequenceNumber": stored.sequence_number,
                    "ApproximateArrivalTimestamp": datetime.fromtimestamp(stored.arrival, UTC),
                    "Data": stored.data,
                    "PartitionKey": stored.partition_key,
                }
            )
        after = parse_sequence(records[-1]["SequenceNumber"]) if records else position.after
        latest = self.store.last_sequence(info.name, position.shard)
        behind = 0
        if records and after is not None and after < latest:
            behind = max(int((self.clock() - batch[len(records) - 1].arrival) * 1000), 0)
        following = iterators.Position(info.name, position.shard, after or 0, self.clock())
        return {
            "Records": records,
            "NextShardIterator": iterators.encode(following),
            "MillisBehindLatest": behind,
            **_meta(),
        }

    # -- helpers ---------------------------------------------------------------------------------------

    def _stream(self, name: str | None, arn: str | None) -> StreamInfo:
        if name is None and arn is not None:
            name = arn.rsplit("/", 1)[-1]
        if not name:
            raise _invalid("Either StreamName or StreamARN must be provided.")
        info = self.store.get(name)
        if info is None:
            raise ServiceError(
                SERVICE, "ResourceNotFoundException", f"Stream {name} under account {self.account} not found."
            )
        return info

    def _shards(self, info: StreamInfo) -> list[dict[str, Any]]:
        return [
            {
                "ShardId": shard_id(index),
                "HashKeyRange": {"StartingHashKey": str(start), "EndingHashKey": str(end)},
                "SequenceNumberRange": {"StartingSequenceNumber": format_sequence(0)},
            }
            for index, (start, end) in enumerate(shard_ranges(info.shard_count))
        ]

    def _route(self, info: StreamInfo, data: bytes, key: str, explicit: str | None, where: str) -> int:
        if not isinstance(key, str) or not 1 <= len(key) <= 256:
            raise _validation(
                f"Value at '{where}partitionKey' failed to satisfy constraint: "
                "Member must have length between 1 and 256"
            )
        if len(data) + len(key.encode("utf-8")) > MAX_RECORD_BYTES:
            raise _validation(
                f"Value at '{where}data' failed to satisfy constraint: Member must have length less than or "
                f"equal to {MAX_RECORD_BYTES} (with the partition key; got {len(data)} bytes)"
            )
        if explicit is None:
            return shard_for(partition_hash(key), info.shard_count)
        if not _HASH_KEY.match(explicit) or int(explicit) >= HASH_KEY_LIMIT:
            raise _invalid(f"Invalid ExplicitHashKey {explicit!r}: must be a decimal in [0, 2^128).")
        return shard_for(int(explicit), info.shard_count)

    def _admit(self, info: StreamInfo, shard: int, data: bytes, key: str) -> bool:
        if self._throughput is None:
            return True
        return self._throughput.admit(info.name, shard, len(data) + len(key.encode("utf-8")))

    def _rate_message(self, info: StreamInfo, shard: int) -> str:
        return (
            f"Rate exceeded for shard {shard_id(shard)} in stream {info.name} under account {self.account}."
        )

    def _start(
        self,
        info: StreamInfo,
        shard: int,
        kind: str,
        sequence: str | None,
        timestamp: datetime | float | None,
    ) -> int:
        if kind == "TRIM_HORIZON":
            return 0
        if kind == "LATEST":
            return self.store.last_sequence(info.name, shard)
        if kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
            counter = parse_sequence(sequence or "")
            if counter is None:
                raise _invalid(
                    f"StartingSequenceNumber {sequence!r} used in GetShardIterator on shard "
                    f"{shard_id(shard)} in stream {info.name} under account {self.account} is invalid."
                )
            return counter - 1 if kind == "AT_SEQUENCE_NUMBER" else counter
        if kind == "AT_TIMESTAMP":
            if timestamp is None:
                raise _invalid("Timestamp is required for ShardIteratorType AT_TIMESTAMP.")
            moment = timestamp.timestamp() if isinstance(timestamp, datetime) else float(timestamp)
            first = self.store.first_at_or_after(info.name, shard, moment)
            return first - 1 if first is not None else self.store.last_sequence(info.name, shard)
        raise _validation(
            f"Value '{kind}' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy "
            "enum value set: [AFTER_SEQUENCE_NUMBER, AT_SEQUENCE_NUMBER, AT_TIMESTAMP, TRIM_HORIZON, LATEST]"
        )
