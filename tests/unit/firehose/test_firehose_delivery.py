"""Local Firehose: limits, buffering hints on a fake clock, delimiter, dynamic partitioning, durability."""

from __future__ import annotations

import json
import re
from pathlib import Path

import botocore.session
import pytest

from integrations.errors import ServiceError
from integrations.firehose import DeliveryStreams, FirehoseClient
from integrations.firehose.jq import JqSyntaxError, compile_query
from integrations.objectstore import ObjectStore, S3Client

MODEL = botocore.session.get_session().get_service_model("firehose")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_760_000_000.0  # 2025-10-09T08:53:20Z

    def __call__(self) -> float:
        return self.now


DELIMITER = {
    "Type": "AppendDelimiterToRecord",
    "Parameters": [{"ParameterName": "Delimiter", "ParameterValue": "\\n"}],
}


def destination(**overrides) -> dict:
    config = {
        "BucketARN": "arn:aws:s3:::lake",
        "RoleARN": "arn:aws:iam::123456789012:role/firehose",
        "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60},
        "ProcessingConfiguration": {"Enabled": True, "Processors": [DELIMITER]},
    }
    config.update(overrides)
    return config


PARTITIONED = destination(
    Prefix="events/detail-type=!{partitionKeyFromQuery:detailType}/!{timestamp:yyyy}/!{timestamp:MM}/",
    # Dynamic partitioning refuses buffers under 64 MiB (test_dynamic_partitioning_needs_big_buffers).
    BufferingHints={"SizeInMBs": 64, "IntervalInSeconds": 60},
    ErrorOutputPrefix="errors/!{firehose:error-output-type}/",
    DynamicPartitioningConfiguration={"Enabled": True},
    ProcessingConfiguration={
        "Enabled": True,
        "Processors": [
            DELIMITER,
            {
                "Type": "MetadataExtraction",
                "Parameters": [
                    {
                        "ParameterName": "MetadataExtractionQuery",
                        "ParameterValue": '{detailType: .["detail-type"]}',
                    },
                    {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"},
                ],
            },
        ],
    },
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def s3(sma_home) -> S3Client:
    client = S3Client(ObjectStore(sma_home / "s3"))
    client.create_bucket(Bucket="lake")
    return client


@pytest.fixture
def firehose(sma_home: Path, s3: S3Client, clock: FakeClock) -> FirehoseClient:
    client = FirehoseClient(
        DeliveryStreams(s3.store, path=sma_home / "firehose" / "buffer.sqlite3", clock=clock)
    )
    client.create_delivery_stream(DeliveryStreamName="lake", ExtendedS3DestinationConfiguration=destination())
    return client


def keys(s3: S3Client) -> list[str]:
    return [c["Key"] for c in s3.list_objects_v2(Bucket="lake").get("Contents", [])]


def body(s3: S3Client, key: str) -> bytes:
    return s3.get_object(Bucket="lake", Key=key)["Body"].read()


def test_records_wait_for_the_interval_then_land_newline_delimited(firehose, s3, clock) -> None:
    response = firehose.put_record(DeliveryStreamName="lake", Record={"Data": b'{"n": 1}'})
    assert set(response) - {"ResponseMetadata"} <= set(
        MODEL.operation_model("PutRecord").output_shape.members
    )
    firehose.put_record_batch(
        DeliveryStreamName="lake", Records=[{"Data": b'{"n": 2}'}, {"Data": b'{"n": 3}'}]
    )
    clock.now += 59
    assert firehose.streams.tick() == 0 and keys(s3) == []
    clock.now += 1
    assert firehose.streams.tick() == 1
    [key] = keys(s3)
    assert re.fullmatch(r"2025/10/09/08/lake-1-2025-10-09-08-53-20-[0-9a-f-]{36}", key), key
    assert body(s3, key) == b'{"n": 1}\n{"n": 2}\n{"n": 3}\n'
    assert firehose.streams.buffer.count() == 0


def test_a_full_buffer_is_delivered_at_once(firehose, s3) -> None:
    chunk = b"x" * (512 * 1024)
    firehose.put_record(DeliveryStreamName="lake", Record={"Data": chunk})
    assert keys(s3) == []
    firehose.put_record(DeliveryStreamName="lake", Record={"Data": chunk})  # reaches SizeInMBs = 1
    [key] = keys(s3)
    assert body(s3, key) == chunk + b"\n" + chunk + b"\n"


def test_dynamic_partitioning_by_detail_type_and_error_prefix(sma_home: Path, s3, clock) -> None:
    client = FirehoseClient(
        DeliveryStreams(s3.store, path=sma_home / "firehose" / "buffer.sqlite3", clock=clock)
    )
    client.create_delivery_stream(DeliveryStreamName="events", ExtendedS3DestinationConfiguration=PARTITIONED)
    records = [
        {"detail-type": "MESSAGE_RECEIVED", "id": "1"},
        {"detail-type": "MESSAGE_ANALYSED", "id": "2"},
        {"detail-type": "MESSAGE_RECEIVED", "id": "3"},
        {"id": "no detail type"},
    ]
    batch = [{"Data": json.dumps(r).encode()} for r in records] + [{"Data": b"not json"}]
    client.put_record_batch(DeliveryStreamName="events", Records=batch)
    assert client.streams.flush() == 3
    found = {key.rsplit("/", 1)[0]: body(s3, key) for key in keys(s3)}
    assert set(found) == {
        "events/detail-type=MESSAGE_RECEIVED/2025/10",
        "events/detail-type=MESSAGE_ANALYSED/2025/10",
        "errors/processing-failed",
    }
    received = [
        json.loads(line)["id"] for line in found["events/detail-type=MESSAGE_RECEIVED/2025/10"].splitlines()
    ]
    assert received == ["1", "3"]
    errors = [json.loads(line) for line in found["errors/processing-failed"].splitlines()]
    assert [e["errorCode"] for e in errors] == ["DynamicPartitioning.MetadataExtractionFailed"] * 2
    import base64

    assert base64.b64decode(errors[1]["rawData"]) == b"not json"


def test_limits_refuse_the_whole_call(firehose) -> None:
    with pytest.raises(ServiceError) as too_big:
        firehose.put_record(DeliveryStreamName="lake", Record={"Data": b"x" * (1000 * 1024 + 1)})
    assert too_big.value.code == "ValidationException"
    firehose.put_record(DeliveryStreamName="lake", Record={"Data": b"x" * (1000 * 1024)})
    with pytest.raises(ServiceError) as too_many:
        firehose.put_record_batch(DeliveryStreamName="lake", Records=[{"Data": b"x"}] * 501)
    assert too_many.value.code == "ValidationException"
    with pytest.raises(ServiceError) as too_much:
        firehose.put_record_batch(DeliveryStreamName="lake", Records=[{"Data": b"x" * (900 * 1024)}] * 5)
    assert too_much.value.code == "InvalidArgumentException"
    with pytest.raises(ServiceError) as missing:
        firehose.put_record(DeliveryStreamName="nope", Record={"Data": b"x"})
    assert missing.value.code == "ResourceNotFoundException"
    assert firehose.streams.buffer.count() == 1


def test_bad_configurations_are_refused(firehose) -> None:
    bad = [
        destination(BucketARN="lake"),
        destination(BufferingHints={"SizeInMBs": 129, "IntervalInSeconds": 60}),
        destination(Prefix="!{timestamp:yyyy-QQ}/"),
        destination(Prefix="!{partitionKeyFromQuery:x}/"),
        {**PARTITIONED, "ErrorOutputPrefix": ""},
        destination(ProcessingConfiguration={"Enabled": True, "Processors": [{"Type": "Lambda"}]}),
    ]
    for index, config in enumerate(bad):
        with pytest.raises(ServiceError) as error:
            firehose.create_delivery_stream(
                DeliveryStreamName=f"bad{index}", ExtendedS3DestinationConfiguration=config
            )
        assert error.value.code == "InvalidArgumentException", index
    with pytest.raises(ServiceError) as exists:
        firehose.create_delivery_stream(
            DeliveryStreamName="lake", ExtendedS3DestinationConfiguration=destination()
        )
    assert exists.value.code == "ResourceInUseException"


def test_buffered_records_survive_a_crash_and_a_missing_bucket(sma_home, clock) -> None:
    store = ObjectStore(sma_home / "s3")
    first = FirehoseClient(DeliveryStreams(store, path=sma_home / "firehose" / "buffer.sqlite3", clock=clock))
    first.create_delivery_stream(DeliveryStreamName="lake", ExtendedS3DestinationConfiguration=destination())
    first.put_record(DeliveryStreamName="lake", Record={"Data": b"kept"})
    clock.now += 120
    with pytest.raises(ServiceError) as no_bucket:
        first.streams.tick()
    assert no_bucket.value.code == "NoSuchBucket"
    first.streams.close()  # the process "dies" without flushing
    store.create_bucket("lake")
    second = FirehoseClient(
        DeliveryStreams(store, path=sma_home / "firehose" / "buffer.sqlite3", clock=clock)
    )  # restart: config and buffer from disk
    assert second.streams.tick() == 1
    [key] = [c["Key"] for c in S3Client(store).list_objects_v2(Bucket="lake")["Contents"]]
    assert store.get("lake", key)[1] == b"kept\n"


def test_redelivery_after_a_crash_rewrites_the_same_object(sma_home: Path, firehose, s3, clock) -> None:
    firehose.put_record_batch(DeliveryStreamName="lake", Records=[{"Data": b"one"}, {"Data": b"two"}])
    streams = firehose.streams

    def die(stream, chunk):
        raise KeyboardInterrupt  # the process dies after writing the object, before forgetting its records

    streams.buffer.complete_delivery = die
    with pytest.raises(KeyboardInterrupt):
        streams.flush()
    [written] = keys(s3)
    restarted = DeliveryStreams(s3.store, path=sma_home / "firehose" / "buffer.sqlite3", clock=clock)
    restarted.put("lake", [b"three"])  # arrives after the restart, before the redelivery
    assert restarted.flush() == 2
    assert body(s3, written) == b"one\ntwo\n"  # the same object, the same records
    lines = sorted(line for key in keys(s3) for line in body(s3, key).splitlines())
    assert lines == [b"one", b"three", b"two"]
    assert restarted.buffer.count() == 0


def test_describe_matches_the_api_shape(firehose) -> None:
    description = firehose.describe_delivery_stream(DeliveryStreamName="lake")["DeliveryStreamDescription"]
    assert set(description) <= set(MODEL.shape_for("DeliveryStreamDescription").members)
    extended = description["Destinations"][0]["ExtendedS3DestinationDescription"]
    assert set(extended) <= set(MODEL.shape_for("ExtendedS3DestinationDescription").members)
    assert firehose.list_delivery_streams()["DeliveryStreamNames"] == ["lake"]


def test_runner_thread_delivers_and_flushes_on_stop(firehose, s3) -> None:
    firehose.put_record(DeliveryStreamName="lake", Record={"Data": b"bye"})
    firehose.streams.start(every_seconds=0.01)
    firehose.streams.stop()
    assert [body(s3, k) for k in keys(s3)] == [b"bye\n"]


def test_jq_subset() -> None:
    document = {"detail-type": "T", "detail": {"Images": [{"Key": "k"}]}}
    assert compile_query('.["detail-type"]').evaluate(document) == "T"
    assert compile_query('."detail-type"').evaluate(document) == "T"
    assert compile_query(".detail.Images[0].Key").evaluate(document) == "k"
    assert compile_query('{a: .detail.Images[5], b: .["detail-type"]}').evaluate(document) == {
        "a": None,
        "b": "T",
    }
    for unsupported in (".a | .b", "map(.x)", ".a..b"):
        with pytest.raises(JqSyntaxError):
            compile_query(unsupported)


def test_timestamp_patterns_with_separators_and_random_strings(s3, clock) -> None:
    from integrations.firehose import prefixes

    moment = prefixes.utc(clock.now)
    assert prefixes.render("events/!{timestamp:yyyy/MM/dd/HH}/", moment) == "events/2025/10/09/08/"
    assert prefixes.render("raw/", moment) == "raw/2025/10/09/08/"  # no expression: the default is appended
    assert prefixes.render("x/!{firehose:random-string}/", moment, random="abc") == "x/abc/"


def test_the_topologys_stream_writes_exactly_the_keys_its_prefix_spells(sma_home: Path, s3, clock) -> None:
    # The lake's one destination (infra/topology.py): a folder per detail-type, then per UTC day of
    # arrival, then Firehose's object name <stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<random>
    # ("Amazon S3 object name format", https://docs.aws.amazon.com/firehose/latest/dev/s3-object-name.html).
    from infra.topology import TOPOLOGY

    stream = TOPOLOGY.delivery_stream
    client = FirehoseClient(
        DeliveryStreams(s3.store, path=sma_home / "firehose" / "buffer.sqlite3", clock=clock)
    )
    client.create_delivery_stream(
        DeliveryStreamName=stream.name,
        ExtendedS3DestinationConfiguration=stream.destination("arn:aws:s3:::lake"),
    )
    for detail_type in ("TWEET_SENT", "MESSAGE_ANALYSED", "TWEET_SENT"):
        client.put_record(
            DeliveryStreamName=stream.name, Record={"Data": json.dumps({"detail-type": detail_type}).encode()}
        )
    assert client.streams.flush() == 2
    pattern = re.compile(
        r"events/detail_type=(TWEET_SENT|MESSAGE_ANALYSED)/day=2025-10-09/"
        r"LakeDelivery-1-2025-10-09-08-53-20-[0-9a-f-]{36}"
    )
    found = keys(s3)
    assert len(found) == 2 and all(pattern.fullmatch(key) for key in found), found
    sent = next(key for key in found if "TWEET_SENT" in key)
    assert body(s3, sent).count(b"\n") == 2


def test_dynamic_partitioning_needs_big_buffers(firehose) -> None:
    # "When data format conversion or dynamic partitioning is enabled, buffering size must be at least
    # 64 MiBs" (aws-cdk-lib aws-kinesisfirehose, https://github.com/aws/aws-cdk/pull/35903, mirroring
    # CreateDeliveryStream's "BufferingHints.SizeInMBs must be at least 64 when data format conversion
    # is enabled."); "Zero buffering feature is not available for dynamic partitioning."
    # (https://docs.aws.amazon.com/firehose/latest/dev/buffering.html).
    for hints in ({"SizeInMBs": 63, "IntervalInSeconds": 60}, {"SizeInMBs": 64, "IntervalInSeconds": 0}):
        with pytest.raises(ServiceError) as error:
            firehose.create_delivery_stream(
                DeliveryStreamName="small",
                ExtendedS3DestinationConfiguration={**PARTITIONED, "BufferingHints": hints},
            )
        assert error.value.code == "InvalidArgumentException"
        assert "Dynamic Partitioning" in error.value.message
    # Without dynamic partitioning a 1 MiB buffer is fine (the `lake` fixture stream has one).
    assert firehose.describe_delivery_stream(DeliveryStreamName="lake")["DeliveryStreamDescription"]


def test_update_destination_and_ensure_change_where_records_go(sma_home: Path, firehose, s3, clock) -> None:
    firehose.put_record(DeliveryStreamName="lake", Record={"Data": b"1"})
    firehose.update_destination(
        DeliveryStreamName="lake",
        CurrentDeliveryStreamVersionId="1",
        DestinationId="destinationId-000000000001",
        ExtendedS3DestinationUpdate={"Prefix": "v2/"},
    )
    firehose.streams.flush()
    assert keys(s3)[0].startswith("v2/2025/10/09/08/")
    restarted = DeliveryStreams(
        s3.store, path=sma_home / "firehose" / "buffer.sqlite3", clock=clock
    )  # the change is durable
    assert restarted.config("lake").prefix == "v2/"
    restarted.ensure("lake", destination(Prefix="v3/"))
    restarted.ensure("new", destination())
    assert (
        DeliveryStreams(s3.store, path=sma_home / "firehose" / "buffer.sqlite3", clock=clock)
        .config("lake")
        .prefix
        == "v3/"
    )
    assert sorted(restarted.names()) == ["lake", "new"]
    with pytest.raises(ServiceError) as bad:
        firehose.update_destination(
            DeliveryStreamName="lake", CurrentDeliveryStreamVersionId="1", DestinationId="other"
        )
    assert bad.value.code == "InvalidArgumentException"


def test_a_buffer_in_a_folder_that_does_not_exist_yet(s3, tmp_path) -> None:
    streams = DeliveryStreams(s3.store, path=tmp_path / "new" / "buffer.sqlite3")
    assert streams.names() == []


def test_a_partitions_size_is_kept_as_records_arrive_and_leave(tmp_path: Path) -> None:
    # What decides a size-triggered delivery ("Buffering hints", Amazon Data Firehose developer guide):
    # the partition's bytes and its oldest arrival, kept between puts, must equal its records' sum.
    from integrations.firehose.buffer import Buffer, Buffered, Incoming

    buffer = Buffer(tmp_path / "buffer.sqlite3")

    def summed(partition: str) -> tuple[int, float] | None:
        fresh = Buffer(tmp_path / "buffer.sqlite3")  # no kept totals: sums the records
        state = fresh.partition("lake", partition)
        fresh.close()
        return None if state is None else (state.size, state.oldest)

    def kept(partition: str) -> tuple[int, float] | None:
        state = buffer.partition("lake", partition)
        return None if state is None else (state.size, state.oldest)

    assert kept("a") is None
    buffer.append("lake", [Incoming("a", None, b"x" * 10)], arrival=5.0)
    assert kept("a") == summed("a") == (10, 5.0)
    buffer.append("lake", [Incoming("a", None, b"yy"), Incoming("b", None, b"zzz")], arrival=3.0)
    assert kept("a") == summed("a") == (12, 3.0)
    assert kept("b") == summed("b") == (3, 3.0)
    first = Buffered(1, b"x" * 10, 5.0)
    buffer.begin_delivery("lake", "a", [first])
    buffer.complete_delivery("lake", [first])
    assert kept("a") == summed("a") == (2, 3.0)
    buffer.append("lake", [Incoming("b", None, b"w")], arrival=9.0)
    assert kept("b") == summed("b") == (4, 3.0)
    buffer.close()
