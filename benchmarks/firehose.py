"""Throughput of the local data path: Firehose into the lake, the stream's PutRecord(s), a pipe draining
the stream, and the seeds' Athena query over the lake the run wrote.

Run: .venv/bin/python benchmarks/firehose.py [--records N]

Every figure includes durability: each PutRecord / PutRecordBatch commits (fsync) to SQLite before it
returns, and the Firehose figures include delivering the objects into the object store. State goes
to a temporary directory that is removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def event(number: int) -> bytes:
    """A MESSAGE_ANALYSED event of realistic size (about 1.3 KB)."""
    detail = {
        "Text": f"@makitdev message number {number} with a photo",
        "Author": "harry11",
        "Twitter": {"TweetId": str(1572570427880538999 + number), "UserId": "1498961531635122999"},
        "Analysis": {
            "TextSentiment": "POSITIVE",
            "TextSentimentScore": {"Positive": 0.91, "Negative": 0.01, "Neutral": 0.07, "Mixed": 0.01},
            "TextEntities": [
                {"BeginOffset": 0, "EndOffset": 9, "Score": 0.74, "Text": "@makitdev", "Type": "PERSON"}
            ],
            "Language": "en",
            "KeyPhrases": [{"BeginOffset": 10, "EndOffset": 24, "Score": 0.99, "Text": "message number"}],
            "Images": [
                {
                    "Key": f"media/{number}-0.jpg",
                    "Analysis": {
                        "Labels": [
                            {"Name": "Person", "Confidence": 99.1},
                            {"Name": "Shoe", "Confidence": 88.0},
                        ],
                        "CelebrityFaces": [{"Name": "Keanu Reeves", "MatchConfidence": 99.0}],
                        "UnrecognizedFaces": [],
                        "TextDetections": [{"DetectedText": "VAN", "Type": "LINE", "Confidence": 98.0}],
                    },
                }
            ],
        },
    }
    envelope = {
        "version": "0",
        "id": f"00000000-0000-0000-0000-{number:012d}",
        "detail-type": "MESSAGE_ANALYSED",
        "source": "BOT",
        "account": "123456789012",
        "time": "2026-11-20T10:00:00Z",
        "region": "eu-west-2",
        "resources": [],
        "detail": detail,
    }
    return json.dumps(envelope).encode()


def measure(label: str, records: list[bytes], run: Callable[[], object]) -> None:
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    size = sum(len(r) for r in records) / 1e6
    rate = len(records) / seconds
    print(f"{label:<48} {rate:>10,.0f} records/s {size / seconds:>8.2f} MB/s  ({seconds:.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000, help="records per measurement (default 5000)")
    run(parser.parse_args().records)


def run(record_count: int) -> None:
    """Every measurement, over `record_count` events (`benchmarks/plumbing.py` runs this too)."""
    with tempfile.TemporaryDirectory() as home:
        from infra.local.lake import lake_tables
        from infra.local.layout import StateLayout
        from infra.topology import TOPOLOGY
        from integrations.firehose import DeliveryStreams, FirehoseClient
        from integrations.objectstore import ObjectStore
        from integrations.stream import KinesisClient, StreamStore

        records = [event(n) for n in range(record_count)]
        print(f"{len(records)} events of ~{len(records[0])} bytes; state in {home}\n")

        layout = StateLayout(Path(home))
        store = ObjectStore(layout.objects)
        bucket = "sma-lake-benchmark"
        store.create_bucket(bucket)
        firehose = FirehoseClient(DeliveryStreams(store, path=layout.firehose_buffer))
        destination = TOPOLOGY.delivery_stream.destination(f"arn:aws:s3:::{bucket}")
        firehose.create_delivery_stream(
            DeliveryStreamName="lake", ExtendedS3DestinationConfiguration=destination
        )

        def batches() -> None:
            for start in range(0, len(records), 500):
                chunk = [{"Data": r} for r in records[start : start + 500]]
                firehose.put_record_batch(DeliveryStreamName="lake", Records=chunk)
            firehose.streams.flush()

        def singles() -> None:
            for record in records:
                firehose.put_record(DeliveryStreamName="lake", Record={"Data": record})
            firehose.streams.flush()

        measure("Firehose PutRecordBatch (500) + delivery", records, batches)
        measure("Firehose PutRecord + delivery", records, singles)
        objects = list(store.iter_keys(bucket))
        print(f"  -> {len(objects)} objects, {sum(o.size for o in objects) / 1e6:.1f} MB in the lake\n")

        kinesis = KinesisClient(StreamStore(layout.stream), enforce_throughput=False)
        kinesis.create_stream(StreamName="bench", ShardCount=2)

        def put_record() -> None:
            for number, record in enumerate(records):
                kinesis.put_record(StreamName="bench", Data=record, PartitionKey=f"user-{number % 100}")

        def put_records() -> None:
            for start in range(0, len(records), 500):
                chunk = [
                    {"Data": r, "PartitionKey": f"user-{start + i}"}
                    for i, r in enumerate(records[start : start + 500])
                ]
                kinesis.put_records(StreamName="bench", Records=chunk)

        measure("Stream PutRecord", records, put_record)
        measure("Stream PutRecords (500)", records, put_records)

        from integrations.pipes import Checkpoints, Pipe, from_api

        delivered: list[int] = []
        config = from_api(
            "bench",
            "bench",
            {"KinesisStreamParameters": {"StartingPosition": "TRIM_HORIZON", "BatchSize": 100}},
            {"StepFunctionStateMachineParameters": {"InvocationType": "FIRE_AND_FORGET"}},
        )
        pipe = Pipe(
            config,
            kinesis,
            lambda payload: delivered.append(len(payload)),
            checkpoints=Checkpoints(layout.pipe_checkpoints),
        )
        both = records + records  # the stream holds the PutRecord and the PutRecords rounds
        measure("Pipe drain (BatchSize 100, no-op target)", both, pipe.drain)
        print(f"  -> {len(delivered)} invocations\n")

        from integrations.athena import run_query

        seed = (
            'SELECT labels.name, COUNT(1) as Count FROM "analysed-messages-table" '
            "CROSS JOIN UNNEST(detail.analysis.images) as t(images) "
            "CROSS JOIN UNNEST(images.analysis.labels) as t(labels) "
            "WHERE \"detail-type\" = 'MESSAGE_ANALYSED' GROUP BY labels.name ORDER BY COUNT(1) DESC"
        )
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            _, rows = run_query(seed, lake_tables(bucket), store=store)
            timings.append(time.perf_counter() - started)
        print(
            f"Athena seed query (label counts) over {2 * len(records)} events: "
            f"best {min(timings) * 1000:.0f} ms of 3; {rows[0][0]} = {rows[0][1]}"
        )


if __name__ == "__main__":
    main()
