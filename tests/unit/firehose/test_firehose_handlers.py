"""Step Functions' aws-sdk:firehose integrations on the local delivery streams."""

from __future__ import annotations

import pytest

from integrations.errors import ServiceError
from integrations.firehose import DeliveryStreams, FirehoseClient
from integrations.firehose.handlers import engine_handlers
from integrations.objectstore import ObjectStore


def test_put_record_and_batch_handlers_land_in_the_lake(sma_home) -> None:
    store = ObjectStore(sma_home / "s3")
    store.create_bucket("lake")
    client = FirehoseClient(DeliveryStreams(store, path=sma_home / "firehose" / "buffer.sqlite3"))
    client.create_delivery_stream(
        DeliveryStreamName="lake",
        ExtendedS3DestinationConfiguration={
            "BucketARN": "arn:aws:s3:::lake",
            "ProcessingConfiguration": {
                "Enabled": True,
                "Processors": [{"Type": "AppendDelimiterToRecord", "Parameters": []}],
            },
        },
    )
    handlers = engine_handlers(client)
    one = handlers["arn:aws:states:::aws-sdk:firehose:putRecord"](
        {"DeliveryStreamName": "lake", "Record": {"Data": {"detail-type": "X"}}}, None
    )
    assert set(one) == {"RecordId", "Encrypted"}
    batch = handlers["arn:aws:states:::aws-sdk:firehose:putRecordBatch"](
        {"DeliveryStreamName": "lake", "Records": [{"Data": "plain"}]}, None
    )
    assert batch["FailedPutCount"] == 0
    client.streams.flush()
    [info] = list(store.iter_keys("lake"))
    assert store.get("lake", info.key)[1] == b'{"detail-type": "X"}\nplain\n'
    with pytest.raises(ServiceError) as missing:
        handlers["arn:aws:states:::aws-sdk:firehose:putRecord"](
            {"DeliveryStreamName": "no", "Record": {"Data": "x"}}, None
        )
    assert missing.value.code == "ResourceNotFoundException"
