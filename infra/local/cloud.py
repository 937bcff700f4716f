"""The running local cloud: the topology's resources provisioned into a local account.

`LocalAccount` (infra.local.account) is the account: its identity, its state layout and its services,
each resolved by name or by ARN. This module only does what CloudFormation does with the CDK app's
templates: create each resource the topology declares (buckets and their seed files, tables, the bus with
its archive, rules and targets, topics, the delivery stream, the stream and its pipe, the functions, the
state machines), then run the pollers. A restart resumes from the state folder where the last run stopped.
"""

from __future__ import annotations

import contextlib
import functools
import json
import mimetypes
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from infra.local.account import LocalAccount
from infra.local.arns import AccountIdentity
from infra.local.http_gateway import HttpGateway
from infra.local.layout import StateLayout
from infra.local.memory import limit_malloc_arenas
from infra.local.state_lock import StateLock
from infra.topology import ROOT, TOPOLOGY, Ref, Rule, Target, Topology
from integrations.identity import DEFAULT_ACCOUNT_ID, DEFAULT_REGION

if TYPE_CHECKING:
    from infra.local.functions import LocalFunctions
    from integrations.ai.services import AiServices
    from integrations.dynamodb import DynamoDBClient
    from integrations.firehose import DeliveryStreams, FirehoseClient
    from integrations.objectstore import ObjectStore, S3Client
    from integrations.secrets import SecretsManagerClient
    from integrations.stepfunctions import StepFunctionsService
    from integrations.stream import KinesisClient
    from integrations.topics import Topics

Listener = Callable[[str, dict[str, Any]], None]
# How long a stop waits for the model the background warm-up is building (the slowest take a second or
# two on 2 busy cores).
WARM_UP_JOIN_SECONDS = 60.0


@dataclass
class LocalCloudSettings:
    """What can differ between two local clouds; every field has a default that works offline."""

    layout: StateLayout = field(default_factory=StateLayout.from_environment)
    account: str = DEFAULT_ACCOUNT_ID
    region: str = DEFAULT_REGION
    port: int = 0  # the webhook endpoint's port; 0 picks a free one
    # Origins the download function may fetch from over plain http (the local sample-media server).
    allowed_local_origins: tuple[str, ...] = ()
    workers: int = 2
    # Load the AI models in the background as the cloud starts, so the first message does not wait for
    # them (text models first: most messages are text).
    warm_models: bool = True
    env_file: Path | None = None  # a `.env` file with local secrets (the CLI passes the working folder's)

    @property
    def home(self) -> Path:
        return self.layout.home


