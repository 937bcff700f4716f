"""`sma cost --messages N --image-share P`: what N messages would cost on AWS, by service.

The usage per message is what the local cloud measured: every finished execution in its Step Functions
store (`$SMA_HOME`, or the last `sma demo`) records its state transitions, its duration, its service
calls (Comprehend, Rekognition, Lex, EventBridge, DynamoDB, S3, Lambda) and its history. Text and
photo messages are told apart by whether their analysis called Rekognition. That usage is priced with
the dated list prices below, and set beside the seeds' own estimate (seed 001: about £1,700 per 1M
messages at 50/50 text/photo).

What the local cloud cannot measure is assumed, and says so in `ASSUMPTIONS`: Lambda durations (the
local functions run in-process), the bytes of each event, one webhook per message.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from infra.topology import TOPOLOGY

# ---------------------------------------------------------------------------------------------------
# Prices: AWS list prices, us-east-1, on-demand, from the linked pages. Step Functions' were compared with
# a copy of its pricing page on 2026-11-22; the others are the 2025 list prices as known when this was
# written, not re-checked from here (no web access). Re-check before relying on any of them: prices
# change, and other regions differ by up to ~20%.
# ---------------------------------------------------------------------------------------------------

PRICES_CHECKED = "2025 list prices (Step Functions re-checked 2026-11-22)"
PRICES_REGION = "us-east-1"
USD_TO_GBP = 0.79  # the rate used to compare with the seeds' pounds (2025-06)


@dataclass(frozen=True)
class Price:
    service: str
    usd: float  # per one unit
    unit: str
    source: str


_SFN = "https://aws.amazon.com/step-functions/pricing/"
_EVENTS = "https://aws.amazon.com/eventbridge/pricing/"
_FIREHOSE = "https://aws.amazon.com/firehose/pricing/"
PRICES: dict[str, Price] = {
    "standard_transition": Price("Step Functions", 0.025 / 1_000, "state transition", _SFN),
    "express_request": Price("Step Functions", 1.00 / 1e6, "Express request", _SFN),
    "express_gb_second": Price("Step Functions", 0.00001667, "Express GB-second", _SFN),
    "lambda_request": Price("Lambda", 0.20 / 1e6, "request", "https://aws.amazon.com/lambda/pricing/"),
    "lambda_gb_second": Price(
        "Lambda", 0.0000133334, "GB-second (arm64)", "https://aws.amazon.com/lambda/pricing/"
    ),
    "api_request": Price(
        "API Gateway", 3.50 / 1e6, "REST request", "https://aws.amazon.com/api-gateway/pricing/"
    ),
    "kinesis_gb_in": Price(
        "Kinesis", 0.08, "GB written (on demand)", "https://aws.amazon.com/kinesis/data-streams/pricing/"
    ),
    "kinesis_gb_out": Price(
        "Kinesis", 0.04, "GB read (on demand)", "https://aws.amazon.com/kinesis/data-streams/pricing/"
    ),
    "pipe_request": Price("EventBridge", 0.40 / 1e6, "Pipes request (64 KB)", _EVENTS),
    "custom_event": Price("EventBridge", 1.00 / 1e6, "custom event (64 KB)", _EVENTS),
    "comprehend_unit": Price(
        "Comprehend", 0.0001, "unit (100 characters, 3 minimum)", "https://aws.amazon.com/comprehend/pricing/"
    ),
    "rekognition_image": Price(
        "Rekognition", 0.001, "image per API", "https://aws.amazon.com/rekognition/pricing/"
    ),
    "lex_text_request": Price("Lex", 0.00075, "text request", "https://aws.amazon.com/lex/pricing/"),
    "dynamodb_write": Price(
        "DynamoDB", 0.625 / 1e6, "write request unit", "https://aws.amazon.com/dynamodb/pricing/on-demand/"
    ),
    "firehose_gb": Price("Firehose", 0.029, "GB ingested (5 KB records)", _FIREHOSE),
    "firehose_partitioning_gb": Price("Firehose", 0.020, "GB dynamically partitioned", _FIREHOSE),
    "s3_put": Price("S3", 0.005 / 1_000, "PUT request", "https://aws.amazon.com/s3/pricing/"),
    "s3_get": Price("S3", 0.0004 / 1_000, "GET request", "https://aws.amazon.com/s3/pricing/"),
    "logs_gb": Price("CloudWatch Logs", 0.50, "GB ingested", "https://aws.amazon.com/cloudwatch/pricing/"),
}

# The seeds' estimate per 1M messages at 50/50 text/photo (seed 001, "Cost"), in pounds.
SEED_ESTIMATE_GBP: dict[str, float] = {
    "AI services": 1_500.0,
    "Code and infrastructure (Standard Step Functions, Lambda)": 130.0,
    "EventBridge": 1.0,
    "Firehose": 0.30,
    "Storage (lake, logs)": 5.0,
}
SEED_TOTAL_GBP = 1_700.0

# ---------------------------------------------------------------------------------------------------
# What the local cloud cannot measure
# ---------------------------------------------------------------------------------------------------

LAMBDA_SECONDS: dict[str, float] = {"Ingress": 0.05, "DownloadImages": 0.5, "Overlay": 1.0, "PostTweet": 0.5}
EVENT_BYTES = 3_000  # one event on the bus, when the local cloud's event log has none to measure
FIREHOSE_RECORD_BYTES = 5_120  # Firehose bills each record rounded up to 5 KB
EXPRESS_GB = 0.064  # Express bills memory in 64 MB steps; these workflows stay in the first
ASSUMPTIONS = (
    f"Lambda durations are assumed ({', '.join(f'{k} {v:g}s' for k, v in LAMBDA_SECONDS.items())}):"
    " the local functions run in-process.",
    "An event's size is the mean of the local cloud's event log (else"
    f" {EVENT_BYTES:,} bytes); Firehose bills each record in 5 KB steps.",
    "One webhook (API Gateway request, Kinesis record, pipe request) per message; each activity item"
    " yields its raw TWITTER_<TYPE> event and MESSAGE_RECEIVED.",
    "Express durations are the local engine's, AI inference included: on AWS the workflow waits for the"
    " service instead, for a similar time.",
    "Idle costs (the Kinesis stream-hour, alarms, dashboard, secret, storage) are not per message: see the"
    " README's 'What costs money while idle'.",
)

KINDS = ("text", "photo")
ONE_MILLION = 1_000_000


class NotMeasured(LookupError):
    """The local cloud has not run the messages the estimate needs."""


# ---------------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------------


def _machine(row: Mapping[str, Any]) -> str:
    return str(row["state_machine_arn"]).rsplit(":", 1)[-1]


def _seconds(row: Mapping[str, Any]) -> float:
    from datetime import datetime

    started = datetime.fromisoformat(str(row["start_date"]))
    stopped = datetime.fromisoformat(str(row["stop_date"]))
    return max((stopped - started).total_seconds(), 0.0)


def _calls(row: Mapping[str, Any], service: str) -> int:
    return sum(n for resource, n in (row.get("resource_calls") or {}).items() if f":{service}:" in resource)


def _function_of(machine: str) -> str | None:
    """The Lambda a workflow invokes, read off its substitutions in the topology."""
    for ref in TOPOLOGY.state_machine(machine).substitutions.values():
        if ref.kind == "function":
            return ref.name
    return None


def _text_length(row: Mapping[str, Any]) -> int:
    document = row.get("input") or {}
    detail = document.get("detail", document) if isinstance(document, dict) else {}
    return len(str(detail.get("Text", ""))) if isinstance(detail, dict) else 0


def _add_execution(usage: Counter[str], row: Mapping[str, Any], share: float = 1.0) -> None:
    """One execution's metered usage (scaled by `share`) into `usage`."""
    machine = _machine(row)
    spec = TOPOLOGY.state_machine(machine)
    if spec.type == "STANDARD":
        usage["standard_transition"] += share * int(row.get("transitions") or 0)
    else:
        usage["express_request"] += share
        # Express bills duration in 100 ms steps.
        usage["express_gb_second"] += share * math.ceil(_seconds(row) * 10) / 10 * EXPRESS_GB
    function = _function_of(machine)
    invocations = _calls(row, "lambda")
    if function and invocations:
        usage["lambda_request"] += share * invocations
        memory_gb = TOPOLOGY.function(function).memory_mb / 1024
        usage["lambda_gb_second"] += share * invocations * LAMBDA_SECONDS[function] * memory_gb
    units = max(3, math.ceil(_text_length(row) / 100))
    usage["comprehend_unit"] += share * _calls(row, "comprehend") * units
    usage["rekognition_image"] += share * _calls(row, "rekognition")
    usage["lex_text_request"] += share * _calls(row, "lexruntimev2")
    usage["dynamodb_write"] += share * _calls(row, "dynamodb")
    usage["s3_get"] += share * _calls(row, "s3")
    if machine != TOPOLOGY.pipe.target:  # the ingest's events are counted per activity item
        usage["custom_event"] += share * _calls(row, "events")
    history = row.get("history") or []
    usage["logs_gb"] += share * len(json.dumps(history, default=str)) / 1e9


