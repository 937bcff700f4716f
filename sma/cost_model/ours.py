"""This design's usage per message: the infrastructure as the local cloud measured it, the AI calls as
the workflows' own rules make them for the stated message mix.

Measured, from every finished execution in the local cloud's Step Functions store (`$SMA_HOME`, or the
last `sma demo`): which workflows run per text and per photo message, their type (Standard transitions,
Express requests and billed duration), their Lambda invocations, DynamoDB writes, S3 reads and events.
Text and photo messages are told apart by whether their analysis called Rekognition.

Modelled, because the demo's few samples are not a fair mix: the Comprehend, Rekognition and Lex calls,
from the rules in workflows/analyse.asl.json and respond-text.asl.json (X's language where it gives one,
else DetectDominantLanguage; DetectSentiment always; DetectToxicContent on English messages that read
negative or mixed; DetectLabels on every photo and RecognizeCelebrities where the labels see someone;
Lex only for a text message that raised no negative alert, with words in the bot's language or in no
language anyone could name).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from infra.topology import TOPOLOGY
from sma.cost_model.common import XRAY_SAMPLED, Usage, add_events, add_lambda, comprehend_units
from sma.cost_model.mix import Mix

# The local functions run in-process: their durations on AWS are assumed.
LAMBDA_SECONDS: dict[str, float] = {"Ingress": 0.05, "DownloadImages": 0.5, "Overlay": 1.0, "PostTweet": 0.5}
EXPRESS_GB = 0.064  # Express bills memory in 64 MB steps; these workflows stay in the first
KINDS = ("text", "photo")

ASSUMPTIONS = (
    "Ours: Lambda durations are assumed ("
    + ", ".join(f"{name} {seconds:g}s" for name, seconds in LAMBDA_SECONDS.items())
    + ", DownloadImages per photo): the local functions run in-process.",
    "Ours: Express durations are the local engine's, AI inference included: on AWS the workflow waits for"
    " the service instead, for a similar time.",
    "Ours: the workflows log at ERROR, so successful executions write no logs; X-Ray records the default"
    f" sampling rule's {XRAY_SAMPLED:.0%} of executions.",
    f"Ours: Lex is asked only about text in the bot's language (its locale, {TOPOLOGY.bot.locale}) or in none"
    " that X or Comprehend could name (und; X's qst, very short, and qht, hashtags only, are counted with the"
    " English posts): the English share, plus the rest of the posts X gave no language for (both set by"
    " --english-share and --declared-language-share). A bare mention, a post"
    " X marks as having no words (zxx, qam, qme, qct) or one in another language is answered from the content"
    " bucket without a Lex request (workflows/respond-text.asl.json; X's codes: X developer community,"
    " 'Unknown language code qht returned by API').",
    "Ours: one webhook (API Gateway request, Kinesis record, pipe request) per message; each activity item"
    " yields its raw TWITTER_<TYPE> event and MESSAGE_RECEIVED.",
    "Both: an event's size is the mean of the local cloud's event log; Firehose bills each record in 5 KB"
    " steps; idle costs (the Kinesis stream-hour, alarms, dashboard, secret, storage) are not per message.",
)


class NotMeasured(LookupError):
    """The local cloud has not run the messages the estimate needs."""


def _machine(row: Mapping[str, Any]) -> str:
    return str(row["state_machine_arn"]).rsplit(":", 1)[-1]


def _seconds(row: Mapping[str, Any]) -> float:
    started = datetime.fromisoformat(str(row["start_date"]))
    stopped = datetime.fromisoformat(str(row["stop_date"]))
    return max((stopped - started).total_seconds(), 0.0)


def _calls(row: Mapping[str, Any], service: str, action: str = "") -> int:
    """How many Task calls the execution made to `service` (to its `action` only, if given)."""
    return sum(
        n
        for resource, n in (row.get("resource_calls") or {}).items()
        if f":{service}:" in resource and (not action or resource.endswith(f":{action}"))
    )


def _function_of(machine: str) -> str | None:
    """The Lambda a workflow invokes, read off its substitutions in the topology."""
    for ref in TOPOLOGY.state_machine(machine).substitutions.values():
        if ref.kind == "function":
            return ref.name
    return None


def _add_execution(usage: Usage, row: Mapping[str, Any], share: float = 1.0) -> None:
    """One execution's metered infrastructure (scaled by `share`) into `usage`; AI calls are modelled."""
    machine = _machine(row)
    spec = TOPOLOGY.state_machine(machine)
    if spec.type == "STANDARD":
        usage["standard_transition"] += share * int(row.get("transitions") or 0)
    else:
        usage["express_request"] += share
        # Express bills duration in 100 ms steps.
        usage["express_gb_second"] += share * math.ceil(_seconds(row) * 10) / 10 * EXPRESS_GB
    usage["xray_trace"] += share * XRAY_SAMPLED
    function = _function_of(machine)
    invocations = _calls(row, "lambda")
    if function and invocations:
        add_lambda(
            usage, share * invocations, LAMBDA_SECONDS[function], TOPOLOGY.function(function).memory_mb
        )
    # A transaction bills two write units per item (DynamoDB pricing, "transactional write requests");
    # ingest's marks one message per webhook, each delivery being its own batch at this volume.
    transactions = _calls(row, "dynamodb", "transactWriteItems")
    usage["dynamodb_write"] += share * (_calls(row, "dynamodb") + transactions)
    usage["s3_get"] += share * _calls(row, "s3")
    if machine != TOPOLOGY.pipe.target:  # the ingest's events are counted per activity item
        usage["custom_event"] += share * _calls(row, "events")
    if spec.log_level == "ALL":
        usage["logs_gb"] += share * len(json.dumps(row.get("history") or [], default=str)) / 1e9


