"""`sma cost`: usage measured from the local cloud's executions, priced by service."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from integrations.stepfunctions.store import ExecutionStore
from sma.cli import app
from sma.commands.cost import EVENT_BYTES, PRICES, NotMeasured, estimate, event_bytes, measure

ARN = "arn:aws:states:eu-west-2:123456789012:stateMachine:"
COMPREHEND = {f"arn:aws:states:::aws-sdk:comprehend:{a}": 1 for a in ("detectSentiment", "detectEntities")}
REKOGNITION = {"arn:aws:states:::aws-sdk:rekognition:detectLabels": 2, "arn:aws:states:::lambda:invoke": 1}
EVENTS = {"arn:aws:states:::events:putEvents": 1}


def execution(machine: str, calls: dict[str, int], transitions: int = 0, seconds: float = 0.25, **extra):
    return {
        "arn": f"{ARN}{machine}:{len(json.dumps(calls))}-{transitions}-{seconds}",
        "state_machine_arn": f"{ARN}{machine}",
        "name": "x",
        "status": "SUCCEEDED",
        "start_date": "2026-11-22T06:00:00+00:00",
        "stop_date": f"2026-11-22T06:00:{seconds:09.6f}+00:00",
        "transitions": transitions,
        "resource_calls": calls,
        "history": [],
        "input": {"detail": {"Text": "x" * 450}},
        **extra,
    }


@pytest.fixture
def rows() -> list[dict]:
    return [
        execution("Analyse", {**COMPREHEND, **EVENTS}, transitions=10),
        execution("Analyse", {**COMPREHEND, **REKOGNITION, **EVENTS}, transitions=30),
        execution("RespondText", {"arn:aws:states:::aws-sdk:lexruntimev2:recognizeText": 1, **EVENTS}),
        execution("RespondImage", {"arn:aws:states:::lambda:invoke": 1, **EVENTS}, seconds=1.05),
        execution("Ingest", EVENTS, input=[{"Payload": {"a": "b" * 100}}]),
        execution("Egress", {"arn:aws:states:::dynamodb:putItem": 1, **EVENTS}),
        execution("Egress", {"arn:aws:states:::dynamodb:putItem": 1, **EVENTS}),
    ]


def test_measure_tells_text_from_photo_messages(rows) -> None:
    text, photo = measure(rows)["text"], measure(rows)["photo"]
    assert text["standard_transition"] == 10 and photo["standard_transition"] == 30
    assert text["rekognition_image"] == 0 and photo["rekognition_image"] == 2
    # 450 characters are 5 Comprehend units per call (100-character units, 3 at least).
    assert text["comprehend_unit"] == 2 * 5
    assert text["lex_text_request"] == 1 and photo["lex_text_request"] == 0
    # Express: the reply workflow, plus an equal share of the ingest and egress runs (3 over 2 messages).
    assert text["express_request"] == pytest.approx(1 + 3 / 2)
    # Express bills 100 ms steps of 64 MB: the 1.05 s image reply counts 1.1 s.
    image_reply = 1.1 * 0.064
    assert photo["express_gb_second"] - text["express_gb_second"] == pytest.approx(image_reply - 0.3 * 0.064)
    assert text["dynamodb_write"] == 1


def test_measure_needs_both_kinds_of_message(rows) -> None:
    with pytest.raises(NotMeasured, match="photo"):
        measure([r for r in rows if "rekognition" not in json.dumps(r["resource_calls"])])
    with pytest.raises(NotMeasured):
        measure([])


def test_estimate_scales_with_messages_and_the_photo_share(rows) -> None:
    profiles = measure(rows)
    one = estimate(profiles, 1_000, 0.5)
    assert estimate(profiles, 2_000, 0.5)["Comprehend"] == pytest.approx(2 * one["Comprehend"])
    assert "Rekognition" not in {k for k, v in estimate(profiles, 1_000, 0.0).items() if v}
    assert estimate(profiles, 1_000, 1.0)["Rekognition"] == pytest.approx(
        1_000 * 2 * PRICES["rekognition_image"].usd
    )
    with pytest.raises(ValueError):
        estimate(profiles, 1_000, 1.5)


def test_every_price_is_dated_and_sourced() -> None:
    assert all(
        price.source.startswith("https://aws.amazon.com/") and price.usd > 0 for price in PRICES.values()
    )


def test_cli_prints_the_estimate_beside_the_seeds(rows, tmp_path) -> None:
    store = ExecutionStore(tmp_path / "stepfunctions" / "executions.sqlite3")
    for index, row in enumerate(rows):
        store.insert({**row, "arn": f"{row['state_machine_arn']}:{index}"})
    store.close()
    runner = CliRunner()
    result = runner.invoke(
        app, ["cost", "--messages", "1000", "--image-share", "0.5", "--home", str(tmp_path), "--json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["usd_total"] == pytest.approx(sum(document["usd_by_service"].values()))
    assert document["usd_total"] == pytest.approx(
        sum(document["usd_per_million_by_service"].values()) / 1_000
    )
    assert document["seed_estimate_gbp_per_million"] == 1_700
    table = runner.invoke(app, ["cost", "--home", str(tmp_path)])
    assert table.exit_code == 0 and "£1,700" in table.output


def test_cli_explains_when_nothing_was_measured(tmp_path) -> None:
    result = CliRunner().invoke(app, ["cost", "--home", str(tmp_path)])
    assert result.exit_code == 2
    assert "sma demo" in result.output


def test_event_size_is_measured_from_the_event_log(tmp_path) -> None:
    assert event_bytes(tmp_path) == EVENT_BYTES  # nothing logged: the documented assumption
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "sma-plumbing-events.jsonl").write_bytes(b"x" * 100 + b"\n" + b"y" * 300 + b"\n")
    assert event_bytes(tmp_path) == 200


def test_firehose_bills_records_in_5_kb_steps(rows) -> None:
    small = measure(rows, event_bytes=1_000)["text"]
    large = measure(rows, event_bytes=6_000)["text"]
    events = small["custom_event"]
    assert small["firehose_gb"] == pytest.approx(events * 5_120 / 1e9)
    assert large["firehose_gb"] == pytest.approx(events * 10_240 / 1e9)
    assert large["logs_gb"] - small["logs_gb"] == pytest.approx(events * 5_000 / 1e9)
