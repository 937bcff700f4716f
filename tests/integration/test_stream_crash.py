"""Nothing acknowledged is lost when the process running the stream, the pipe and Firehose is killed.

A child process puts records on the local stream (printing each acknowledged sequence), while its pipe
forwards them to a Firehose delivery stream that writes the lake. The test SIGKILLs it mid-flight,
restarts the same services from the same state directory, drains the pipe, flushes Firehose, and
checks the lake: every acknowledged record is there, and the duplicates are only the replay that
at-least-once delivery allows (the batches in flight when the process died).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARDS = 2
BATCH_SIZE = 10
FIREHOSE_DESTINATION = {
    "BucketARN": "arn:aws:s3:::lake",
    "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0},
    "ProcessingConfiguration": {
        "Enabled": True,
        "Processors": [{"Type": "AppendDelimiterToRecord", "Parameters": []}],
    },
}


def services(home: Path):
    """The stream, the object store, Firehose and the pipe, with their files where the local account
    keeps them in the state folder `home`."""
    from infra.local.layout import StateLayout
    from integrations.errors import ServiceError
    from integrations.firehose import DeliveryStreams, FirehoseClient
    from integrations.objectstore import ObjectStore
    from integrations.pipes import Checkpoints, Pipe, from_api
    from integrations.stream import KinesisClient, StreamStore

    layout = StateLayout(home)
    kinesis = KinesisClient(StreamStore(layout.stream), enforce_throughput=False)
    with contextlib.suppress(ServiceError):  # on a restart the stream is already there
        kinesis.create_stream(StreamName="ingress", ShardCount=SHARDS)
    store = ObjectStore(layout.objects)
    store.create_bucket("lake", exist_ok=True)
    firehose = FirehoseClient(DeliveryStreams(store, path=layout.firehose_buffer))
    with contextlib.suppress(ServiceError):
        firehose.create_delivery_stream(
            DeliveryStreamName="lake", ExtendedS3DestinationConfiguration=FIREHOSE_DESTINATION
        )

    def target(payload: str) -> dict:
        records = [{"Data": base64.b64decode(event["data"])} for event in json.loads(payload)]
        firehose.put_record_batch(DeliveryStreamName="lake", Records=records)
        return {"executionArn": "arn:aws:states:eu-west-2:123456789012:execution:ingest:local"}

    config = from_api(
        "ingest",
        "ingress",
        {"KinesisStreamParameters": {"StartingPosition": "TRIM_HORIZON", "BatchSize": BATCH_SIZE}},
        {"StepFunctionStateMachineParameters": {"InvocationType": "FIRE_AND_FORGET"}},
    )
    checkpoints = Checkpoints(layout.pipe_checkpoints)
    return kinesis, store, firehose, Pipe(config, kinesis, target, checkpoints=checkpoints)


def child(home: Path) -> None:
    kinesis, _store, firehose, pipe = services(home)
    pipe.start(every_seconds=0.005)
    firehose.streams.start(every_seconds=0.02)
    number = 0
    while True:
        data = json.dumps({"n": number}).encode()
        kinesis.put_record(StreamName="ingress", Data=data, PartitionKey=f"user-{number % 7}")
        print(number, flush=True)  # acknowledged: PutRecord has returned
        number += 1


def lake_objects(store) -> int:
    return sum(1 for _ in store.iter_keys("lake")) if store.bucket_exists("lake") else 0


def test_sigkill_loses_nothing_acknowledged(tmp_path) -> None:
    home = tmp_path / ".sma"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, __file__, "child", str(home)], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT
    )
    from integrations.objectstore import ObjectStore

    acknowledged: set[int] = set()
    deadline = time.monotonic() + 60
    try:
        assert process.stdout is not None
        observer = None
        for line in process.stdout:
            acknowledged.add(int(line))
            if len(acknowledged) >= 1000 and len(acknowledged) % 50 == 0:
                observer = observer or ObjectStore(home / "s3")
                if lake_objects(observer) >= 3:
                    break  # the pipe and Firehose are both at work: kill mid-flight
            assert time.monotonic() < deadline, "the child never got the pipe and Firehose going"
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        # Lines the child printed before dying but we had not read yet were acknowledged too.
        acknowledged.update(int(line) for line in process.stdout.read().split())
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL

    _kinesis, store, firehose, pipe = services(home)  # the restart, from the same state directory
    pipe.drain()
    firehose.streams.flush()
    seen: Counter[int] = Counter()
    for info in store.iter_keys("lake"):
        seen.update(json.loads(line)["n"] for line in store.get("lake", info.key)[1].splitlines())

    assert acknowledged <= set(seen), f"lost: {sorted(acknowledged - set(seen))[:20]}"
    duplicates = {n: count for n, count in seen.items() if count > 1}
    # At-least-once: only the batch each shard had in flight may be replayed, once.
    assert all(count == 2 for count in duplicates.values()), duplicates
    assert len(duplicates) <= BATCH_SIZE * SHARDS, duplicates
    assert firehose.streams.buffer.count() == 0
    print(f"acknowledged {len(acknowledged)}, in the lake {len(seen)}, replayed {len(duplicates)}")


if __name__ == "__main__" and sys.argv[1:2] == ["child"]:
    child(Path(sys.argv[2]))