def measure(rows: Iterable[Mapping[str, Any]], event_bytes: float) -> dict[str, Usage]:
    """Per-message infrastructure of a text and of a photo message, from the local cloud's executions."""
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
    webhook = _webhook_bytes(by_machine.get(TOPOLOGY.pipe.target, []))
    profiles: dict[str, Usage] = {}
    for kind in KINDS:
        used: Usage = Usage()
        for row in kinds[kind]:
            _add_execution(used, row, 1 / len(kinds[kind]))
        for row in replies[kind]:
            _add_execution(used, row, 1 / len(replies[kind]))
        for row in shared:  # ingest and egress are the same for both kinds: an equal share each
            _add_execution(used, row, 1 / messages)
        used["api_request"] += 1
        used["pipe_request"] += 1
        add_lambda(used, 1, LAMBDA_SECONDS["Ingress"], TOPOLOGY.function("Ingress").memory_mb)
        used["kinesis_gb_in"] += webhook / 1e9
        used["kinesis_gb_out"] += webhook / 1e9
        # The raw TWITTER_<TYPE> event and MESSAGE_RECEIVED, then every event the workflows published.
        published = used.pop("custom_event", 0.0)
        add_events(
            used,
            2 + published,
            event_bytes,
            partitioned=TOPOLOGY.delivery_stream.table.metadata_query is not None,
        )
        profiles[kind] = used
    return profiles


def _records(batch: Any) -> list[Any]:
    """The records of one ingest execution's input (a pipe batch is a list; anything else one record)."""
    return batch if isinstance(batch, list) else [batch]


def _webhook_bytes(ingests: list[Mapping[str, Any]]) -> float:
    """Mean bytes of one webhook record, from the ingest workflow's batches (the pipe's input)."""
    sizes = [len(json.dumps(record)) for row in ingests for record in _records(row.get("input")) if record]
    return sum(sizes) / len(sizes) if sizes else 5_000.0


def lex_share(mix: Mix) -> float:
    """The text messages respond-text asks Lex about, as its Choice rules decide: not those that raised a
    negative alert (a person answers them), and of the rest those in the bot's language (English) and
    those whose language nobody could name (X gave none, and the analysis reports 'und' where
    DetectDominantLanguage finds none either: at most all of them, which is counted)."""
    readable = mix.english_share + (1 - mix.declared_language_share) * (1 - mix.english_share)
    return (1 - mix.negative_share) * readable


def usage(measured: Mapping[str, Usage], mix: Mix) -> dict[str, Usage]:
    """The measured infrastructure plus the AI calls the workflows make for `mix`'s messages."""
    units = comprehend_units(mix.characters)
    photos = mix.photos_per_message
    kinds: dict[str, Usage] = {}
    for kind in KINDS:
        used = Usage(measured[kind])
        detections = 1 - mix.declared_language_share  # DetectDominantLanguage only where X gave no lang
        used["comprehend_unit"] += units * (detections + 1)  # and DetectSentiment on every message
        used["comprehend_toxicity_unit"] += units * mix.english_share * mix.negative_share
        if kind == "text":
            used["lex_text_request"] += lex_share(mix)
        else:
            rekognition = photos * (1 + mix.people_share)  # DetectLabels, RecognizeCelebrities where someone
            used["rekognition_image"] += rekognition
            used["s3_put"] += photos + 1  # each photo downloaded, the annotated copy
            used["s3_get"] += rekognition + 2  # Rekognition reads the photo per call; overlay; egress
            download = TOPOLOGY.function("DownloadImages").memory_mb / 1024
            used["lambda_gb_second"] += (photos - 1) * LAMBDA_SECONDS["DownloadImages"] * download
        kinds[kind] = used
    return kinds
