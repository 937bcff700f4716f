"""The one declaration of the system: every bus, rule, stream, pipe, state machine, function, topic,
delivery stream, bucket, table and bot, as plain data.

`infra.aws` turns it into CDK constructs and `infra.local` into the running local cloud; neither adds a
resource of its own. Names here are logical names: each cloud derives its physical names and ARNs from
them. A value that depends on another resource (a bus name, a function ARN) is a `Ref`, resolved by
whichever cloud builds the system.

This module imports nothing from CDK or from the local cloud, so both can read it and tests can check it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / "workflows"
# One Python: the Lambdas run on the runtime of the Python the tests run on (pyproject's requires-python).
# 3.11 because it is the CPython every machine of this project (and PyTorch's CPU wheel) has; Lambda's
# python3.11 runtime runs on Amazon Linux 2. Moving on is one change here, in pyproject.toml and in ruff's
# target-version (tests/unit/test_one_python.py keeps them together).
PYTHON_VERSION = "3.11"

# ---------------------------------------------------------------------------------------------------
# The vocabulary
# ---------------------------------------------------------------------------------------------------

ResourceKind = Literal["bus", "bucket", "function", "state_machine", "table", "topic", "bot", "stream"]
Attribute = Literal["name", "arn", "id", "alias_id", "locale_id"]


@dataclass(frozen=True)
class Ref:
    """A reference to another resource's attribute, resolved by the cloud that builds the system."""

    kind: ResourceKind
    name: str
    attribute: Attribute = "name"


@dataclass(frozen=True)
class RetryPolicy:
    """EventBridge target retry policy (AWS's defaults: 185 attempts over 24 hours)."""

    maximum_retry_attempts: int = 185
    maximum_event_age_seconds: int = 86_400


@dataclass(frozen=True)
class InputTransformer:
    """EventBridge InputTransformer: values picked by JSONPath and placed into a template."""

    paths: dict[str, str]
    template: str


@dataclass(frozen=True)
class Target:
    """Where a rule sends the events it matches: exactly one of the resource fields is set."""

    state_machine: str | None = None
    topic: str | None = None
    delivery_stream: str | None = None
    log_group: str | None = None
    input_transformer: InputTransformer | None = None
    retry_policy: RetryPolicy = RetryPolicy()
    # Events that still fail after the retry policy go to this dead-letter queue (SQS on AWS).
    dead_letter_queue: str | None = None

    @property
    def kind(self) -> str:
        chosen = [
            kind
            for kind in ("state_machine", "topic", "delivery_stream", "log_group")
            if getattr(self, kind) is not None
        ]
        if len(chosen) != 1:
            raise ValueError(f"a target names exactly one resource, this one names {chosen or 'none'}")
        return chosen[0]

    @property
    def resource(self) -> str:
        return str(getattr(self, self.kind))


@dataclass(frozen=True)
class Rule:
    """An EventBridge rule on a bus: an event pattern and its targets."""

    name: str
    description: str
    pattern: dict[str, Any]
    targets: tuple[Target, ...]
    bus: str = "Plumbing"


@dataclass(frozen=True)
class Archive:
    name: str
    retention_days: int
    pattern: dict[str, Any] | None = None  # None archives every event


@dataclass(frozen=True)
class EventBus:
    name: str
    archive: Archive


@dataclass(frozen=True)
class Stream:
    """A Kinesis data stream (on demand on AWS: no idle shard cost beyond the stream hour)."""

    name: str
    retention_hours: int = 24


@dataclass(frozen=True)
class Pipe:
    """An EventBridge Pipe from a stream to a state machine."""

    name: str
    source: str
    target: str
    batch_size: int
    maximum_batching_window_seconds: int
    input_template: str
    invocation_type: Literal["REQUEST_RESPONSE", "FIRE_AND_FORGET"]
    filters: tuple[dict[str, Any], ...] = ()
    maximum_retry_attempts: int = 10
    starting_position: Literal["TRIM_HORIZON", "LATEST"] = "TRIM_HORIZON"


@dataclass(frozen=True)
class StateMachine:
    """A state machine: its ASL file and the `${Name}` substitutions it needs."""

    name: str
    definition: str  # file name under workflows/
    type: Literal["STANDARD", "EXPRESS"]
    substitutions: dict[str, Ref]
    description: str

    @property
    def path(self) -> Path:
        return WORKFLOWS / self.definition


