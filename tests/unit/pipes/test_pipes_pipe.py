"""Local Pipes: record shape, filters, batching, templates, invocation types, retries, bisection,
dead letters and checkpoints."""

from __future__ import annotations

import base64
import json
import threading

import pytest

from integrations.errors import ServiceError
from integrations.pipes import Checkpoints, Pipe, from_api
from integrations.stream import KinesisClient, StreamStore


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


class Recorder:
    """A state machine target that records its inputs and can fail on chosen records."""

    def __init__(self, fail_when=None, status: str = "SUCCEEDED", output=None) -> None:
        self.inputs: list[list] = []
        self.succeeded: list[list] = []
        self.called = threading.Event()  # for tests that run the pipe's background thread
        self.fail_when = fail_when
        self.status = status
        self.output = output

    def __call__(self, payload: str):
        batch = json.loads(payload)
        self.inputs.append(batch)
        self.called.set()
        if self.fail_when and self.fail_when(batch):
            raise ServiceError("states", "ExecutionLimitExceeded", "too many executions", 400)
        self.succeeded.append(batch)
        return {"status": self.status, "output": self.output, "executionArn": "arn:exec"}

    def data(self) -> list:
        return [json.loads(base64.b64decode(event["data"])) for batch in self.inputs for event in batch]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def kinesis(sma_home, clock) -> KinesisClient:
    client = KinesisClient(StreamStore(sma_home / "streams.sqlite3", clock=clock))
    client.create_stream(StreamName="ingress", ShardCount=1)
    return client


def put(kinesis: KinesisClient, *documents) -> list[str]:
    return [
        kinesis.put_record(
            StreamName="ingress",
            Data=d if isinstance(d, bytes) else json.dumps(d).encode(),
            PartitionKey="k",
        )["SequenceNumber"]
        for d in documents
    ]


def make_pipe(kinesis, target, sleeps=None, **kinesis_parameters):
    source = {"KinesisStreamParameters": {"StartingPosition": "TRIM_HORIZON", **kinesis_parameters}}
    filters = kinesis_parameters.pop("filters", None)
    if filters:
        source["FilterCriteria"] = {"Filters": [{"Pattern": json.dumps(f)} for f in filters]}
        source["KinesisStreamParameters"].pop("filters")
    template = source["KinesisStreamParameters"].pop("template", None)
    invocation = source["KinesisStreamParameters"].pop("invocation", "REQUEST_RESPONSE")
    target_parameters = {"StepFunctionStateMachineParameters": {"InvocationType": invocation}}
    if template:
        target_parameters["InputTemplate"] = template
    config = from_api("ingest", "ingress", source, target_parameters)
    return Pipe(
        config,
        kinesis,
        target,
        sleep=(sleeps.append if sleeps is not None else lambda s: None),
        checkpoints=Checkpoints(kinesis.store.path.parent / "checkpoints.sqlite"),
    )


def test_records_are_presented_like_pipes_presents_kinesis_records(kinesis) -> None:
    target = Recorder()
    [sequence] = put(kinesis, {"hello": "world"})
    make_pipe(kinesis, target).drain()
    [[event]] = target.inputs
    assert event["eventSource"] == "aws:kinesis"
    assert event["kinesisSchemaVersion"] == "1.0"
    assert event["partitionKey"] == "k" and event["sequenceNumber"] == sequence
    assert event["eventID"] == f"shardId-000000000000:{sequence}"
    assert event["eventSourceARN"] == "arn:aws:kinesis:eu-west-2:123456789012:stream/ingress"
    assert json.loads(base64.b64decode(event["data"])) == {"hello": "world"}
    assert isinstance(event["approximateArrivalTimestamp"], float)


def test_filters_see_data_parsed_as_json(kinesis) -> None:
    target = Recorder()
    put(kinesis, {"type": "post", "n": 1}, {"type": "like", "n": 2}, b"not json", {"type": "post", "n": 3})
    pipe = make_pipe(kinesis, target, filters=[{"data": {"type": ["post"]}}])
    assert pipe.drain() == 4
    assert target.data() == [{"type": "post", "n": 1}, {"type": "post", "n": 3}]
    assert pipe.stats.filtered_out == 2


def test_any_of_several_filters_passes_a_record(kinesis) -> None:
    target = Recorder()
    put(kinesis, {"type": "post"}, {"type": "like"}, {"type": "dm"})
    make_pipe(
        kinesis, target, filters=[{"data": {"type": ["post"]}}, {"data": {"type": [{"prefix": "d"}]}}]
    ).drain()
    assert [d["type"] for d in target.data()] == ["post", "dm"]


