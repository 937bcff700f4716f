"""The ingest pipe as the topology declares it: a bad record is isolated by bisection, retried a bounded
number of times, dead-lettered with its coordinates and its data, and holds up the records behind it
only for those few retries; `sma events dead-letters` shows it.

Behaviour from the Pipes API reference (KinesisStreamParameters: "AUTOMATIC_BISECT halves each batch
and retry each half until all the records are processed or there is one failed message left in the
batch"; MaximumRetryAttempts "Discard records after the specified number of retries") and the Pipes
user guide's error handling page (stream sources retry customer invocation errors up to the retry
policy's maximum, then send the batch's details to the dead-letter queue).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from infra.local.layout import StateLayout
from infra.topology import TOPOLOGY
from integrations.pipes import Checkpoints, Pipe, from_api
from integrations.stream import KinesisClient, StreamStore
from sma.cli import app

DLQ_ARN = f"arn:aws:sqs:eu-west-2:123456789012:{TOPOLOGY.pipe.dead_letter_queue}"


def poisoned_pipe(
    sma_home: Path, sleeps: list[float], delivered: list[int], poison: int
) -> tuple[KinesisClient, Pipe]:
    spec = TOPOLOGY.pipe
    # Where `sma events dead-letters` reads them: the local account's layout of the state folder.
    kinesis = KinesisClient(StreamStore(sma_home / "streams.sqlite3"), enforce_throughput=False)
    kinesis.create_stream(StreamName=spec.source, ShardCount=1)
    config = from_api(
        spec.name,
        spec.source,
        {"KinesisStreamParameters": spec.kinesis_stream_parameters(DLQ_ARN)},
        {
            "InputTemplate": spec.input_template,
            "StepFunctionStateMachineParameters": {"InvocationType": spec.invocation_type},
        },
    )

    def start_sync(payload: str) -> dict[str, Any]:
        numbers = [record["Payload"]["n"] for record in json.loads(payload)]
        if poison in numbers:
            return {"status": "FAILED", "error": "States.DataLimitExceeded", "cause": "too big"}
        delivered.extend(numbers)
        return {"status": "SUCCEEDED", "output": "{}"}

    return kinesis, Pipe(
        config,
        kinesis,
        start_sync,
        sleep=sleeps.append,
        checkpoints=Checkpoints(StateLayout(sma_home).pipe_checkpoints),
    )


def test_a_poison_record_is_dead_lettered_after_bounded_retries_and_the_rest_flow_on(sma_home) -> None:
    sleeps: list[float] = []
    delivered: list[int] = []
    kinesis, pipe = poisoned_pipe(sma_home, sleeps, delivered, poison=3)
    for n in range(25):  # three batches of the topology's ten: the poison in the first
        kinesis.put_record(StreamName="Ingress", Data=json.dumps({"n": n}).encode(), PartitionKey="k")
    assert pipe.drain() == 25
    # Every other record is delivered, in order within what bisection splits.
    assert sorted(delivered) == [n for n in range(25) if n != 3]
    assert delivered[-15:] == list(range(10, 25))
    # The records behind wait only for the poison record's retries (1 + 2 + 4 s of backoff).
    assert len(sleeps) == TOPOLOGY.pipe.maximum_retry_attempts
    assert sum(sleeps) <= 7
    [(info, records)] = pipe.dead_letters()
    assert info["context"]["condition"] == "RetryAttemptsExhausted"
    assert info["context"]["attempts"] == TOPOLOGY.pipe.maximum_retry_attempts + 1
    assert info["KinesisBatchInfo"]["batchSize"] == 1
    assert [json.loads(base64.b64decode(r["data"])) for r in records] == [{"n": 3}]


def test_sma_events_dead_letters_lists_the_pipes_dead_letters(sma_home) -> None:
    kinesis, pipe = poisoned_pipe(sma_home, [], [], poison=0)
    data = '{"n":0,"text":"caf\u00e9 \\ud800"}'
    kinesis.put_record(StreamName="Ingress", Data=data.encode("utf-8"), PartitionKey="k")
    pipe.drain()
    pipe.checkpoints.close()
    result = CliRunner().invoke(app, ["events", "dead-letters"], terminal_width=400)
    assert result.exit_code == 0, result.output
    assert "RetryAttemptsExhausted pipe IngestPipe" in result.output
    assert "FAILED: States.DataLimitExceeded too big" in result.output
    assert data in result.output  # the record itself, decoded
    # Naming another queue leaves the pipe's letters out; naming the pipe's keeps them.
    other = CliRunner().invoke(app, ["events", "dead-letters", "--queue", "arn:aws:sqs:r:1:Other"])
    assert "IngestPipe" not in other.output
    mine = CliRunner().invoke(app, ["events", "dead-letters", "--queue", DLQ_ARN], terminal_width=200)
    assert "IngestPipe" in mine.output


def test_no_dead_letters_anywhere_says_so(sma_home) -> None:
    result = CliRunner().invoke(app, ["events", "dead-letters"])
    assert result.exit_code == 0
    assert result.output.strip() == "No dead letters."
