"""The local Kinesis stream: routing, sequence numbers, limits, iterators, retention, durability."""

from __future__ import annotations

import hashlib

import botocore.session
import pytest

from integrations.errors import ServiceError
from integrations.stream import KinesisClient, StreamStore
from integrations.stream.hashing import shard_ranges

MODEL = botocore.session.get_session().get_service_model("kinesis")


def members(operation: str) -> set[str]:
    return set(MODEL.operation_model(operation).output_shape.members)


class FakeClock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def kinesis(sma_home, clock) -> KinesisClient:
    client = KinesisClient(StreamStore(sma_home / "streams.sqlite3", clock=clock))
    client.create_stream(StreamName="ingress", ShardCount=4)
    return client


def read_all(client: KinesisClient, shard: str, kind: str = "TRIM_HORIZON", **extra) -> list[dict]:
    iterator = client.get_shard_iterator(
        StreamName="ingress", ShardId=shard, ShardIteratorType=kind, **extra
    )["ShardIterator"]
    return client.get_records(ShardIterator=iterator)["Records"]


def expected_shard(partition_key: str, shards: int = 4) -> str:
    value = int(hashlib.md5(partition_key.encode()).hexdigest(), 16)
    index = next(i for i, (start, end) in enumerate(shard_ranges(shards)) if start <= value <= end)
    return f"shardId-{index:012d}"


def test_partition_keys_route_by_md5_like_kinesis(kinesis: KinesisClient) -> None:
    for key in ("alpha", "beta", "gamma", "delta", "epsilon", "tweet-1", "tweet-2"):
        response = kinesis.put_record(StreamName="ingress", Data=b"x", PartitionKey=key)
        assert response["ShardId"] == expected_shard(key)
        assert set(response) - {"ResponseMetadata"} <= members("PutRecord")


def test_hash_key_ranges_cover_the_whole_space_without_gaps() -> None:
    for count in (1, 3, 4, 7):
        ranges = shard_ranges(count)
        assert ranges[0][0] == 0 and ranges[-1][1] == 2**128 - 1
        assert all(ranges[i][1] + 1 == ranges[i + 1][0] for i in range(count - 1))


def test_sequence_numbers_increase_per_shard_and_reads_return_in_order(kinesis: KinesisClient) -> None:
    sequences = [
        kinesis.put_record(StreamName="ingress", Data=f"{i}".encode(), PartitionKey="same")["SequenceNumber"]
        for i in range(5)
    ]
    assert sequences == sorted(sequences, key=int) and len(set(sequences)) == 5
    assert all(s.isdigit() for s in sequences)
    records = read_all(kinesis, expected_shard("same"))
    assert [r["Data"] for r in records] == [b"0", b"1", b"2", b"3", b"4"]
    assert [r["SequenceNumber"] for r in records] == sequences
    assert records[0]["PartitionKey"] == "same"