def measure(
    rows: Iterable[Mapping[str, Any]], event_bytes: float = EVENT_BYTES
) -> dict[str, dict[str, float]]:
    """Per-message usage of a text and of a photo message, from the local cloud's finished executions."""
    finished = [row for row in rows if row.get("status") == "SUCCEEDED" and row.get("stop_date")]
    by_machine: dict[str, list[Mapping[str, Any]]] = {}
    for row in finished:
        by_machine.setdefault(_machine(row), []).append(row)
    analyses = by_machine.get("Analyse", [])
    kinds = {
        "text": [r for r in analyses if not _calls(r, "rekognition")],
        "photo": [r for r in analyses if _calls(r, "rekognition")],
    }
    missing = [kind for kind in KINDS if not kinds[kind]]
    if missing:
        raise NotMeasured(
            f"the local cloud has analysed no {' or '.join(missing)} message yet: run `sma demo` first"
        )
    messages = len(analyses)
    shared = [row for name in (TOPOLOGY.pipe.target, "Egress") for row in by_machine.get(name, [])]
    replies = {"text": by_machine.get("RespondText", []), "photo": by_machine.get("RespondImage", [])}
    profiles: dict[str, dict[str, float]] = {}
    for kind in KINDS:
        usage: Counter[str] = Counter()
        for row in kinds[kind]:
            _add_execution(usage, row, 1 / len(kinds[kind]))
        for row in replies[kind]:
            _add_execution(usage, row, 1 / len(replies[kind]))
        for row in shared:  # ingest and egress are the same for both kinds: an equal share each
            _add_execution(usage, row, 1 / messages)
        usage["api_request"] += 1
        usage["pipe_request"] += 1
        usage["custom_event"] += 2  # the raw TWITTER_<TYPE> event and MESSAGE_RECEIVED
        usage["lambda_request"] += 1
        usage["lambda_gb_second"] += LAMBDA_SECONDS["Ingress"] * TOPOLOGY.function("Ingress").memory_mb / 1024
        webhook_bytes = _webhook_bytes(by_machine.get(TOPOLOGY.pipe.target, []))
        usage["kinesis_gb_in"] += webhook_bytes / 1e9
        usage["kinesis_gb_out"] += webhook_bytes / 1e9
        events = usage["custom_event"]
        billed = math.ceil(event_bytes / FIREHOSE_RECORD_BYTES) * FIREHOSE_RECORD_BYTES
        usage["firehose_gb"] += events * billed / 1e9
        usage["firehose_partitioning_gb"] += events * event_bytes / 1e9
        usage["logs_gb"] += events * event_bytes / 1e9
        if kind == "photo":  # each photo is downloaded into the media bucket and annotated there
            photos = usage["rekognition_image"] / _rekognition_apis(kinds[kind])
            usage["s3_put"] += 2 * photos
        profiles[kind] = dict(usage)
    return profiles


