"""The one declaration of the system: every bus, rule, stream, pipe, state machine, function, topic,
delivery stream, bucket, table and bot, as plain data.

`infra.aws` turns it into CDK constructs and `infra.local` into the running local cloud; neither adds a
resource of its own. Names here are logical names: each cloud derives its physical names and ARNs from
them. A value that depends on another resource (a bus name, a function ARN) is a `Ref`, resolved by
whichever cloud builds the system.

This module imports nothing from CDK or from the local cloud, so both can read it and tests can check it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
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
    """An EventBridge Pipe from a stream to a state machine.

    A failing batch is split in halves (`AUTOMATIC_BISECT`) until the failing record is alone; it is
    retried `maximum_retry_attempts` times (or until it is `maximum_record_age_seconds` old) and then
    sent to the dead-letter queue, so one bad record holds its shard up for seconds, not for the
    stream's retention, and is never dropped silently.
    """

    name: str
    source: str
    target: str
    batch_size: int
    maximum_batching_window_seconds: int
    input_template: str
    invocation_type: Literal["REQUEST_RESPONSE", "FIRE_AND_FORGET"]
    dead_letter_queue: str
    filters: tuple[dict[str, Any], ...] = ()
    maximum_retry_attempts: int = 3
    maximum_record_age_seconds: int = 24 * 3600
    on_partial_batch_item_failure: Literal["AUTOMATIC_BISECT"] | None = "AUTOMATIC_BISECT"
    starting_position: Literal["TRIM_HORIZON", "LATEST"] = "TRIM_HORIZON"

    def kinesis_stream_parameters(self, dead_letter_arn: str) -> dict[str, Any]:
        """The pipe's `SourceParameters.KinesisStreamParameters` as the Pipes API (CreatePipe) takes them."""
        parameters: dict[str, Any] = {
            "StartingPosition": self.starting_position,
            "BatchSize": self.batch_size,
            "MaximumBatchingWindowInSeconds": self.maximum_batching_window_seconds,
            "MaximumRetryAttempts": self.maximum_retry_attempts,
            "MaximumRecordAgeInSeconds": self.maximum_record_age_seconds,
            "DeadLetterConfig": {"Arn": dead_letter_arn},
        }
        if self.on_partial_batch_item_failure:
            parameters["OnPartialBatchItemFailure"] = self.on_partial_batch_item_failure
        return parameters


@dataclass(frozen=True)
class StateMachine:
    """A state machine: its ASL file and the `${Name}` substitutions it needs."""

    name: str
    definition: str  # file name under workflows/
    type: Literal["STANDARD", "EXPRESS"]
    substitutions: dict[str, Ref]
    description: str
    # Step Functions' log level (CloudWatch Logs, execution data included). ERROR logs the events of failed
    # executions only: a failure stays debuggable, and a million successful runs cost no log ingestion.
    log_level: Literal["ALL", "ERROR", "FATAL", "OFF"] = "ERROR"

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
class Column:
    """A column of a lake table: its name in the JSON's case and its Hive type (`array<struct<...>>`)."""

    name: str
    type: str
    comment: str = ""


