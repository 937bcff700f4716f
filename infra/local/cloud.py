"""The running local cloud, built from `infra.topology` and nothing else.

Every resource the topology declares becomes a local service (the bus and its rules, the stream and its
pipe, the state machines on the ASL engine, the Lambda functions, the topic, the delivery stream and its
bucket, the tables, the Lex bot), wired the way the CDK app wires them on AWS. State lives under
`$SMA_HOME` (default `.sma/`), so a restart resumes where the last run stopped.
"""

from __future__ import annotations

import json
import mimetypes
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra.local.functions import LocalFunctions
from infra.local.http_gateway import HttpGateway
from infra.local.memory import limit_malloc_arenas
from infra.local.names import LocalNames
from infra.topology import ROOT, TOPOLOGY, Rule, Target, Topology
from integrations.ai.handlers import engine_handlers as ai_handlers
from integrations.ai.services import AiServices
from integrations.bus import EventBus
from integrations.bus.handlers import engine_handlers as bus_handlers
from integrations.bus.observability import Observer
from integrations.dynamodb import DynamoDBClient, TableSchema
from integrations.dynamodb.handlers import engine_handlers as dynamodb_handlers
from integrations.firehose import DeliveryStreams, FirehoseClient
from integrations.firehose.handlers import engine_handlers as firehose_handlers
from integrations.objectstore import ObjectStore, S3Client
from integrations.objectstore.handlers import engine_handlers as s3_handlers
from integrations.pipes import Pipe, from_api
from integrations.secrets import SecretsManagerClient
from integrations.state import state_dir
from integrations.stepfunctions import StateMachineDefinition, StepFunctionsService
from integrations.stream import KinesisClient
from integrations.stream.handlers import engine_handlers as kinesis_handlers
from integrations.topics import Topics
from integrations.topics.handlers import engine_handlers as topic_handlers
from workflows.engine import SystemClock, apply_substitutions

Listener = Callable[[str, dict[str, Any]], None]


@dataclass
class LocalCloudSettings:
    """What can differ between two local clouds; every field has a default that works offline."""

    home: Path = field(default_factory=state_dir)
    account: str = "123456789012"
    region: str = "eu-west-2"
    port: int = 0  # the webhook endpoint's port; 0 picks a free one
    # Origins the download function may fetch from over plain http (the local sample-media server).
    allowed_local_origins: tuple[str, ...] = ()
    workers: int = 2