def test_batch_size_and_batching_window_on_the_clock(kinesis, clock) -> None:
    target = Recorder()
    put(kinesis, *({"n": i} for i in range(5)))
    pipe = make_pipe(kinesis, target, BatchSize=2, MaximumBatchingWindowInSeconds=10)
    assert pipe.poll_once() == 2 and pipe.poll_once() == 2  # full batches go at once
    assert pipe.poll_once() == 0  # one record waits for the window
    clock.now += 9
    assert pipe.poll_once() == 0
    clock.now += 1
    assert pipe.poll_once() == 1
    assert [len(batch) for batch in target.inputs] == [2, 2, 1]


def test_input_template_transforms_each_record(kinesis) -> None:
    target = Recorder()
    put(kinesis, {"user": {"name": "ana"}, "text": 'say "hi"'})
    template = (
        '{"who": "<$.data.user.name>", "body": <$.data>, "pipe": "<aws.pipes.pipe-name>", '
        '"seq": "<$.sequenceNumber>"}'
    )
    make_pipe(kinesis, target, template=template).drain()
    [[item]] = target.inputs
    assert item["who"] == "ana" and item["pipe"] == "ingest"
    assert item["body"] == {"user": {"name": "ana"}, "text": 'say "hi"'}
    assert item["seq"].isdigit()


def test_fire_and_forget_succeeds_once_started(kinesis) -> None:
    target = Recorder(status="FAILED")  # the execution's fate is not the pipe's business
    put(kinesis, {"n": 1})
    pipe = make_pipe(kinesis, target, invocation="FIRE_AND_FORGET", MaximumRetryAttempts=0)
    pipe.drain()
    assert pipe.stats.delivered == 1 and pipe.dead_letters() == []


def test_request_response_failed_execution_is_retried_then_dead_lettered(kinesis) -> None:
    target = Recorder(status="FAILED")
    put(kinesis, {"n": 1}, {"n": 2})
    sleeps: list[float] = []
    received = []
    pipe = make_pipe(
        kinesis,
        target,
        sleeps,
        MaximumRetryAttempts=2,
        DeadLetterConfig={"Arn": "arn:aws:sqs:eu-west-2:123456789012:dlq"},
    )
    pipe.dead_letter_destination = received.append
    pipe.drain()
    assert len(target.inputs) == 3  # first attempt + 2 retries
    assert sleeps == [1.0, 2.0]  # exponential backoff
    [(info, records)] = pipe.dead_letters()
    assert info["context"]["condition"] == "RetryAttemptsExhausted"
    assert info["KinesisBatchInfo"]["batchSize"] == 2
    assert [json.loads(base64.b64decode(r["data"])) for r in records] == [{"n": 1}, {"n": 2}]
    assert received == [info]
    assert pipe.drain() == 0  # the checkpoint moved past the dead-lettered batch


def test_bisection_isolates_a_poison_record(kinesis) -> None:
    target = Recorder(
        fail_when=lambda batch: any("poison" in base64.b64decode(e["data"]).decode() for e in batch)
    )
    put(kinesis, {"n": 1}, {"n": 2}, {"poison": True}, {"n": 4}, {"n": 5})
    pipe = make_pipe(kinesis, target, MaximumRetryAttempts=1, OnPartialBatchItemFailure="AUTOMATIC_BISECT")
    pipe.drain()
    delivered = [json.loads(base64.b64decode(e["data"]))["n"] for batch in target.succeeded for e in batch]
    assert sorted(delivered) == [1, 2, 4, 5]
    [(info, records)] = pipe.dead_letters()
    assert info["KinesisBatchInfo"]["batchSize"] == 1
    assert json.loads(base64.b64decode(records[0]["data"])) == {"poison": True}
    assert pipe.stats.delivered == 4 and pipe.stats.dead_lettered == 1


def test_batch_item_failures_retry_from_the_first_failed_record(kinesis) -> None:
    sequences = put(kinesis, {"n": 1}, {"n": 2}, {"n": 3})
    outputs = [json.dumps({"batchItemFailures": [{"itemIdentifier": sequences[1]}]}), None]
    target = Recorder()

    def target_with_partial_failure(payload: str):
        target(payload)
        return {"status": "SUCCEEDED", "output": outputs.pop(0)}

    pipe = make_pipe(kinesis, target_with_partial_failure, MaximumRetryAttempts=3)
    pipe.drain()
    assert [len(batch) for batch in target.inputs] == [3, 2]
    assert pipe.stats.delivered == 3