@dataclass(frozen=True)
class PartitionKey:
    """A partition column of a lake table: how Firehose fills its folder, and how Athena projects it.

    Exactly one source: `query`, a jq query over the record (Firehose's dynamic partitioning), whose
    every value is listed in `values` (Athena's enum projection); or `timestamp`, a Java date pattern
    of the record's arrival time (Athena's date projection over `since`..NOW). Both clouds read the
    folder as `<name>=<value>/`, so the Firehose prefix and Athena's location template cannot disagree.
    """

    name: str
    query: str | None = None
    values: tuple[str, ...] = ()
    timestamp: str | None = None
    since: str = ""
    unit: Literal["YEARS", "MONTHS", "WEEKS", "DAYS", "HOURS", "MINUTES", "SECONDS"] = "DAYS"
    type: str = "string"

    def __post_init__(self) -> None:
        if (self.query is None) == (self.timestamp is None):
            raise ValueError(f"partition key {self.name!r} needs exactly one of query and timestamp")
        if self.query is not None and not self.values:
            raise ValueError(f"partition key {self.name!r} must list the values its query yields")
        if self.timestamp is not None and not self.since:
            raise ValueError(f"partition key {self.name!r} needs the first day of its range (since)")

    @property
    def firehose_expression(self) -> str:
        """The key's value in Firehose's prefix."""
        if self.query is not None:
            return f"!{{partitionKeyFromQuery:{self.name}}}"
        return f"!{{timestamp:{self.timestamp}}}"

    def projection(self) -> dict[str, str]:
        """Athena's partition projection of this key (table parameters without `projection.<name>.`)."""
        if self.query is not None:
            return {"type": "enum", "values": ",".join(self.values)}
        return {
            "type": "date",
            "format": str(self.timestamp),
            "range": f"{self.since},NOW",
            "interval": "1",
            "interval.unit": self.unit,
        }


@dataclass(frozen=True)
class LakeTable:
    """A Glue table over newline-delimited JSON in a bucket, partitioned into `<key>=<value>/` folders
    below `location`. Both clouds derive from it: the Glue table (`table_input`), the Firehose prefix
    that fills it (`firehose_prefix`) and the local Athena's view of it."""

    database: str
    name: str
    description: str
    location: str  # the prefix under the bucket, ending in "/"
    columns: tuple[Column, ...]
    partition_keys: tuple[PartitionKey, ...] = ()
    serde_parameters: dict[str, str] = field(
        # The OpenX SerDe's defaults made explicit: JSON keys match columns in any case, and a value
        # of the wrong type reads as NULL instead of failing the query.
        default_factory=lambda: {"case.insensitive": "true", "ignore.malformed.json": "true"}
    )

    def __post_init__(self) -> None:
        names = [column.name.lower() for column in self.columns]
        clashes = {key.name for key in self.partition_keys if key.name.lower() in names}
        if clashes:  # Glue refuses a partition key named like a column (names are case-insensitive)
            raise ValueError(f"partition keys {sorted(clashes)} clash with columns of {self.name}")

    def queried_columns(self) -> tuple[Column, ...]:
        """The columns a query sees: the table's, then its partition keys, as Athena lists them."""
        return self.columns + tuple(Column(key.name, key.type) for key in self.partition_keys)

    def _folders(self, value: Callable[[PartitionKey], str]) -> str:
        return self.location + "".join(f"{key.name}={value(key)}/" for key in self.partition_keys)

    @property
    def firehose_prefix(self) -> str:
        """The Firehose `Prefix` whose objects land in this table's partitions."""
        return self._folders(lambda key: key.firehose_expression)

    def location_template(self, bucket: str) -> str:
        """Athena's `storage.location.template`: where the partition with given values lies."""
        return f"s3://{bucket}/" + self._folders(lambda key: f"${{{key.name}}}")

    @property
    def metadata_query(self) -> str | None:
        """The MetadataExtraction jq query naming every dynamic partitioning key, or None."""
        queried = [key for key in self.partition_keys if key.query is not None]
        if not queried:
            return None
        return "{" + ", ".join(f"{key.name}: {key.query}" for key in queried) + "}"

    def table_input(self, bucket: str) -> dict[str, Any]:
        """Glue's `TableInput` for this table in `bucket` (the CreateTable shape, also CloudFormation's):
        OpenX JSON SerDe, explicit columns, and partition projection when it is partitioned."""
        parameters = {"classification": "json", "EXTERNAL": "TRUE"}
        if self.partition_keys:
            parameters["projection.enabled"] = "true"
            parameters["storage.location.template"] = self.location_template(bucket)
            for key in self.partition_keys:
                for name, value in key.projection().items():
                    parameters[f"projection.{key.name}.{name}"] = value
        return {
            "Name": self.name,
            "Description": self.description,
            "TableType": "EXTERNAL_TABLE",
            "Parameters": parameters,
            "PartitionKeys": [{"Name": key.name, "Type": key.type} for key in self.partition_keys],
            "StorageDescriptor": {
                "Columns": [_glue_column(column) for column in self.columns],
                "Location": f"s3://{bucket}/{self.location}",
                "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
                "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                "SerdeInfo": {
                    "SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe",
                    "Parameters": dict(self.serde_parameters),
                },
            },
        }