class LocalCloud:
    """The whole system on this machine. `start()` serves the webhook; `settle()` waits for quiet."""

    def __init__(self, settings: LocalCloudSettings | None = None, topology: Topology = TOPOLOGY) -> None:
        self.settings = settings or LocalCloudSettings()
        self.topology = topology
        limit_malloc_arenas()
        home = self.settings.home
        home.mkdir(parents=True, exist_ok=True)
        self.names = LocalNames(self.settings.account, self.settings.region)
        folder = self._folder

        self._listeners: list[Listener] = []

        self.objects = ObjectStore(folder("s3"))
        self.s3 = S3Client(self.objects)
        self.secrets = SecretsManagerClient(env_file=Path(".env"), region=self.settings.region)
        self.kinesis = KinesisClient(path=folder("stream") / "streams.sqlite3", region=self.settings.region)
        self.bus = EventBus(
            topology.bus.name,
            account=self.settings.account,
            region=self.settings.region,
            directory=folder("bus"),
        )
        self.topics = Topics(
            account=self.settings.account, region=self.settings.region, directory=folder("topics")
        )
        self.delivery_streams = DeliveryStreams(self.objects, path=folder("firehose") / "buffer.sqlite3")
        self.firehose = FirehoseClient(self.delivery_streams, region=self.settings.region)
        self.dynamodb = DynamoDBClient(
            [TableSchema(t.name, t.partition_key, ttl_attribute=t.ttl_attribute) for t in topology.tables],
            path=folder("dynamodb") / "tables.sqlite3",
        )
        self.ai = AiServices.local(read_object=self._read_object)
        self.stepfunctions = StepFunctionsService(
            account=self.settings.account,
            region=self.settings.region,
            workers=self.settings.workers,
            path=folder("stepfunctions") / "executions.sqlite3",
        )
        self.functions = LocalFunctions(self)
        self._create_buckets()
        self._create_state_machines()
        self._create_bus_resources()
        self._create_delivery_stream()
        self.pipe = self._create_pipe()
        self.gateway: HttpGateway | None = None

    # -- building ---------------------------------------------------------------------------------
    def _folder(self, name: str) -> Path:
        """A service's own folder under the local cloud's home."""
        path = self.settings.home / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _read_object(self, bucket: str, key: str, *_: Any) -> bytes:
        return self.objects.get(bucket, key)[1]

    def bucket(self, logical_name: str) -> str:
        return self.names.bucket(logical_name)

    def _create_buckets(self) -> None:
        for bucket in self.topology.buckets:
            name = self.names.bucket(bucket.name)
            self.objects.create_bucket(name, exist_ok=True)
            if bucket.seed_folder:
                # What CDK's BucketDeployment does on AWS: copy the folder into the bucket.
                for path in sorted((ROOT / bucket.seed_folder).iterdir()):
                    if path.is_file():
                        kind = mimetypes.guess_type(path.name)[0] or "binary/octet-stream"
                        self.objects.put(name, path.name, path.read_bytes(), content_type=kind)

    def _create_state_machines(self) -> None:
        bot = self.topology.bot
        for machine in self.topology.state_machines:
            values = {
                key: self.names.resolve(ref, bot_alias=bot.alias, bot_locale=bot.locale)
                for key, ref in machine.substitutions.items()
            }
            definition = json.loads(apply_substitutions(machine.path.read_text(), values))
            self.stepfunctions.create_state_machine(
                StateMachineDefinition(machine.name, definition, machine.type)
            )
        handlers: dict[str, Any] = {}
        for group in (
            ai_handlers(self.ai),
            bus_handlers(self.bus),
            topic_handlers(self.topics),
            s3_handlers(self.s3),
            firehose_handlers(self.firehose),
            kinesis_handlers(self.kinesis),
            dynamodb_handlers(self.dynamodb),
        ):
            handlers.update(group)
        # Real time: Wait states and Retry back-off really wait, and the history's timestamps are true.
        self.stepfunctions.set_engine_options(
            handlers=handlers, functions=self.functions.callables(), clock=SystemClock()
        )
        self.stepfunctions.on_execution_finished(lambda description: self._emit("execution", description))

    def _create_bus_resources(self) -> None:
        archive = self.topology.bus.archive
        existing = {a["ArchiveName"] for a in self.bus.list_archives()["Archives"]}
        if archive.name not in existing:
            self.bus.create_archive(
                ArchiveName=archive.name,
                EventSourceArn=self.bus.arn,
                RetentionDays=archive.retention_days,
                **({"EventPattern": json.dumps(archive.pattern)} if archive.pattern else {}),
            )
        for topic in self.topology.topics:
            self.topics.create_topic(Name=topic.name)
        for rule in self.topology.rules:
            self.bus.put_rule(
                Name=rule.name, EventPattern=json.dumps(rule.pattern), Description=rule.description
            )
            self.bus.put_targets(
                Rule=rule.name, Targets=[self._target(rule, target) for target in rule.targets]
            )

    def _target(self, rule: Rule, target: Target) -> dict[str, Any]:
        arn, deliver = self._target_endpoint(target)
        member: dict[str, Any] = {
            "Id": f"{rule.name}-{target.kind}",
            "Arn": arn,
            "RetryPolicy": {
                "MaximumRetryAttempts": target.retry_policy.maximum_retry_attempts,
                "MaximumEventAgeInSeconds": target.retry_policy.maximum_event_age_seconds,
            },
            "Deliver": deliver,
        }
        if target.input_transformer:
            member["InputTransformer"] = {
                "InputPathsMap": target.input_transformer.paths,
                "InputTemplate": target.input_transformer.template,
            }
        if target.dead_letter_queue:
            member["DeadLetterConfig"] = {"Arn": self.names.queue_arn(target.dead_letter_queue)}
        return member

    def _target_endpoint(self, target: Target) -> tuple[str, Callable[[Any], None]]:
        if target.state_machine:
            arn = self.names.state_machine_arn(target.state_machine)

            def start(payload: Any) -> None:
                text = payload if isinstance(payload, str) else json.dumps(payload)
                self.stepfunctions.start_execution(stateMachineArn=arn, input=text)

            return arn, start
        if target.topic:
            arn = self.names.topic_arn(target.topic)
            return arn, self.topics.deliver_to(arn)
        if target.delivery_stream:
            name = target.delivery_stream

            def deliver(payload: Any) -> None:
                data = payload if isinstance(payload, str) else json.dumps(payload)
                self.firehose.put_record(DeliveryStreamName=name, Record={"Data": data.encode()})

            return self.names.delivery_stream_arn(name), deliver
        # The catch-all log target: a JSON-lines log group and per-detail-type counts (`sma logs`,
        # `sma metrics`), as the CloudWatch log group and its metric filters are on AWS.
        log_group = str(target.log_group)
        observer = Observer.for_group(log_group, self._folder("logs"))

        def log(payload: Any) -> None:
            observer(payload)
            self._emit("event", payload)

        return self.names.log_group_arn(log_group), log

    def _create_delivery_stream(self) -> None:
        stream = self.topology.delivery_stream
        bucket_arn = f"arn:aws:s3:::{self.names.bucket(stream.bucket)}"
        self.delivery_streams.ensure(stream.name, stream.destination(bucket_arn))

    def _create_pipe(self) -> Pipe:
        spec = self.topology.pipe
        if spec.source not in self.kinesis.list_streams()["StreamNames"]:
            self.kinesis.create_stream(StreamName=spec.source, ShardCount=1)
        target_arn = self.names.state_machine_arn(spec.target)
        config = from_api(
            spec.name,
            spec.source,
            source_parameters={
                "KinesisStreamParameters": {
                    "BatchSize": spec.batch_size,
                    "MaximumBatchingWindowInSeconds": spec.maximum_batching_window_seconds,
                    "StartingPosition": spec.starting_position,
                    "MaximumRetryAttempts": spec.maximum_retry_attempts,
                    "OnPartialBatchItemFailure": "AUTOMATIC_BISECT",
                },
                **(
                    {"FilterCriteria": {"Filters": [{"Pattern": json.dumps(f)} for f in spec.filters]}}
                    if spec.filters
                    else {}
                ),
            },
            target_parameters={
                "InputTemplate": spec.input_template,
                "StepFunctionStateMachineParameters": {"InvocationType": spec.invocation_type},
            },
            target_arn=target_arn,
        )

        def start(payload: str) -> Any:
            if spec.invocation_type == "REQUEST_RESPONSE":
                return self.stepfunctions.start_sync_execution(stateMachineArn=target_arn, input=payload)
            return self.stepfunctions.start_execution(stateMachineArn=target_arn, input=payload)

        return Pipe(config, self.kinesis, start)

    # -- running ----------------------------------------------------------------------------------
    def on(self, listener: Listener) -> None:
        """Call `listener(kind, document)` for each event logged and each execution finished."""
        self._listeners.append(listener)

    def _emit(self, kind: str, document: dict[str, Any]) -> None:
        for listener in self._listeners:
            listener(kind, document)

    def start(self) -> LocalCloud:
        """Serve the webhook endpoint and start the background pollers (pipe, bus, Firehose)."""
        recovered = self.stepfunctions.recover()
        if recovered:
            self._emit("recovered", {"executions": recovered})
        self.gateway = HttpGateway(self.functions.gateway_routes(), port=self.settings.port).start()
        self.bus.start(workers=self.settings.workers)
        self.topics.start()
        self.pipe.start()
        self.delivery_streams.start()
        return self

    @property
    def webhook_url(self) -> str:
        if self.gateway is None:
            raise RuntimeError("the local cloud is not started")
        return f"{self.gateway.url}/twitter"

    def settle(self, timeout: float = 120.0) -> bool:
        """Wait until every record is through the pipe, every event delivered and every execution ended."""
        deadline = time.monotonic() + timeout
        quiet_rounds = 0
        while time.monotonic() < deadline:
            moved = self.pipe.drain()
            moved += self.bus.drain()
            remaining = max(0.0, deadline - time.monotonic())
            self.stepfunctions.wait_idle(remaining)
            busy = moved or self.bus.pending(deliverable_only=True, due_only=True)
            quiet_rounds = 0 if busy else quiet_rounds + 1
            if quiet_rounds >= 2:  # quiet twice in a row: nothing in flight started anything new
                return True
        return False

    def flush_lake(self) -> None:
        """Deliver what Firehose is buffering now (as its buffer interval would, sooner)."""
        self.delivery_streams.flush()

    def stop(self) -> None:
        """Stop taking webhooks, let work in flight finish, and flush what is buffered; nothing is lost."""
        if self.gateway is not None:
            self.gateway.stop()
            self.gateway = None
        self.pipe.stop()
        self.settle(timeout=60.0)
        self.bus.close()
        self.topics.close()
        self.stepfunctions.close()
        self.delivery_streams.flush()
        self.delivery_streams.stop()