def _webhook_bytes(ingests: list[Mapping[str, Any]]) -> float:
    """Mean bytes of one webhook record, from the ingest workflow's batches (the pipe's input)."""
    sizes = [
        len(json.dumps(record))
        for row in ingests
        for record in (row.get("input") if isinstance(row.get("input"), list) else [row.get("input")])
        if record
    ]
    return sum(sizes) / len(sizes) if sizes else 5_000.0


def _rekognition_apis(photo_analyses: list[Mapping[str, Any]]) -> float:
    """Rekognition calls per photo: the analysis calls each of these APIs once per image."""
    apis = {r for row in photo_analyses for r in (row.get("resource_calls") or {}) if ":rekognition:" in r}
    return float(len(apis) or 1)


# ---------------------------------------------------------------------------------------------------
# Pricing
# ---------------------------------------------------------------------------------------------------


def estimate(
    profiles: Mapping[str, Mapping[str, float]], messages: int, image_share: float
) -> dict[str, float]:
    """US dollars by service for `messages` messages of which `image_share` carry a photo."""
    if not 0 <= image_share <= 1:
        raise ValueError(f"the image share is a fraction between 0 and 1, not {image_share}")
    mix = {"text": 1 - image_share, "photo": image_share}
    by_service: Counter[str] = Counter()
    for kind, weight in mix.items():
        for meter, quantity in profiles[kind].items():
            price = PRICES[meter]
            by_service[price.service] += messages * weight * quantity * price.usd
    return dict(sorted(by_service.items(), key=lambda item: -item[1]))


