"""The ingress refuses at the door what the path behind it cannot carry, and nothing it accepts fails there.

Limits (UTF-8 bytes, as AWS counts them): Step Functions' 256 KiB per execution input and state
(https://docs.aws.amazon.com/step-functions/latest/dg/limits-overview.html), EventBridge's 256 KB per
PutEvents entry (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html),
Comprehend's 100 KB for DetectEntities/DetectKeyPhrases/DetectDominantLanguage (botocore's comprehend
service model: "The maximum string size is 100 KB").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from integrations.bus import EventBus
from integrations.bus.handlers import engine_handlers
from integrations.pipes import Checkpoints, Pipe, from_api
from integrations.stream import KinesisClient, StreamStore
from lambdas.ingress.limits import COMPREHEND_TEXT_BYTES, InvalidUnicode, PayloadTooLarge, check_downstream
from lambdas.ingress.payloads import classify
from tests.unit.lambdas.test_ingress_webhook import BOT, FakeStream, call, post, signed, x_signature
from workflows.engine import execute

ROOT = Path(__file__).resolve().parents[3]
EMOJI = "\U0001f600"  # 4 bytes of UTF-8, 12 bytes as Python's default \ud83d\ude00 escapes


def long_mention(text: str, tweet_id: str = "1790000000000000009") -> dict[str, Any]:
    """An Account Activity mention of a long post: X sends the first 140 characters in `text` and the
    whole post in `extended_tweet.full_text` (the AAA's "extended tweet" shape)."""
    return {
        "for_user_id": BOT,
        "tweet_create_events": [
            {
                "id_str": tweet_id,
                "text": text[:140],
                "truncated": True,
                "extended_tweet": {"full_text": text},
                "user": {"id_str": "42", "screen_name": "long_writer"},
                "in_reply_to_user_id_str": BOT,
            }
        ],
    }


def largest_accepted(make: Any, low: int = 1, high: int = 200_000) -> int:
    """The largest n for which the ingress's check accepts make(n) (binary search)."""
    while low < high:
        middle = (low + high + 1) // 2
        document = make(middle)
        try:
            check_downstream(document, classify(document).items)
        except PayloadTooLarge:
            high = middle - 1
        else:
            low = middle
    return low


# -- refusals at the door --------------------------------------------------------------------------------


def test_a_lone_surrogate_escape_is_refused_with_400_and_not_recorded() -> None:
    # RFC 8259 lets "\ud800" through as JSON; it is no Unicode text and no UTF-8 can carry it.
    body = b'{"for_user_id": "' + BOT.encode() + b'", "tweet_create_events": [{"text": "hi \\ud800"}]}'
    stream = FakeStream()
    response = call(post(body, {"x-twitter-webhooks-signature": x_signature(body)}), stream)
    assert response["statusCode"] == 400
    assert "\\ud800" in json.loads(response["body"])["error"]
    assert stream.records == []


def test_a_surrogate_pair_escape_is_an_ordinary_character_and_accepted() -> None:
    body = b'{"for_user_id": "' + BOT.encode() + b'", "tweet_create_events": [{"text": "hi \\ud83d\\ude00"}]}'
    stream = FakeStream()
    response = call(post(body, {"x-twitter-webhooks-signature": x_signature(body)}), stream)
    assert response["statusCode"] == 200
    assert stream.records[0]["Data"] == body  # the raw body, untouched


def test_a_text_comprehend_cannot_take_is_refused_with_413() -> None:
    document = long_mention("a" * COMPREHEND_TEXT_BYTES)
    _, event = signed(document)
    stream = FakeStream()
    response = call(event, stream)
    assert response["statusCode"] == 413
    assert json.loads(response["body"])["error"].startswith("a text of 100000 bytes")
    assert stream.records == []


def test_a_body_under_the_kinesis_limit_but_over_the_workflow_input_is_refused_with_413() -> None:
    document = {**long_mention("short"), "padding": ["x" * 1000] * 300}  # 300 KB: fits Kinesis' 1 MiB
    _, event = signed(document)
    response = call(event)
    assert response["statusCode"] == 413
    assert "ingest workflow's input" in json.loads(response["body"])["error"]


def test_sizes_are_utf8_bytes_not_characters_nor_escapes() -> None:
    # Under a character count 70,000 emoji would pass 256 Ki; as UTF-8 they are 280,000 bytes.
    with pytest.raises(PayloadTooLarge):
        check_downstream({"text": EMOJI * 70_000}, [])
    # 20,000 emoji are 80,000 bytes of UTF-8 (240,000 as \u escapes): within the input limit.
    assert check_downstream({"text": EMOJI * 20_000}, []) == len('{"text":""}') + 80_000


def test_many_activities_are_counted_together() -> None:
    # Ten activities of 20 KB each: every one fits alone, their events together do not.
    items = [{"id_str": str(n), "text": "y" * 20_000} for n in range(10)]
    document = {"for_user_id": BOT, "favorite_events": items}
    with pytest.raises(PayloadTooLarge, match="events made of this webhook"):
        check_downstream(document, classify(document).items)
    assert check_downstream({"for_user_id": BOT, "favorite_events": items[:3]}, items[:3]) > 0


def test_invalid_unicode_is_found_in_keys_too() -> None:
    with pytest.raises(InvalidUnicode):
        check_downstream({"\udc80": 1}, [])


# -- what is accepted passes the real path ---------------------------------------------------------------


def _ingest_pipe(sma_home: Path, bus: EventBus) -> tuple[KinesisClient, Pipe, list[Any]]:
    """The topology's pipe (template, batching, bisection) into the real ingest workflow on the engine,
    claiming each message in a real local Idempotency table and publishing to a real local bus: the path
    an acknowledged webhook takes."""
    from infra.topology import IDEMPOTENCY, TOPOLOGY
    from integrations.dynamodb import DynamoDBClient, TableSchema
    from integrations.dynamodb.handlers import engine_handlers as dynamodb_handlers

    [table] = [t for t in TOPOLOGY.tables if t.name == IDEMPOTENCY]
    schema = TableSchema(table.name, table.partition_key, ttl_attribute=table.ttl_attribute)
    dynamodb = DynamoDBClient([schema], path=sma_home / "tables.sqlite3")

    spec = TOPOLOGY.pipe
    definition = (ROOT / "workflows" / TOPOLOGY.state_machine(spec.target).definition).read_text()
    kinesis = KinesisClient(StreamStore(sma_home / "streams.sqlite3"), enforce_throughput=False)
    kinesis.create_stream(StreamName=spec.source, ShardCount=1)
    config = from_api(
        spec.name,
        spec.source,
        {
            "KinesisStreamParameters": {
                "StartingPosition": "TRIM_HORIZON",
                "BatchSize": spec.batch_size,
                "MaximumRetryAttempts": 0,
                "OnPartialBatchItemFailure": "AUTOMATIC_BISECT",
            }
        },
        {
            "InputTemplate": spec.input_template,
            "StepFunctionStateMachineParameters": {"InvocationType": "REQUEST_RESPONSE"},
        },
    )
    executions: list[Any] = []

    def start_sync(payload: str) -> dict[str, Any]:
        payload.encode("utf-8")  # StartSyncExecution's input is UTF-8 text
        execution = execute(
            definition,
            json.loads(payload),
            state_machine_type="EXPRESS",
            handlers={**engine_handlers(bus), **dynamodb_handlers(dynamodb)},
            substitutions={"PlumbingBusName": bus.name, "IdempotencyTableName": IDEMPOTENCY},
        )
        executions.append(execution)
        return {"status": execution.status, "error": execution.error, "cause": execution.cause}

    return (
        kinesis,
        Pipe(
            config,
            kinesis,
            start_sync,
            sleep=lambda seconds: None,
            checkpoints=Checkpoints(kinesis.store.path.parent / "checkpoints.sqlite"),
        ),
        executions,
    )


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda n: long_mention(EMOJI * n), id="emoji"),
        pytest.param(lambda n: long_mention("\u00e9" * n), id="two-byte"),
        pytest.param(lambda n: long_mention(("word " * (n // 5 + 1))[:n]), id="ascii"),
    ],
)
def test_the_largest_webhook_accepted_is_ingested_whole(sma_home, make) -> None:
    n = largest_accepted(make)
    accepted = make(n)
    body, event = signed(accepted)
    stream = FakeStream()
    assert call(event, stream)["statusCode"] == 200
    too_big = make(n + 1)
    assert call(signed(too_big)[1])["statusCode"] == 413
    with EventBus("Plumbing", directory=sma_home / "bus") as bus:
        kinesis, pipe, executions = _ingest_pipe(sma_home, bus)
        kinesis.put_record(StreamName="Ingress", Data=body, PartitionKey=BOT)
        # A small webhook behind it on the same shard, in the same batch.
        small = signed(long_mention("hello", "17"))[0]
        kinesis.put_record(StreamName="Ingress", Data=small, PartitionKey=BOT)
        assert pipe.drain() == 2
        assert [info["context"]["errorMessage"] for info, _ in pipe.dead_letters()] == []
        assert [e.status for e in executions] == ["SUCCEEDED"]
        received = [e["detail"] for e in bus.journal() if e["detail-type"] == "MESSAGE_RECEIVED"]
        full_text = accepted["tweet_create_events"][0]["extended_tweet"]["full_text"]
        assert [d["Text"] for d in received] == [full_text, "hello"]
