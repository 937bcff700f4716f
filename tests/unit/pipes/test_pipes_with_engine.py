"""A pipe whose target is a state machine run by the local ASL engine (REQUEST_RESPONSE)."""

from __future__ import annotations

import base64
import json

from integrations.pipes import Checkpoints, Pipe, from_api
from integrations.stream import KinesisClient, StreamStore
from workflows.engine import execute

# The batch arrives as an array of transformed records; the execution fails if any says "boom".
DEFINITION = {
    "StartAt": "Inspect",
    "States": {
        "Inspect": {
            "Type": "Pass",
            "Parameters": {"boom.$": "States.ArrayContains($[*].Payload.boom, true)"},
            "Next": "Check",
        },
        "Check": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.boom", "BooleanEquals": True, "Next": "Explode"}],
            "Default": "Done",
        },
        "Explode": {"Type": "Fail", "Error": "Ingest.Boom", "Cause": "a poison message"},
        "Done": {"Type": "Succeed"},
    },
}


def start_sync(payload: str) -> dict:
    execution = execute(DEFINITION, json.loads(payload), state_machine_type="EXPRESS")
    return {
        "status": execution.status,
        "output": execution.output_json,
        "error": execution.error,
        "cause": execution.cause,
    }


def test_a_failed_execution_fails_the_batch_and_bisection_isolates_the_poison(sma_home) -> None:
    kinesis = KinesisClient(StreamStore(sma_home / "streams.sqlite3"))
    kinesis.create_stream(StreamName="ingress", ShardCount=1)
    for n in range(6):
        body = {"n": n, "boom": n == 4}
        kinesis.put_record(StreamName="ingress", Data=json.dumps(body).encode(), PartitionKey="k")
    config = from_api(
        "ingest",
        "ingress",
        {
            "KinesisStreamParameters": {
                "StartingPosition": "TRIM_HORIZON",
                "BatchSize": 6,
                "MaximumRetryAttempts": 0,
                "OnPartialBatchItemFailure": "AUTOMATIC_BISECT",
            }
        },
        {
            "InputTemplate": '{"Payload": <$.data>, "SequenceNumber": "<$.sequenceNumber>"}',
            "StepFunctionStateMachineParameters": {"InvocationType": "REQUEST_RESPONSE"},
        },
    )
    pipe = Pipe(
        config,
        kinesis,
        start_sync,
        sleep=lambda seconds: None,
        checkpoints=Checkpoints(kinesis.store.path.parent / "checkpoints.sqlite"),
    )
    assert pipe.drain() == 6
    [(info, records)] = pipe.dead_letters()
    assert info["context"]["errorMessage"].startswith("FAILED: Ingest.Boom")
    assert [json.loads(base64.b64decode(r["data"]))["n"] for r in records] == [4]
    assert pipe.stats.delivered == 5