@dataclass(frozen=True)
class LakeView:
    """An Athena view over a lake table, kept in Glue the way Athena's own CREATE VIEW keeps one: a
    VIRTUAL_VIEW table whose ViewOriginalText is `/* Presto View: <base64 of a JSON document> */`, the
    document holding the view's Trino SQL (`originalSql`), its catalog and database, and its columns with
    Trino types. Both clouds read the view from `table_input`: Glue on AWS, the local Athena locally."""

    name: str
    description: str
    table: LakeTable
    sql: str  # Trino SQL over `table`, named in it by its Glue name

    def table_input(self) -> dict[str, Any]:
        """Glue's `TableInput` for the view (CreateTable's shape, also CloudFormation's): the table's
        columns, then its partition keys, as `SELECT *` on the table lists them."""
        columns = self.table.queried_columns()
        presto_view = {
            "originalSql": self.sql,
            "catalog": "awsdatacatalog",
            "schema": self.table.database,
            "columns": [{"name": column.name.lower(), "type": trino_type(column.type)} for column in columns],
        }
        encoded = base64.b64encode(json.dumps(presto_view).encode()).decode()
        return {
            "Name": self.name,
            "Description": self.description,
            "TableType": "VIRTUAL_VIEW",
            "Parameters": {"presto_view": "true", "comment": "Presto View"},
            "PartitionKeys": [],
            "ViewOriginalText": f"/* Presto View: {encoded} */",
            "ViewExpandedText": "/* Presto View */",
            "StorageDescriptor": {
                "Columns": [_glue_column(column) for column in columns],
                "SerdeInfo": {},
            },
        }


def _glue_column(column: Column) -> dict[str, str]:
    described = {"Name": column.name, "Type": column.type}
    return {**described, "Comment": column.comment} if column.comment else described


# Firehose refuses smaller buffers once dynamic partitioning is on (and zero buffering with it).
DYNAMIC_PARTITIONING_MIN_BUFFER_MB = 64


