"""The same Kinesis calls against moto's boto3 client and the local client agree."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from integrations.errors import ServiceError
from integrations.stream import KinesisClient, StreamStore


def error_code(call) -> str:
    try:
        call()
    except ClientError as error:
        return error.response["Error"]["Code"]
    except ServiceError as error:
        return error.code
    return "no error"


def scenario(kinesis: Any) -> dict[str, Any]:
    kinesis.create_stream(StreamName="parity", ShardCount=4)
    keys = [f"user-{n}" for n in range(12)]
    shards = [kinesis.put_record(StreamName="parity", Data=b"x", PartitionKey=k)["ShardId"] for k in keys]
    batch = kinesis.put_records(
        StreamName="parity", Records=[{"Data": f"{n}".encode(), "PartitionKey": "same"} for n in range(3)]
    )
    shard = batch["Records"][0]["ShardId"]
    iterator = kinesis.get_shard_iterator(
        StreamName="parity", ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )
    records = kinesis.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    sequences = [r["SequenceNumber"] for r in batch["Records"]]
    after = kinesis.get_shard_iterator(
        StreamName="parity",
        ShardId=shard,
        ShardIteratorType="AFTER_SEQUENCE_NUMBER",
        StartingSequenceNumber=sequences[0],
    )
    description = kinesis.describe_stream(StreamName="parity")["StreamDescription"]
    return {
        "shards": shards,
        "failed": batch["FailedRecordCount"],
        "same_shard": len({r["ShardId"] for r in batch["Records"]}),
        "increasing": [int(s) for s in sequences] == sorted(int(s) for s in sequences),
        "data": [r["Data"] for r in records if r["PartitionKey"] == "same"],
        "after": [
            r["Data"]
            for r in kinesis.get_records(ShardIterator=after["ShardIterator"])["Records"]
            if r["PartitionKey"] == "same"
        ],
        "ranges": [s["HashKeyRange"] for s in description["Shards"]],
        "missing": error_code(lambda: kinesis.put_record(StreamName="nope", Data=b"x", PartitionKey="k")),
        "exists": error_code(lambda: kinesis.create_stream(StreamName="parity", ShardCount=1)),
    }


@pytest.fixture
def moto_kinesis():
    with mock_aws():
        yield boto3.client("kinesis", region_name="eu-west-2")


def test_local_stream_behaves_like_moto(moto_kinesis, sma_home) -> None:
    assert scenario(KinesisClient(StreamStore(sma_home / "streams.sqlite3"))) == scenario(moto_kinesis)