class LocalCloud:
    """The whole system on this machine. `start()` serves the webhook; `settle()` waits for quiet."""

    def __init__(
        self,
        settings: LocalCloudSettings | None = None,
        topology: Topology = TOPOLOGY,
        *,
        lock: StateLock | None = None,
    ) -> None:
        self.settings = settings = settings or LocalCloudSettings()
        self.topology = topology
        limit_malloc_arenas()
        settings.home.mkdir(parents=True, exist_ok=True)
        # One local cloud per state folder: a second one would run every message twice. A caller that
        # must hold the folder before it builds the cloud (the session starts the media host first)
        # hands its lock over.
        self._lock = lock or StateLock(settings.layout.lock).acquire()
        self.account = LocalAccount(
            settings.layout,
            AccountIdentity(settings.account, settings.region),
            workers=settings.workers,
            env_file=settings.env_file,
            local_origins=settings.allowed_local_origins,
        )
        self._listeners: list[Listener] = []
        self._provision()
        self.gateway: HttpGateway | None = None
        self._models_warm = threading.Event()
        self._warm_up_lock = threading.Lock()
        self._warm_up_started = False
        self._warm_up_thread: threading.Thread | None = None
        self._stopping = threading.Event()

    # -- the account's services, under the names the CLI and tests use ---------------------------
    @property
    def names(self) -> AccountIdentity:
        return self.account.identity

    @property
    def bus(self) -> Any:
        return self.account.event_bus(self.topology.bus.name)

    # cloud.s3, cloud.kinesis, … are the account's clients (each created on first use).
    @property
    def s3(self) -> S3Client:
        return cast("S3Client", self.account.client("s3"))

    @property
    def objects(self) -> ObjectStore:
        return self.s3.store

    @property
    def kinesis(self) -> KinesisClient:
        return cast("KinesisClient", self.account.client("kinesis"))

    @property
    def topics(self) -> Topics:
        return cast("Topics", self.account.client("sns"))

    @property
    def firehose(self) -> FirehoseClient:
        return cast("FirehoseClient", self.account.client("firehose"))

    @property
    def delivery_streams(self) -> DeliveryStreams:
        return self.firehose.streams

    @property
    def dynamodb(self) -> DynamoDBClient:
        return cast("DynamoDBClient", self.account.client("dynamodb"))

    @property
    def secrets(self) -> SecretsManagerClient:
        return cast("SecretsManagerClient", self.account.client("secretsmanager"))

    @property
    def stepfunctions(self) -> StepFunctionsService:
        return cast("StepFunctionsService", self.account.client("stepfunctions"))

    @property
    def ai(self) -> AiServices:
        return cast("AiServices", self.account.client("ai"))

    @property
    def functions(self) -> LocalFunctions:
        return cast("LocalFunctions", self.account.client("lambda"))

    def bucket(self, logical_name: str) -> str:
        return self.names.bucket(logical_name)

    def resolve(self, ref: Ref) -> str:
        """The local value of a topology reference (a bucket's name, a function's ARN, the bot's id…)."""
        names, bot = self.names, self.topology.bot
        resolvers: dict[tuple[str, str], Callable[[str], str]] = {
            ("bucket", "name"): names.bucket,
            ("function", "arn"): names.function_arn,
            ("state_machine", "arn"): names.state_machine_arn,
            ("topic", "arn"): names.topic_arn,
            ("bot", "id"): names.bot_id,
            ("bot", "alias_id"): lambda _: names.bot_alias_id(bot.alias),
            ("bot", "locale_id"): lambda _: bot.locale,
        }
        for kind in ("function", "bus", "table", "stream"):
            resolvers[(kind, "name")] = str
        try:
            return resolvers[(ref.kind, ref.attribute)](ref.name)
        except KeyError:
            raise ValueError(f"the local cloud cannot resolve {ref}") from None

    # -- provisioning (what CloudFormation does on AWS) ---------------------------------------------
    def _provision(self) -> None:
        self._create_buckets()
        self._create_tables()
        self._create_bus_resources()  # before the state machines: their PutEvents tasks use the bus
        self._create_functions()
        self._create_state_machines()
        self._create_delivery_stream()
        self.pipe = self._create_pipe()
        self.account.client("logs").subscribe(lambda _group, event: self._emit("event", event))
        self.stepfunctions.on_execution_finished(lambda description: self._emit("execution", description))

    def _create_buckets(self) -> None:
        objects = self.objects
        for bucket in self.topology.buckets:
            name = self.names.bucket(bucket.name)
            objects.create_bucket(name, exist_ok=True)
            if bucket.seed_folder:
                # What CDK's BucketDeployment does on AWS: copy the folder into the bucket.
                for path in sorted((ROOT / bucket.seed_folder).iterdir()):
                    if path.is_file():
                        kind = mimetypes.guess_type(path.name)[0] or "binary/octet-stream"
                        objects.put(name, path.name, path.read_bytes(), content_type=kind)

    def _create_tables(self) -> None:
        from integrations.dynamodb import TableSchema

        for table in self.topology.tables:
            self.dynamodb.add_table(
                TableSchema(table.name, table.partition_key, ttl_attribute=table.ttl_attribute)
            )

    def _create_functions(self) -> None:
        for function in self.topology.functions:
            environment = {
                key: self.resolve(value) if isinstance(value, Ref) else value
                for key, value in function.environment.items()
            }
            self.functions.create_function(function.name, function.handler, environment)

    def _create_state_machines(self) -> None:
        from integrations.stepfunctions import StateMachineDefinition
        from workflows.engine import SystemClock, apply_substitutions

        service = self.stepfunctions
        for machine in self.topology.state_machines:
            values = {key: self.resolve(ref) for key, ref in machine.substitutions.items()}
            definition = json.loads(apply_substitutions(machine.path.read_text(), values))
            service.create_state_machine(StateMachineDefinition(machine.name, definition, machine.type))
        # Real time: Wait states and Retry back-off really wait, and the history's timestamps are true.
        service.set_engine_options(clock=SystemClock())

    def _create_bus_resources(self) -> None:
        bus = self.bus
        archive = self.topology.bus.archive
        existing = {a["ArchiveName"] for a in bus.list_archives()["Archives"]}
        if archive.name not in existing:
            bus.create_archive(
                ArchiveName=archive.name,
                EventSourceArn=bus.arn,
                RetentionDays=archive.retention_days,
                **({"EventPattern": json.dumps(archive.pattern)} if archive.pattern else {}),
            )
        for topic in self.topology.topics:
            self.topics.create_topic(Name=topic.name)
        for rule in self.topology.rules:
            bus.put_rule(Name=rule.name, EventPattern=json.dumps(rule.pattern), Description=rule.description)
            bus.put_targets(Rule=rule.name, Targets=[self._target(rule, target) for target in rule.targets])

    def _target_arn(self, target: Target) -> str:
        names = self.names
        arns = {
            "state_machine": names.state_machine_arn,
            "topic": names.topic_arn,
            "delivery_stream": names.delivery_stream_arn,
            "log_group": names.log_group_arn,
        }
        return arns[target.kind](target.resource)

    def _target(self, rule: Rule, target: Target) -> dict[str, Any]:
        """The PutTargets member for `target`, exactly as the CDK app's template declares it."""
        member: dict[str, Any] = {
            "Id": f"{rule.name}-{target.kind}",
            "Arn": self._target_arn(target),
            "RetryPolicy": {
                "MaximumRetryAttempts": target.retry_policy.maximum_retry_attempts,
                "MaximumEventAgeInSeconds": target.retry_policy.maximum_event_age_seconds,
            },
        }
        if target.input_transformer:
            member["InputTransformer"] = {
                "InputPathsMap": target.input_transformer.paths,
                "InputTemplate": target.input_transformer.template,
            }
        if target.dead_letter_queue:
            member["DeadLetterConfig"] = {"Arn": self.names.queue_arn(target.dead_letter_queue)}
        return member

    def _create_delivery_stream(self) -> None:
        stream = self.topology.delivery_stream
        self.delivery_streams.ensure(stream.name, stream.destination(self.names.bucket_arn(stream.bucket)))

    def _create_pipe(self) -> Any:
        from integrations.pipes import Pipe, from_api
        from integrations.pipes.checkpoints import Checkpoints

        spec = self.topology.pipe
        kinesis = self.kinesis
        if spec.source not in kinesis.list_streams()["StreamNames"]:
            kinesis.create_stream(StreamName=spec.source, ShardCount=1)
        target_arn = self.names.state_machine_arn(spec.target)
        config = from_api(
            spec.name,
            spec.source,
            source_parameters={
                "KinesisStreamParameters": spec.kinesis_stream_parameters(
                    self.names.queue_arn(spec.dead_letter_queue)
                ),
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
        return Pipe(
            config,
            kinesis,
            self.account.pipe_target(target_arn, spec.invocation_type),
            checkpoints=Checkpoints(self.settings.layout.pipe_checkpoints),
        )

    # -- running ----------------------------------------------------------------------------------
    def on(self, listener: Listener) -> None:
        """Call `listener(kind, document)` for each event logged and each execution finished."""
        self._listeners.append(listener)

    def _emit(self, kind: str, document: dict[str, Any]) -> None:
        for listener in self._listeners:
            listener(kind, document)

    def gateway_routes(self) -> dict[tuple[str, str], Callable[[dict[str, Any]], Any]]:
        """The REST API's routes, each proxied to the function the topology puts behind it."""
        functions = self.functions
        routes: dict[tuple[str, str], Callable[[dict[str, Any]], Any]] = {}
        for function in self.topology.functions:
            for route in function.routes:
                routes[(route.method, route.path)] = functools.partial(functions.invoke, function.name)
        return routes

    def start(self) -> LocalCloud:
        """Serve the webhook endpoint and start the background pollers (pipe, bus, Firehose)."""
        recovered = self.stepfunctions.recover()
        if recovered:
            self._emit("recovered", {"executions": recovered})
        self.warm_up()
        self.gateway = HttpGateway(self.gateway_routes(), port=self.settings.port).start()
        self.bus.start(workers=self.settings.workers)
        self.topics.start()
        self.pipe.start()
        self.delivery_streams.start()
        return self

    def warm_up(self) -> None:
        """Start loading the AI models in the background (once; `start()` does it if nobody did): a
        caller with work to do before `start()`, such as enrolling a gallery, starts it sooner."""
        with self._warm_up_lock:
            if self._warm_up_started:
                return
            self._warm_up_started = True
        if not self.settings.warm_models:
            self._models_warm.set()
            return
        self._warm_up_thread = threading.Thread(
            target=self._warm_models, args=(self._uses_spacy(),), name="ai-warmup", daemon=True
        )
        self._warm_up_thread.start()

    def wait_for_models(self, timeout: float | None = None) -> bool:
        """Wait until the background warm-up has loaded the models (or given up on one); False if
        `timeout` passed first. A benchmark waits here so that it measures messages, not loading."""
        return self._models_warm.wait(timeout)

    def _uses_spacy(self) -> bool:
        """Whether any workflow calls the Comprehend operations spaCy serves (entities, key phrases):
        the bot's own do not, and loading it costs seconds of CPU and ~100 MB for nothing."""
        operations = ("detectEntities", "detectKeyPhrases", "batchDetectEntities", "batchDetectKeyPhrases")
        texts = [machine.path.read_text(encoding="utf-8") for machine in self.topology.state_machines]
        return any(f'comprehend:{operation}"' in text for text in texts for operation in operations)

    def _warm_models(self, with_spacy: bool) -> None:
        """Prepare the Lex bot (MiniLM and its utterances: what a text message's reply waits for
        longest), then load every other local AI model the workflows use, once. A model that fails to
        load fails its first request instead, with the service's own error, so nothing is reported here
        and the others still load. (A second loader thread, for the photo models, made `sma demo` no
        faster on this 2-core machine: the loads contend for the same cores and the interpreter lock.)"""
        from integrations.ai.text.nlp import SPACY_EN
        from integrations.ai.warmup import models

        try:
            with contextlib.suppress(Exception):  # the first RecognizeText reports it
                self.ai.lex.prepare()
            for model in models().values():
                if self._stopping.is_set():  # stop() waits for the load in progress, not the rest
                    break
                if model is not SPACY_EN or with_spacy:
                    with contextlib.suppress(Exception):
                        model.get()
        finally:
            self._models_warm.set()

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

    def stop(self, grace_seconds: float = 30.0) -> int:
        """Stop cleanly, losing nothing: take no more webhooks, start no more work, give the executions
        running now `grace_seconds` to end, and flush Firehose's buffer. What is still queued stays
        durable (records in the stream, deliveries in the bus, executions left RUNNING) and is carried
        on by the next start. Returns how many executions were left to the next start."""
        self._stopping.set()
        if self.gateway is not None:
            self.gateway.stop()
            self.gateway = None
        self.pipe.stop()  # a batch in flight ends or is replayed from its checkpoint next time
        self.bus.close_dispatcher()
        left = self.stepfunctions.stop(grace_seconds)
        self.topics.close()
        self.stepfunctions.close()
        self.bus.close()
        self.delivery_streams.stop()  # delivers what is buffered, as Firehose does on shutdown
        if self._warm_up_thread is not None:
            # A model half-built in native code (onnxruntime, torch, dlib) when the interpreter exits
            # aborts the process ("terminate called without an active exception"): let it finish.
            self._warm_up_thread.join(timeout=WARM_UP_JOIN_SECONDS)
        self._lock.release()
        return left