def test_after_and_at_sequence_number_and_latest(kinesis: KinesisClient) -> None:
    shard = expected_shard("k")
    first, second, _third = (
        kinesis.put_record(StreamName="ingress", Data=d, PartitionKey="k")["SequenceNumber"]
        for d in (b"a", b"b", b"c")
    )
    after = read_all(kinesis, shard, "AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=first)
    assert [r["Data"] for r in after] == [b"b", b"c"]
    at = read_all(kinesis, shard, "AT_SEQUENCE_NUMBER", StartingSequenceNumber=second)
    assert [r["Data"] for r in at] == [b"b", b"c"]
    latest = kinesis.get_shard_iterator(StreamName="ingress", ShardId=shard, ShardIteratorType="LATEST")
    assert kinesis.get_records(ShardIterator=latest["ShardIterator"])["Records"] == []
    kinesis.put_record(StreamName="ingress", Data=b"d", PartitionKey="k")
    assert [r["Data"] for r in kinesis.get_records(ShardIterator=latest["ShardIterator"])["Records"]] == [
        b"d"
    ]


def test_latest_on_an_empty_shard_sees_later_writes(kinesis: KinesisClient) -> None:
    kinesis.put_record(StreamName="ingress", Data=b"other", PartitionKey="x")
    shard = expected_shard("y")
    latest = kinesis.get_shard_iterator(StreamName="ingress", ShardId=shard, ShardIteratorType="LATEST")
    kinesis.put_record(StreamName="ingress", Data=b"mine", PartitionKey="y")
    assert [r["Data"] for r in kinesis.get_records(ShardIterator=latest["ShardIterator"])["Records"]] == [
        b"mine"
    ]


def test_next_iterator_continues_and_limit_pages(kinesis: KinesisClient) -> None:
    for i in range(5):
        kinesis.put_record(StreamName="ingress", Data=str(i).encode(), PartitionKey="p")
    iterator = kinesis.get_shard_iterator(
        StreamName="ingress", ShardId=expected_shard("p"), ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    seen = []
    for _ in range(4):
        page = kinesis.get_records(ShardIterator=iterator, Limit=2)
        assert set(page) - {"ResponseMetadata"} <= members("GetRecords")
        seen += [r["Data"] for r in page["Records"]]
        iterator = page["NextShardIterator"]
    assert seen == [b"0", b"1", b"2", b"3", b"4"]


def test_record_limits_are_validation_errors_and_write_nothing(kinesis: KinesisClient) -> None:
    with pytest.raises(ServiceError) as too_big:
        kinesis.put_record(StreamName="ingress", Data=b"x" * (1024 * 1024), PartitionKey="k")
    assert too_big.value.code == "ValidationException"
    kinesis.put_record(StreamName="ingress", Data=b"x" * (1024 * 1024 - 1), PartitionKey="k")  # exactly 1 MiB
    for key in ("", "k" * 257):
        with pytest.raises(ServiceError) as bad_key:
            kinesis.put_record(StreamName="ingress", Data=b"x", PartitionKey=key)
        assert bad_key.value.code == "ValidationException"
    with pytest.raises(ServiceError) as too_many:
        kinesis.put_records(StreamName="ingress", Records=[{"Data": b"x", "PartitionKey": "k"}] * 501)
    assert too_many.value.code == "ValidationException"
    with pytest.raises(ServiceError) as one_bad:
        kinesis.put_records(
            StreamName="ingress",
            Records=[{"Data": b"ok", "PartitionKey": "z"}, {"Data": b"x", "PartitionKey": ""}],
        )
    assert one_bad.value.code == "ValidationException"
    assert read_all(kinesis, expected_shard("z")) == []


def test_put_records_reports_per_record_throughput_failures(kinesis: KinesisClient, clock: FakeClock) -> None:
    batch = [{"Data": b"r", "PartitionKey": "hot"}] * 500
    first = kinesis.put_records(StreamName="ingress", Records=batch)
    second = kinesis.put_records(StreamName="ingress", Records=batch)
    assert first["FailedRecordCount"] == 0
    assert second["FailedRecordCount"] == 0  # exactly 1,000 records this second
    third = kinesis.put_records(
        StreamName="ingress", Records=[*batch[:3], {"Data": b"c", "PartitionKey": "cool"}]
    )
    assert third["FailedRecordCount"] == 3
    assert [r.get("ErrorCode") for r in third["Records"]][:3] == [
        "ProvisionedThroughputExceededException"
    ] * 3
    assert "ShardId" in third["Records"][3] and "ErrorMessage" in third["Records"][0]
    assert set(third) - {"ResponseMetadata"} <= members("PutRecords")
    clock.now += 1
    assert kinesis.put_records(StreamName="ingress", Records=batch[:3])["FailedRecordCount"] == 0
    assert len(read_all(kinesis, expected_shard("hot"))) == 1003


def test_unknown_stream_shard_and_iterator_errors(kinesis: KinesisClient, clock: FakeClock) -> None:
    with pytest.raises(ServiceError) as missing:
        kinesis.put_record(StreamName="nope", Data=b"x", PartitionKey="k")
    assert missing.value.code == "ResourceNotFoundException"
    with pytest.raises(ServiceError) as shard:
        kinesis.get_shard_iterator(
            StreamName="ingress", ShardId="shardId-000000000009", ShardIteratorType="LATEST"
        )
    assert shard.value.code == "ResourceNotFoundException"
    with pytest.raises(ServiceError) as garbage:
        kinesis.get_records(ShardIterator="not-an-iterator")
    assert garbage.value.code == "InvalidArgumentException"
    with pytest.raises(ServiceError) as bad_sequence:
        read_all(kinesis, "shardId-000000000000", "AFTER_SEQUENCE_NUMBER", StartingSequenceNumber="12")
    assert bad_sequence.value.code == "InvalidArgumentException"
    iterator = kinesis.get_shard_iterator(
        StreamName="ingress", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    clock.now += 301
    with pytest.raises(ServiceError) as expired:
        kinesis.get_records(ShardIterator=iterator)
    assert expired.value.code == "ExpiredIteratorException"
    with pytest.raises(ServiceError) as exists:
        kinesis.create_stream(StreamName="ingress", ShardCount=1)
    assert exists.value.code == "ResourceInUseException"


def test_records_past_retention_disappear(kinesis: KinesisClient, clock: FakeClock) -> None:
    kinesis.put_record(StreamName="ingress", Data=b"old", PartitionKey="r")
    clock.now += 23 * 3600
    kinesis.put_record(StreamName="ingress", Data=b"new", PartitionKey="r")
    clock.now += 2 * 3600
    assert [r["Data"] for r in read_all(kinesis, expected_shard("r"))] == [b"new"]
    kinesis.increase_stream_retention_period(StreamName="ingress", RetentionPeriodHours=48)
    with pytest.raises(ServiceError) as shorter:
        kinesis.increase_stream_retention_period(StreamName="ingress", RetentionPeriodHours=30)
    assert shorter.value.code == "InvalidArgumentException"


def test_acknowledged_records_survive_a_new_client(sma_home, clock) -> None:
    first = KinesisClient(StreamStore(sma_home / "streams.sqlite3", clock=clock))
    first.create_stream(StreamName="ingress", ShardCount=1)
    sequence = first.put_record(StreamName="ingress", Data=b"durable", PartitionKey="k")["SequenceNumber"]
    first.store.close()
    second = KinesisClient(StreamStore(sma_home / "streams.sqlite3", clock=clock))
    records = read_all(second, "shardId-000000000000")
    assert [(r["Data"], r["SequenceNumber"]) for r in records] == [(b"durable", sequence)]
    description = second.describe_stream(StreamName="ingress")["StreamDescription"]
    assert description["StreamARN"].endswith(":stream/ingress") and len(description["Shards"]) == 1
    assert set(description) <= set(MODEL.shape_for("StreamDescription").members)


def test_a_state_file_in_a_folder_that_does_not_exist_yet(tmp_path, clock) -> None:
    client = KinesisClient(StreamStore(tmp_path / "new" / "folder" / "streams.sqlite3", clock=clock))
    client.create_stream(StreamName="s", ShardCount=1)
    assert (tmp_path / "new" / "folder" / "streams.sqlite3").exists()
