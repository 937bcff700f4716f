"""Step Functions' aws-sdk:kinesis integrations on the local stream."""

from __future__ import annotations

import pytest

from integrations.errors import ServiceError
from integrations.stream import KinesisClient, StreamStore
from integrations.stream.handlers import engine_handlers


def test_put_record_and_put_records_handlers(sma_home) -> None:
    client = KinesisClient(StreamStore(sma_home / "streams.sqlite3"))
    client.create_stream(StreamName="ingress", ShardCount=1)
    handlers = engine_handlers(client)
    single = handlers["arn:aws:states:::aws-sdk:kinesis:putRecord"](
        {"StreamName": "ingress", "Data": {"a": 1}, "PartitionKey": "k"}, None
    )
    assert single["ShardId"] == "shardId-000000000000" and "ResponseMetadata" not in single
    batch = handlers["arn:aws:states:::aws-sdk:kinesis:putRecords"](
        {"StreamName": "ingress", "Records": [{"Data": "text", "PartitionKey": "k"}]}, None
    )
    assert batch["FailedRecordCount"] == 0
    iterator = client.get_shard_iterator(
        StreamName="ingress", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    assert [r["Data"] for r in client.get_records(ShardIterator=iterator)["Records"]] == [
        b'{"a": 1}',
        b"text",
    ]
    with pytest.raises(ServiceError) as missing:
        handlers["arn:aws:states:::aws-sdk:kinesis:putRecord"](
            {"StreamName": "no", "Data": "x", "PartitionKey": "k"}, None
        )
    assert missing.value.code == "ResourceNotFoundException"