@dataclass(frozen=True)
class Route:
    """An HTTP method and path of the REST API, proxied to a function (API Gateway's Lambda proxy)."""

    method: Literal["GET", "POST"]
    path: str


@dataclass(frozen=True)
class Function:
    """A Lambda function: its handler (module path), environment and the API routes it serves.

    The handler's module has `create_handler(env, *, <client>...)`: each keyword-only parameter is named
    after the AWS service client it needs (`s3`, `kinesis`, …), which each cloud supplies by that name.
    """

    name: str
    handler: str
    description: str
    environment: dict[str, str | Ref] = field(default_factory=dict)
    timeout_seconds: int = 30
    memory_mb: int = 512
    routes: tuple[Route, ...] = ()


@dataclass(frozen=True)
class Topic:
    name: str
    description: str


@dataclass(frozen=True)
class Bucket:
    name: str
    description: str
    # Folder of files copied into the bucket when the system is built (CDK BucketDeployment locally too).
    seed_folder: str | None = None


@dataclass(frozen=True)
class Table:
    """A DynamoDB table (on demand)."""

    name: str
    partition_key: str
    ttl_attribute: str | None = None
    # Shared tables serve several services, so on AWS they live with the shared plumbing (bus, media
    # bucket); the others live with the one service that uses them.
    shared: bool = False