@dataclass(frozen=True)
class DeliveryStream:
    """A Firehose delivery stream that fills a lake table: newline-delimited records, one object per
    partition of the table, under the prefix the table's partition keys spell."""

    name: str
    bucket: str
    table: LakeTable
    error_prefix: str
    buffer_interval_seconds: int
    buffer_size_mb: int

    def __post_init__(self) -> None:
        if self.table.metadata_query is not None and (
            self.buffer_size_mb < DYNAMIC_PARTITIONING_MIN_BUFFER_MB or self.buffer_interval_seconds < 1
        ):
            raise ValueError(
                f"{self.name}: dynamic partitioning needs a buffer of at least "
                f"{DYNAMIC_PARTITIONING_MIN_BUFFER_MB} MiB and a non-zero interval"
            )

    @property
    def prefix(self) -> str:
        return self.table.firehose_prefix

    def destination(self, bucket_arn: str) -> dict[str, Any]:
        """The ExtendedS3DestinationConfiguration both clouds create the stream with (Firehose's shape)."""
        processors: list[dict[str, Any]] = [
            {
                "Type": "AppendDelimiterToRecord",
                "Parameters": [{"ParameterName": "Delimiter", "ParameterValue": "\\n"}],
            }
        ]
        query = self.table.metadata_query
        if query is not None:
            # Dynamic partitioning needs the metadata-extraction processor to name the partition keys.
            processors.insert(
                0,
                {
                    "Type": "MetadataExtraction",
                    "Parameters": [
                        {"ParameterName": "MetadataExtractionQuery", "ParameterValue": query},
                        {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"},
                    ],
                },
            )
        configuration: dict[str, Any] = {
            "BucketARN": bucket_arn,
            "Prefix": self.prefix,
            "ErrorOutputPrefix": self.error_prefix + "!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
            "BufferingHints": {
                "IntervalInSeconds": self.buffer_interval_seconds,
                "SizeInMBs": self.buffer_size_mb,
            },
            "ProcessingConfiguration": {"Enabled": True, "Processors": processors},
        }
        if query is not None:
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
    lake_view: LakeView
    bot: Bot

    @property
    def lake(self) -> LakeTable:
        """The data lake's table: the one the delivery stream fills."""
        return self.delivery_stream.table

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
# DetectToxicContent's Toxicity is a confidence from 0 to 1 that the text is toxic: from 0.5 the model
# holds the message more likely abusive than not, which is when the account's owner wants to be told.
# The negative-message alert stands aside from there, so an abusive negative message alerts once.
ABUSE_THRESHOLD = 0.5

_bus_name = Ref("bus", BUS)
_media = Ref("bucket", MEDIA)

# ---------------------------------------------------------------------------------------------------
# The data lake: every event on the bus, one EventBridge envelope per line, typed for the domain
# events of DESIGN.md §4. The inner shapes of `Analysis` are Comprehend's and Rekognition's own, so
# the seeds' queries (`celebrityfaces.name`, `labels.name`, `detail.analysis.textsentiment`) work
# unchanged. A field an event does not carry reads as NULL.
#
# To add a field to an event, add a (name, Hive type) pair to DETAIL_FIELDS (or ANALYSIS_FIELDS for
# MESSAGE_ANALYSED's `Analysis`); to add a detail-type, add it to LAKE_DETAIL_TYPES, or Athena on AWS
# will not project its folder (tests/unit/test_lake.py checks the list against the schemas and ingest).
# ---------------------------------------------------------------------------------------------------


# Trino's names for the Hive primitives the lake uses ("Data types in Athena": string is varchar, int is
# integer); an Athena view's definition lists its columns in Trino's types.
_TRINO_PRIMITIVES = {
    "string": "varchar",
    "int": "integer",
    "bigint": "bigint",
    "double": "double",
    "boolean": "boolean",
}


class HiveType(str):
    """A Hive column type (what Glue's table holds) that also knows how Trino writes it (what an Athena
    view's definition lists): `struct` and `array` build them; a primitive is its plain name."""

    trino: str

    def __new__(cls, hive: str, trino: str) -> HiveType:
        made = super().__new__(cls, hive)
        made.trino = trino
        return made


def trino_type(kind: str) -> str:
    """`kind` as Trino writes it: `array(row(name varchar, confidence double))`."""
    return kind.trino if isinstance(kind, HiveType) else _TRINO_PRIMITIVES[kind]


def struct(*fields: tuple[str, str]) -> HiveType:
    """A Hive struct type from (name, type) pairs, names in the case the JSON uses (Trino's row type
    has them lower-cased, as Athena stores them)."""
    return HiveType(
        "struct<" + ",".join(f"{name}:{kind}" for name, kind in fields) + ">",
        "row(" + ", ".join(f"{name.lower()} {trino_type(kind)}" for name, kind in fields) + ")",
    )


def array(kind: str) -> HiveType:
    return HiveType(f"array<{kind}>", f"array({trino_type(kind)})")


BOUNDING_BOX = struct(("Width", "double"), ("Height", "double"), ("Left", "double"), ("Top", "double"))
FACE = struct(
    ("BoundingBox", BOUNDING_BOX),
    ("Confidence", "double"),
    ("Landmarks", array(struct(("Type", "string"), ("X", "double"), ("Y", "double")))),
    ("Pose", struct(("Roll", "double"), ("Yaw", "double"), ("Pitch", "double"))),
    ("Quality", struct(("Brightness", "double"), ("Sharpness", "double"))),
    ("Emotions", array(struct(("Type", "string"), ("Confidence", "double")))),
    ("Smile", struct(("Value", "boolean"), ("Confidence", "double"))),
)
NAMED = array(struct(("Name", "string")))
LABEL = struct(
    ("Name", "string"),
    ("Confidence", "double"),
    ("Instances", array(struct(("BoundingBox", BOUNDING_BOX), ("Confidence", "double")))),
    ("Parents", NAMED),
    ("Aliases", NAMED),
    ("Categories", NAMED),
)
TEXT_DETECTION = struct(
    ("DetectedText", "string"),
    ("Type", "string"),
    ("Id", "int"),
    ("ParentId", "int"),
    ("Confidence", "double"),
    (
        "Geometry",
        struct(("BoundingBox", BOUNDING_BOX), ("Polygon", array(struct(("X", "double"), ("Y", "double"))))),
    ),
)
CELEBRITY = struct(
    ("Name", "string"),
    ("Id", "string"),
    ("Urls", array("string")),
    ("MatchConfidence", "double"),
    ("KnownGender", struct(("Type", "string"))),
    ("Face", FACE),
)
IMAGE_ANALYSIS = struct(
    ("Labels", array(LABEL)),
    ("TextDetections", array(TEXT_DETECTION)),
    ("CelebrityFaces", array(CELEBRITY)),
    ("UnrecognizedFaces", array(FACE)),
)
OFFSETS = (("BeginOffset", "int"), ("EndOffset", "int"), ("Score", "double"), ("Text", "string"))
# MESSAGE_ANALYSED's `Analysis`.
ANALYSIS_FIELDS: tuple[tuple[str, str], ...] = (
    ("TextSentiment", "string"),
    (
        "TextSentimentScore",
        struct(("Positive", "double"), ("Negative", "double"), ("Neutral", "double"), ("Mixed", "double")),
    ),
    # TextEntities and KeyPhrases are no longer produced (nothing downstream read them: the cost issue);
    # their columns stay so the events already in a lake still read.
    ("TextEntities", array(struct(*OFFSETS, ("Type", "string")))),
    ("Language", "string"),
    ("AnalysedInEnglish", array("string")),
    (
        "Toxicity",
        struct(
            ("Toxicity", "double"),
            ("Labels", array(struct(("Name", "string"), ("Score", "double")))),
            ("AbusiveLabels", "string"),
            ("Error", "string"),
        ),
    ),
    ("KeyPhrases", array(struct(*OFFSETS))),
    ("Images", array(struct(("Key", "string"), ("Analysis", IMAGE_ANALYSIS), ("Error", "string")))),
)
# Every domain event's `detail` fields in one struct (DESIGN.md §4).
DETAIL_FIELDS: tuple[tuple[str, str], ...] = (
    ("Text", "string"),
    ("DisplayText", "string"),
    ("ImageUrls", array("string")),
    ("Author", "string"),
    ("Twitter", struct(("TweetId", "string"), ("UserId", "string"))),
    ("Language", "string"),
    ("ReceivedAt", "string"),
    ("Analysis", struct(*ANALYSIS_FIELDS)),
    ("Error", "string"),
    ("Cause", "string"),
    ("ReplyToTweetId", "string"),
    ("ReplyToUserId", "string"),
    ("ImageKey", "string"),
    (
        "Result",
        struct(
            ("Posted", "boolean"),
            ("TweetId", "string"),
            ("MediaIds", array("string")),
            ("Outbox", "string"),
            ("Image", "string"),
        ),
    ),
)


def _raw_detail_types() -> tuple[str, ...]:
    """The TWITTER_<KIND> detail-types the ingest workflow publishes. Each X kind is data in that
    workflow (the lookup tables its first state assigns), so the lake's list is read from there rather
    than written twice; TWITTER_UNKNOWN is what no table names."""
    definition = json.loads((WORKFLOWS / "ingest.asl.json").read_text(encoding="utf-8"))
    tables = definition["States"][definition["StartAt"]].get("Assign", {})
    kinds = {
        value
        for table in tables.values()
        if isinstance(table, dict)
        for value in table.values()
        if isinstance(value, str) and value.startswith("TWITTER_")
    }
    return tuple(sorted(kinds | {"TWITTER_UNKNOWN"}))


# Every detail-type the bus carries: each is a folder of the lake that Athena's enum projection lists.
# The domain events (DESIGN.md §4): each has a JSON schema in workflows/schemas, every field of which the
# lake types (tests/unit/athena/test_lake_table_schemas.py).
DOMAIN_DETAIL_TYPES: tuple[str, ...] = (
    "MESSAGE_RECEIVED",
    "MESSAGE_DUPLICATE",
    "MESSAGE_ANALYSED",
    "MESSAGE_ANALYSIS_FAILED",
    "SEND_TWEET",
    "TWEET_SENT",
    "TWEET_FAILED",
)
LAKE_DETAIL_TYPES: tuple[str, ...] = (*DOMAIN_DETAIL_TYPES, *_raw_detail_types())

LAKE_TABLE = LakeTable(
    database="messages_data_lake",
    name="analysed-messages-raw",
    description=(
        "Every event on the Plumbing bus as Firehose delivered it (EventBridge envelope, one JSON document "
        "per line), redeliveries included: query analysed-messages-table."
    ),
    location="events/",
    columns=(
        Column("version", "string"),
        Column("id", "string", "the event id"),
        Column("detail-type", "string"),
        Column("source", "string"),
        Column("account", "string"),
        Column("time", "string", "ISO-8601 UTC, as EventBridge writes it"),
        Column("region", "string"),
        Column("resources", array("string")),
        Column("detail", struct(*DETAIL_FIELDS)),
    ),
    partition_keys=(
        # One folder per detail-type (a query on one kind of event reads only its folder) ...
        PartitionKey("detail_type", query='.["detail-type"]', values=LAKE_DETAIL_TYPES),
        # ... and per UTC day of arrival (`WHERE day >= '2026-12-01'` reads only those days).
        PartitionKey("day", timestamp="yyyy-MM-dd", since="2026-01-01", unit="DAYS"),
    ),
)

# EventBridge delivers to Firehose at least once, and a workflow can publish an event again when a crash
# falls between its PutEvents and its COMPLETED mark (no two services commit together: ingest's
# MESSAGE_RECEIVED, an Express execution run again), so the table can hold an event twice: the same event
# id twice, or the same domain event under a new id. Queries read this view, which keeps the first of
# each; the table keeps every delivery. A domain event's repeat is one alike in detail-type, source and
# detail (the lake types every field of the domain events; a message has one of each). Every other event
# is one per id: each MESSAGE_DUPLICATE counts one more delivery of a post by X, and the lake does not type
# X's raw events' fields, so their content cannot tell a repeat from another event. A repeat is looked
# for within its partition (detail-type and day of arrival), so a query filtering on `day` still reads
# only those days; a republication that crosses midnight UTC would be kept.
REPUBLISHABLE = tuple(kind for kind in DOMAIN_DETAIL_TYPES if kind != "MESSAGE_DUPLICATE")
_LAKE_COLUMNS = ", ".join(f'"{column.name}"' for column in LAKE_TABLE.queried_columns())
LAKE_VIEW = LakeView(
    name="analysed-messages-table",  # the name the seeds' queries use
    description="Every event on the Plumbing bus once (the table without redeliveries or republications).",
    table=LAKE_TABLE,
    sql=f"""SELECT {_LAKE_COLUMNS}
FROM (
  SELECT *, row_number() OVER (
    PARTITION BY "detail_type", "day", "source",
      CASE WHEN "detail-type" IN ({", ".join(f"'{kind}'" for kind in REPUBLISHABLE)})
        THEN json_format(CAST("detail" AS JSON)) ELSE "id" END
    ORDER BY "time", "id") AS "copy"
  FROM "{LAKE_TABLE.name}"
)
WHERE "copy" = 1""",
)

# An alert links to the post, so the person alerted can open it: X's /i/web/status/<id> link works
# whatever the author's screen name (the Author field is the user id where X does not give the name).
ALERT_TWEET_ID = "$.detail.Twitter.TweetId"
ALERT_LINK = "https://x.com/i/web/status/<tweet>"

TOPOLOGY = Topology(
    bus=EventBus(BUS, archive=Archive("PlumbingArchive", retention_days=90)),
    stream=Stream("Ingress"),
    pipe=Pipe(
        name="IngestPipe",
        source="Ingress",
        target="Ingest",
        batch_size=10,
        # No batching window: a lone message is not held back waiting for company, and under load the
        # batches fill by themselves while the previous one runs (the target is invoked synchronously).
        maximum_batching_window_seconds=0,
        # Pipes decodes a JSON `data` field itself; wrapping it keeps the target's input valid JSON.
        input_template='{"Payload": <$.data>, "SequenceNumber": "<$.sequenceNumber>"}',
        invocation_type="REQUEST_RESPONSE",
        dead_letter_queue="IngestDeadLetters",
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
            "A negative message raises an alert, unless it is abusive (the abuse alert covers it).",
            {
                "detail-type": ["MESSAGE_ANALYSED"],
                "detail": {
                    "Analysis": {
                        "TextSentiment": ["NEGATIVE"],
                        "Toxicity": {"Toxicity": [{"exists": False}, {"numeric": ["<", ABUSE_THRESHOLD]}]},
                    }
                },
            },
            (
                Target(
                    topic="Alerts",
                    input_transformer=InputTransformer(
                        paths={"author": "$.detail.Author", "text": "$.detail.Text", "tweet": ALERT_TWEET_ID},
                        template=(
                            f'"You have received a negative message from @<author>: <text> ({ALERT_LINK})"'
                        ),
                    ),
                    dead_letter_queue="AlertDeadLetters",
                ),
            ),
        ),
        Rule(
            "AlertOnAbusiveMessages",
            f"A message scored {ABUSE_THRESHOLD} or more for toxicity raises an alert naming its labels.",
            {
                "detail-type": ["MESSAGE_ANALYSED"],
                "detail": {"Analysis": {"Toxicity": {"Toxicity": [{"numeric": [">=", ABUSE_THRESHOLD]}]}}},
            },
            (
                Target(
                    topic="Alerts",
                    input_transformer=InputTransformer(
                        paths={
                            "author": "$.detail.Author",
                            "text": "$.detail.Text",
                            "labels": "$.detail.Analysis.Toxicity.AbusiveLabels",
                            "toxicity": "$.detail.Analysis.Toxicity.Toxicity",
                            "tweet": ALERT_TWEET_ID,
                        },
                        template=(
                            '"You have received an abusive message (<labels>; toxicity <toxicity>)'
                            f' from @<author>: <text> ({ALERT_LINK})"'
                        ),
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
            # Express: a few seconds of AI calls at a fraction of Standard's per-transition price. An
            # asynchronous Express run is at-least-once: the idempotency record ("analyse#<TweetId>")
            # makes a repeated run stop at its first state, so the analysis is paid and published once.
            "EXPRESS",
            {
                "PlumbingBusName": _bus_name,
                "MediaBucketName": _media,
                "DownloadImagesFunctionArn": Ref("function", "DownloadImages", "arn"),
                "IdempotencyTableName": Ref("table", IDEMPOTENCY),
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
    topics=(Topic("Alerts", "Negative and abusive messages."),),
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
        table=LAKE_TABLE,
        error_prefix="errors/",
        # Firehose's minimum with dynamic partitioning; a minute keeps the lake fresh at low traffic.
        buffer_interval_seconds=60,
        buffer_size_mb=DYNAMIC_PARTITIONING_MIN_BUFFER_MB,
    ),
    lake_view=LAKE_VIEW,
    bot=Bot("ServerlessMessageAnalyserBot", definition="infra/bot.json", locale="en_GB", alias="live"),
)
