"""One AWS account in one region, on this machine: its identity, its state layout and its services.

A real account answers two questions for every piece of a system: *which client serves service X*
(a Lambda's boto3 clients, a state machine's `aws-sdk:*` tasks) and *what does delivering to ARN Y
mean* (an EventBridge target, a pipe's target). `LocalAccount` answers both, the way LocalStack's
service wiring does: services are created on first use with their paths from `StateLayout`, and no
service holds a hand-made reference to another. The local cloud (`infra.local.cloud`) only provisions
the topology's resources into an account; it never builds a service itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from infra.local.arns import AccountIdentity, Arn
from infra.local.layout import StateLayout
from infra.local.targets import Deliver, deliverer_for, pipe_target_for

ServiceFactory = Callable[["LocalAccount"], Any]


def _s3(account: LocalAccount) -> Any:
    from integrations.objectstore import ObjectStore, S3Client

    return S3Client(ObjectStore(account.layout.objects))


def _kinesis(account: LocalAccount) -> Any:
    from integrations.stream import KinesisClient, StreamStore

    identity = account.identity
    store = StreamStore(account.layout.stream)
    return KinesisClient(store, region=identity.region, account=identity.account_id)


def _sns(account: LocalAccount) -> Any:
    from integrations.topics import SmtpSettings, Topics

    identity = account.identity
    return Topics(
        account=identity.account_id,
        region=identity.region,
        directory=account.layout.topics,
        smtp=SmtpSettings.from_env(),  # the user's mail server, if SMA_SMTP_HOST names one
    )


def _firehose(account: LocalAccount) -> Any:
    from integrations.firehose import DeliveryStreams, FirehoseClient

    streams = DeliveryStreams(account.client("s3").store, path=account.layout.firehose_buffer)
    return FirehoseClient(streams, region=account.identity.region, account=account.identity.account_id)


def _dynamodb(account: LocalAccount) -> Any:
    from integrations.dynamodb import DynamoDBClient

    return DynamoDBClient(path=account.layout.tables)


def _secretsmanager(account: LocalAccount) -> Any:
    from integrations.secrets import SecretsManagerClient

    identity = account.identity
    return SecretsManagerClient(
        env_file=account.env_file,
        store_file=account.layout.secrets,
        region=identity.region,
        account=identity.account_id,
    )


def _states(account: LocalAccount) -> Any:
    from integrations.stepfunctions import StepFunctionsService

    identity = account.identity
    service = StepFunctionsService(
        account=identity.account_id,
        region=identity.region,
        workers=account.workers,
        path=account.layout.executions,
    )
    service.set_engine_options(handlers=account.task_handlers(), functions=account.client("lambda"))
    return service


def _ai(account: LocalAccount) -> Any:
    from integrations.ai.rekognition import Rekognition
    from integrations.ai.services import AiServices
    from integrations.ai.vision.face_store import FaceStore

    objects = account.client("s3").store
    return AiServices(rekognition=Rekognition(FaceStore(account.layout.face_collections), objects.read))


def _lambda(account: LocalAccount) -> Any:
    from infra.local.functions import LocalFunctions

    return LocalFunctions(account.optional_client, account.function_environment())


def _logs(account: LocalAccount) -> Any:
    from infra.local.logs import LogGroups

    return LogGroups(account.layout.logs)


def _x(account: LocalAccount) -> Any:
    """The X API as the PostTweet function sees it: the local outbox, unless credentials that can post
    are configured (then none is offered and the function talks to X itself, as on AWS)."""
    from lambdas.post_tweet.outbox import Outbox

    return None if account.can_post_to_x() else Outbox(account.layout.outbox)


# botocore service name → how the local account builds its client. "ai" holds Comprehend, Rekognition
# and Lex V2 together (they share models); "x" is the one non-AWS service the functions call.
SERVICES: dict[str, ServiceFactory] = {
    "s3": _s3,
    "kinesis": _kinesis,
    "sns": _sns,
    "firehose": _firehose,
    "dynamodb": _dynamodb,
    "secretsmanager": _secretsmanager,
    "stepfunctions": _states,
    "ai": _ai,
    "lambda": _lambda,
    "logs": _logs,
    "x": _x,
}


class UnknownService(LookupError):
    """A client was asked for a service the local account does not run."""


class LocalAccount:
    """Account id, region and state layout, and every service of the account, resolved by name or ARN."""

    def __init__(
        self,
        layout: StateLayout,
        identity: AccountIdentity | None = None,
        *,
        workers: int = 2,
        env_file: Path | None = None,
        local_origins: tuple[str, ...] = (),
    ) -> None:
        self.layout = layout
        self.identity = identity or AccountIdentity()
        self.workers = workers
        self.env_file = env_file  # a `.env` file the user chose (the CLI passes the working directory's)
        self.local_origins = local_origins  # plain-http origins the functions may fetch from (media host)
        self._clients: dict[str, Any] = {}
        self._buses: dict[str, Any] = {}
        self._deliverers: dict[str, Deliver | None] = {}
        self._lock = threading.RLock()

    # -- clients by service name -------------------------------------------------------------------
    def client(self, service: str) -> Any:
        """The account's client for `service` (a botocore service name), created on first use."""
        with self._lock:
            if service == "events":
                return self.event_bus()
            if service not in self._clients:
                factory = SERVICES.get(service)
                if factory is None:
                    raise UnknownService(f"the local account runs no service named {service!r}")
                self._clients[service] = factory(self)
            return self._clients[service]

    def optional_client(self, service: str) -> Any | None:
        """The client for `service`, or None where the account offers none (e.g. X with real credentials)."""
        if service not in SERVICES and service != "events":
            return None
        return self.client(service)

    def event_bus(self, name: str | None = None) -> Any:
        """The event bus `name` (the first one created when no name is given), created on first use."""
        from integrations.bus import EventBus

        with self._lock:
            if name is None:
                if not self._buses:
                    raise UnknownService("the local account has no event bus yet")
                return next(iter(self._buses.values()))
            if name not in self._buses:
                self._buses[name] = EventBus(
                    name,
                    account=self.identity.account_id,
                    region=self.identity.region,
                    directory=self.layout.bus,
                    targets=self.deliverer,
                )
            return self._buses[name]

    def task_handlers(self) -> dict[str, Any]:
        """Resource → handler for the ASL engine's Task states: every service's integrations."""
        from integrations.ai.handlers import engine_handlers as ai
        from integrations.bus.handlers import engine_handlers as events
        from integrations.dynamodb.handlers import engine_handlers as dynamodb
        from integrations.firehose.handlers import engine_handlers as firehose
        from integrations.objectstore.handlers import engine_handlers as s3
        from integrations.stream.handlers import engine_handlers as kinesis
        from integrations.topics.handlers import engine_handlers as sns

        handlers: dict[str, Any] = {}
        for make, service in (
            (ai, "ai"),
            (events, "events"),
            (sns, "sns"),
            (s3, "s3"),
            (firehose, "firehose"),
            (kinesis, "kinesis"),
            (dynamodb, "dynamodb"),
        ):
            handlers.update(make(self.client(service)))
        return handlers

    # -- targets by ARN ----------------------------------------------------------------------------
    def deliverer(self, arn: str) -> Deliver | None:
        """What delivering an EventBridge target's input to `arn` means here, or None if nothing is there."""
        with self._lock:
            if arn not in self._deliverers:  # the bus asks often; an ARN's meaning never changes
                local = Arn.parse(arn).account in ("", self.identity.account_id)
                self._deliverers[arn] = deliverer_for(self, arn) if local else None
            return self._deliverers[arn]

    def pipe_target(self, arn: str, invocation_type: str) -> Callable[[str], Any]:
        """A pipe's target: the state machine at `arn`, started as the pipe's invocation type says."""
        return pipe_target_for(self, arn, invocation_type)

    # -- what the account's functions see -----------------------------------------------------------
    def function_environment(self) -> dict[str, str]:
        """Variables every local function gets, as Lambda sets AWS_REGION and friends on every function."""
        region = self.identity.region
        environment = {"AWS_REGION": region, "AWS_DEFAULT_REGION": region}
        if self.local_origins:
            environment["SMA_ALLOWED_LOCAL_ORIGINS"] = ",".join(self.local_origins)
        return environment

    def can_post_to_x(self) -> bool:
        """True when the X credentials secret holds tokens that can post (then replies go to X)."""
        from infra.topology import X_SECRET_ID
        from lambdas.shared.x_credentials import parse_credentials

        secrets = self.client("secretsmanager")
        try:
            value = secrets.get_secret_value(SecretId=X_SECRET_ID)["SecretString"]
        except Exception as error:  # ResourceNotFoundException: no secret, so no posting
            if getattr(error, "code", None) == "ResourceNotFoundException":
                return False
            raise
        return parse_credentials(value, X_SECRET_ID).can_post()