@dataclass(frozen=True)
class DeliveryStream:
    """A Firehose delivery stream into a bucket, newline-delimited, optionally partitioned by a field."""

    name: str
    bucket: str
    prefix: str
    error_prefix: str
    buffer_interval_seconds: int
    buffer_size_mb: int
    partition_key_query: str | None = None  # a jq query over the record, e.g. .["detail-type"]
    partition_key_name: str = "partition"  # the key's name in the object prefix: <name>=<value>/

    def destination(self, bucket_arn: str) -> dict[str, Any]:
        """The ExtendedS3DestinationConfiguration both clouds create the stream with (Firehose's shape)."""
        processors: list[dict[str, Any]] = [
            {
                "Type": "AppendDelimiterToRecord",
                "Parameters": [{"ParameterName": "Delimiter", "ParameterValue": "\\n"}],
            }
        ]
        prefix = self.prefix
        if self.partition_key_query:
            # Dynamic partitioning needs the metadata-extraction processor to name the partition key.
            processors.insert(
                0,
                {
                    "Type": "MetadataExtraction",
                    "Parameters": [
                        {
                            "ParameterName": "MetadataExtractionQuery",
                            "ParameterValue": f"{{{self.partition_key_name}: {self.partition_key_query}}}",
                        },
                        {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"},
                    ],
                },
            )
            name = self.partition_key_name
            prefix += f"{name}=!{{partitionKeyFromQuery:{name}}}/"
        configuration: dict[str, Any] = {
            "BucketARN": bucket_arn,
            "Prefix": prefix + "!{timestamp:yyyy/MM/dd/HH}/",
            "ErrorOutputPrefix": self.error_prefix + "!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
            "BufferingHints": {
                "IntervalInSeconds": self.buffer_interval_seconds,
                "SizeInMBs": max(self.buffer_size_mb, 64 if self.partition_key_query else 1),
            },
            "ProcessingConfiguration": {"Enabled": True, "Processors": processors},
        }
        if self.partition_key_query:
            configuration["DynamicPartitioningConfiguration"] = {"Enabled": True}
        return configuration


@dataclass(frozen=True)
class Bot:
    """A Lex V2 bot, defined by a JSON file that both clouds read."""

    name: str
    definition: str  # path relative to the repository root
    locale: str
    alias: str


@dataclass(frozen=True)
class Topology:
    bus: EventBus
    stream: Stream
    pipe: Pipe
    rules: tuple[Rule, ...]
    state_machines: tuple[StateMachine, ...]
    functions: tuple[Function, ...]
    topics: tuple[Topic, ...]
    buckets: tuple[Bucket, ...]
    tables: tuple[Table, ...]
    delivery_stream: DeliveryStream
    bot: Bot
    lake_table: str
    lake_database: str

    def state_machine(self, name: str) -> StateMachine:
        return _named(self.state_machines, name)

    def function(self, name: str) -> Function:
        return _named(self.functions, name)

    def rule(self, name: str) -> Rule:
        return _named(self.rules, name)


def _named(items: tuple[Any, ...], name: str) -> Any:
    for item in items:
        if item.name == name:
            return item
    known = ", ".join(item.name for item in items)
    raise KeyError(f"no resource named {name!r} (known: {known})")


# ---------------------------------------------------------------------------------------------------
# The system
# ---------------------------------------------------------------------------------------------------

BUS = "Plumbing"
# One secret holds the webhook's consumer secret and the X posting credentials (created out of band).
X_SECRET_ID = "sma/x-credentials"
MEDIA = "Media"
CONTENT = "Content"
LAKE = "Lake"
IDEMPOTENCY = "Idempotency"

# Every event on the bus: EventBridge's idiom for "match anything" (every event has a source).
ANY_EVENT: dict[str, Any] = {"source": [{"prefix": ""}]}
NOT_A_REPLAY: dict[str, Any] = {"replay-name": [{"exists": False}]}

_bus_name = Ref("bus", BUS)
_media = Ref("bucket", MEDIA)

TOPOLOGY = Topology(
    bus=EventBus(BUS, archive=Archive("PlumbingArchive", retention_days=90)),
    stream=Stream("Ingress"),
    pipe=Pipe(
        name="IngestPipe",
        source="Ingress",
        target="Ingest",
        batch_size=10,
        maximum_batching_window_seconds=1,
        # Pipes decodes a JSON `data` field itself; wrapping it keeps the target's input valid JSON.
        input_template='{"Payload": <$.data>, "SequenceNumber": "<$.sequenceNumber>"}',
        invocation_type="REQUEST_RESPONSE",
    ),
    rules=(
        Rule(
            "AnalyseReceivedMessages",
            "Every received message is analysed.",
            {"detail-type": ["MESSAGE_RECEIVED"], "source": ["TWITTER"]},
            (Target(state_machine="Analyse", dead_letter_queue="AnalyseDeadLetters"),),
        ),
        Rule(
            "AlertOnNegativeMessages",
            "A negative message raises an alert.",
            {"detail-type": ["MESSAGE_ANALYSED"], "detail": {"Analysis": {"TextSentiment": ["NEGATIVE"]}}},
            (
                Target(
                    topic="Alerts",
                    input_transformer=InputTransformer(
                        paths={"author": "$.detail.Author", "text": "$.detail.Text"},
                        template='"You have received a negative message from @<author>: <text>"',
                    ),
                    dead_letter_queue="AlertDeadLetters",
                ),
            ),
        ),
        Rule(
            "RespondToText",
            "A message without a readable photo gets a joke, a fact or the bot's own answer.",
            {
                "detail-type": ["MESSAGE_ANALYSED"],
                "detail": {"Analysis": {"Images": {"Key": [{"exists": False}]}}},
            },
            (Target(state_machine="RespondText", dead_letter_queue="RespondDeadLetters"),),
        ),
        Rule(
            "RespondToPhotos",
            "A message with a photo gets the photo back, annotated with who is in it.",
            {
                "detail-type": ["MESSAGE_ANALYSED"],
                "detail": {"Analysis": {"Images": {"Key": [{"exists": True}]}}},
            },
            (Target(state_machine="RespondImage", dead_letter_queue="RespondDeadLetters"),),
        ),
        Rule(
            "SendTweets",
            "Every SEND_TWEET command is posted, once.",
            {"detail-type": ["SEND_TWEET"], "source": ["BOT"]},
            (Target(state_machine="Egress", dead_letter_queue="EgressDeadLetters"),),
        ),
        Rule(
            "LogEverything",
            "Every event is logged (one JSON line each) and counted per detail-type.",
            ANY_EVENT,
            (Target(log_group="/sma/plumbing/events"),),
        ),
        Rule(
            "DeliverEverythingToTheLake",
            "Every event, except replays of events it already holds, lands in the data lake.",
            {**ANY_EVENT, **NOT_A_REPLAY},
            (Target(delivery_stream="LakeDelivery", dead_letter_queue="LakeDeadLetters"),),
        ),
    ),
    state_machines=(
        StateMachine(
            "Ingest",
            "ingest.asl.json",
            "EXPRESS",
            {"PlumbingBusName": _bus_name, "IdempotencyTableName": Ref("table", IDEMPOTENCY)},
            "The anti-corruption layer: X's webhooks become raw and domain events, each message once.",
        ),
        StateMachine(
            "Analyse",
            "analyse.asl.json",
            "STANDARD",
            {
                "PlumbingBusName": _bus_name,
                "MediaBucketName": _media,
                "DownloadImagesFunctionArn": Ref("function", "DownloadImages", "arn"),
            },
            "Comprehend and Rekognition analyse a message's text and photos.",
        ),
        StateMachine(
            "RespondText",
            "respond-text.asl.json",
            "EXPRESS",
            {
                "PlumbingBusName": _bus_name,
                "ContentBucketName": Ref("bucket", CONTENT),
                "LexBotId": Ref("bot", "ServerlessMessageAnalyserBot", "id"),
                "LexBotAliasId": Ref("bot", "ServerlessMessageAnalyserBot", "alias_id"),
                "LexLocaleId": Ref("bot", "ServerlessMessageAnalyserBot", "locale_id"),
            },
            "Lex chooses a joke, a fact or its own answer as the reply to a text.",
        ),
        StateMachine(
            "RespondImage",
            "respond-image.asl.json",
            "EXPRESS",
            {
                "PlumbingBusName": _bus_name,
                "MediaBucketName": _media,
                "OverlayFunctionArn": Ref("function", "Overlay", "arn"),
            },
            "The photo comes back with the names of the people in it.",
        ),
        StateMachine(
            "Egress",
            "egress.asl.json",
            "EXPRESS",
            {
                "PlumbingBusName": _bus_name,
                "MediaBucketName": _media,
                "EgressGuardTableName": Ref("table", "EgressGuard"),
                "PostTweetFunctionArn": Ref("function", "PostTweet", "arn"),
            },
            "Each reply is posted to X once.",
        ),
    ),
    functions=(
        Function(
            "Ingress",
            "lambdas.ingress.handler.handler",
            "Authenticates X's webhooks and records them on the stream.",
            {"SMA_STREAM_NAME": Ref("stream", "Ingress"), "SMA_X_SECRET_ID": X_SECRET_ID},
            timeout_seconds=10,
            memory_mb=256,
            routes=(Route("GET", "/twitter"), Route("POST", "/twitter")),
        ),
        Function(
            "DownloadImages",
            "lambdas.download_images.handler.handler",
            "Fetches a message's photos from X's media hosts into the media bucket.",
            timeout_seconds=60,
        ),
        Function(
            "Overlay",
            "lambdas.overlay.handler.handler",
            "Draws recognised people's names over a photo and blurs unknown faces.",
            timeout_seconds=60,
            memory_mb=1024,
        ),
        Function(
            "PostTweet",
            "lambdas.post_tweet.handler.handler",
            "Posts a reply (and its photo) to X, or to the local outbox.",
            {"SMA_X_SECRET_ID": X_SECRET_ID},
            timeout_seconds=30,
        ),
    ),
    topics=(Topic("Alerts", "Negative messages."),),
    buckets=(
        Bucket(MEDIA, "Photos downloaded from X and their annotated copies."),
        Bucket(CONTENT, "The curated jokes and facts the bot replies with.", seed_folder="infra/content"),
        Bucket(LAKE, "The data lake: every event, newline-delimited JSON."),
    ),
    tables=(
        Table("EgressGuard", partition_key="ReplyToTweetId", ttl_attribute="ExpiresAt"),
        # Powertools-style idempotency records, one per "<scope>#<key>" (e.g. "message#<TweetId>"): Status
        # IN_PROGRESS or COMPLETED, LeaseExpiresAt (epoch seconds) after which a claim left IN_PROGRESS by
        # a dead execution may be taken over, ClaimedBy (the execution name) and ExpiresAt (the TTL).
        Table(IDEMPOTENCY, partition_key="Id", ttl_attribute="ExpiresAt", shared=True),
    ),
    delivery_stream=DeliveryStream(
        "LakeDelivery",
        bucket=LAKE,
        prefix="events/",
        error_prefix="errors/",
        buffer_interval_seconds=60,
        buffer_size_mb=1,
        partition_key_query='.["detail-type"]',
        partition_key_name="detail_type",
    ),
    bot=Bot("ServerlessMessageAnalyserBot", definition="infra/bot.json", locale="en_GB", alias="live"),
    lake_table="analysed-messages-table",
    lake_database="messages_data_lake",
)