def test_checkpoints_resume_after_the_last_settled_record(kinesis, sma_home) -> None:
    first_target = Recorder()
    put(kinesis, {"n": 1}, {"n": 2})
    make_pipe(kinesis, first_target).drain()
    put(kinesis, {"n": 3})
    second_target = Recorder()
    restarted = Pipe(
        make_pipe(kinesis, Recorder()).config,
        kinesis,
        second_target,
        checkpoints=Checkpoints(kinesis.store.path.parent / "checkpoints.sqlite"),
    )
    restarted.drain()
    assert second_target.data() == [{"n": 3}]


def test_latest_starts_after_what_is_already_there(kinesis) -> None:
    put(kinesis, {"n": "old"})
    target = Recorder()
    config = from_api("latest", "ingress", {"KinesisStreamParameters": {"StartingPosition": "LATEST"}})
    pipe = Pipe(
        config, kinesis, target, checkpoints=Checkpoints(kinesis.store.path.parent / "checkpoints.sqlite")
    )
    put(kinesis, {"n": "new"})
    pipe.drain()
    assert target.data() == [{"n": "new"}]


def test_a_stop_during_retries_keeps_the_batch_for_later(kinesis) -> None:
    target = Recorder(fail_when=lambda batch: True)
    put(kinesis, {"n": 1})
    pipe = make_pipe(kinesis, target)  # infinite retries
    pipe._sleep = pipe._interruptible_sleep  # the runner's real backoff, interrupted by stop()
    pipe.start(every_seconds=0.01)
    assert target.called.wait(10)
    pipe.stop()
    assert pipe.dead_letters() == [] and pipe.stats.delivered == 0
    target.fail_when = None
    make_pipe(kinesis, target).drain()
    assert target.data()[-1] == {"n": 1}


def test_runner_thread_delivers_until_stopped(kinesis) -> None:
    target = Recorder()
    pipe = make_pipe(kinesis, target)
    pipe.start(every_seconds=0.01)
    put(kinesis, {"n": 1})
    assert target.called.wait(10)
    pipe.stop()
    assert target.data() == [{"n": 1}]


@pytest.mark.parametrize(
    "source",
    [
        {"KinesisStreamParameters": {"StartingPosition": "TRIM_HORIZON", "BatchSize": 0}},
        {"KinesisStreamParameters": {"StartingPosition": "SOMEWHERE"}},
        {"KinesisStreamParameters": {"StartingPosition": "AT_TIMESTAMP"}},
        {"KinesisStreamParameters": {"StartingPosition": "LATEST", "MaximumBatchingWindowInSeconds": 301}},
        {"KinesisStreamParameters": {"StartingPosition": "LATEST", "OnPartialBatchItemFailure": "SPLIT"}},
        {"KinesisStreamParameters": {"StartingPosition": "LATEST", "MaximumRecordAgeInSeconds": 10}},
        {"KinesisStreamParameters": {"StartingPosition": "LATEST", "ParallelizationFactor": 11}},
        {"KinesisStreamParameters": {"StartingPosition": "LATEST", "DeadLetterConfig": {"Arn": "my-queue"}}},
        {"FilterCriteria": {"Filters": [{"Pattern": "{not json"}]}},
        {"FilterCriteria": {"Filters": [{"Pattern": '{"data": "not-an-array"}'}]}},
        {"FilterCriteria": {"Filters": [{"Pattern": "{}"}] * 6}},
    ],
)
def test_invalid_configurations_are_validation_errors(source) -> None:
    with pytest.raises(ServiceError) as error:
        from_api("p", "ingress", source)
    assert error.value.code == "ValidationException"


def test_invalid_templates_and_missing_streams_are_refused(kinesis) -> None:
    with pytest.raises(ServiceError):
        from_api("p", "ingress", {}, {"InputTemplate": '{"x": <aws.pipes.nope>}'})
    with pytest.raises(ServiceError) as missing:
        Pipe(
            from_api("p", "nope", {}),
            kinesis,
            Recorder(),
            checkpoints=Checkpoints(kinesis.store.path.parent / "checkpoints.sqlite"),
        )
    assert missing.value.code == "ValidationException"


def test_checkpoints_in_a_folder_that_does_not_exist_yet(tmp_path) -> None:
    checkpoints = Checkpoints(tmp_path / "new" / "checkpoints.sqlite3")
    checkpoints.set("p", 0, 5)
    assert checkpoints.get("p", 0) == 5