def _candidates(home: Path | None) -> list[Path]:
    from integrations.state import state_dir

    return [home] if home else [state_dir(), state_dir() / "demo"]


def event_bytes(home: Path) -> float:
    """The mean size of one event in the local cloud's catch-all event log (JSON lines)."""
    lines = sizes = 0
    for path in sorted((home / "logs").glob("*.jsonl")):
        with path.open("rb") as log:
            for line in log:
                lines += 1
                sizes += len(line.rstrip(b"\n"))
    return sizes / lines if lines else EVENT_BYTES


def _measured_home(home: Path | None) -> tuple[Path | None, list[dict[str, Any]]]:
    """The first state folder with finished executions, and its executions."""
    from integrations.stepfunctions.store import ExecutionStore

    for folder in _candidates(home):
        path = folder / "stepfunctions" / "executions.sqlite3"
        if path.exists():
            store = ExecutionStore(path)
            try:
                rows = store.list(limit=100_000)
            finally:
                store.close()
            if rows:
                return folder, rows
    return None, []


def cost(
    messages: int = typer.Option(ONE_MILLION, "--messages", min=1, help="How many messages."),
    image_share: float = typer.Option(
        0.5, "--image-share", min=0.0, max=1.0, help="The fraction of messages with a photo (0 to 1)."
    ),
    home: Annotated[
        Path | None,
        typer.Option(
            "--home", help="The local cloud state to measure (default: $SMA_HOME, then its last demo)."
        ),
    ] = None,
    as_json: bool = typer.Option(False, "--json", help="Print the estimate as JSON."),
) -> None:
    """Estimate what N messages cost on AWS, from the usage the local cloud measured."""
    from rich.console import Console
    from rich.table import Table

    try:
        folder, rows = _measured_home(home)
        profiles = measure(rows, event_bytes(folder) if folder else EVENT_BYTES)
    except NotMeasured as missing:
        typer.echo(f"Cannot estimate: {missing}.", err=True)
        raise typer.Exit(2) from None
    total = estimate(profiles, messages, image_share)
    per_million = estimate(profiles, ONE_MILLION, image_share)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "messages": messages,
                    "image_share": image_share,
                    "usd_by_service": total,
                    "usd_total": sum(total.values()),
                    "usd_per_million_by_service": per_million,
                    "usage_per_message": profiles,
                    "prices": {
                        "checked": PRICES_CHECKED,
                        "region": PRICES_REGION,
                        "usd_to_gbp": USD_TO_GBP,
                        "per_unit": {meter: vars(price) for meter, price in PRICES.items()},
                    },
                    "seed_estimate_gbp_per_million": SEED_TOTAL_GBP,
                    "assumptions": list(ASSUMPTIONS),
                },
                indent=2,
            )
        )
        return
    table = Table(title=f"{messages:,} messages, {image_share:.0%} with a photo ({PRICES_REGION} prices)")
    for column in ("service", f"US$ for {messages:,}", "US$ per 1M", "£ per 1M"):
        table.add_column(column, justify="left" if column == "service" else "right")
    for service, usd in total.items():
        table.add_row(
            service,
            f"{usd:,.2f}",
            f"{per_million[service]:,.2f}",
            f"{per_million[service] * USD_TO_GBP:,.2f}",
        )
    usd_million = sum(per_million.values())
    table.add_row(
        "total",
        f"{sum(total.values()):,.2f}",
        f"{usd_million:,.2f}",
        f"{usd_million * USD_TO_GBP:,.2f}",
        style="bold",
    )
    console = Console()
    console.print(table)
    seeds = ", ".join(f"{name} £{gbp:,.2f}" for name, gbp in SEED_ESTIMATE_GBP.items())
    console.print(f"The seeds' estimate (50/50): about £{SEED_TOTAL_GBP:,.0f} per 1M ({seeds}).")
    console.print(f"Prices: {PRICES_CHECKED}, US$1 = £{USD_TO_GBP}; each price's source: `sma cost --json`.")
    for assumption in ASSUMPTIONS:
        console.print(f"• {assumption}")


def register(app: typer.Typer) -> None:
    app.command("cost")(cost)
