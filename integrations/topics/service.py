"""The local SNS: topics, subscriptions with filter policies, Publish and PublishBatch.

Shapes and errors follow the SNS API. A published message is committed to SQLite (under
the folder its caller names) before Publish answers, then fanned out to each subscription whose filter policy
it passes. Each delivery stands alone: one failing subscriber is recorded in `failures()` and never keeps
the message from the others, and its delivery is retried (SNS's default policy: 3 retries, 20 s apart).
Subscriptions are confirmed at once (there is no one to click a link).

Protocols: `http`/`https` (POST of the notification JSON), `email` (the message text) and `email-json`
(the notification JSON) over SMTP, and local ones: `console` (printed), `file` (Endpoint is a path; one
JSON line per notification) and `local` (a Python callable, see `subscribe_callable`).
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from rich.console import Console

from integrations.database import open_database
from integrations.errors import ServiceError
from integrations.identity import DEFAULT_ACCOUNT_ID, DEFAULT_REGION
from integrations.topics import endpoints
from integrations.topics.endpoints import DeliveryFailed, SmtpSettings
from integrations.topics.notification import notification
from integrations.topics.subscriptions import Subscription, check_endpoint, check_subscription_attributes
from integrations.topics.validation import (
    MAX_MESSAGE_BYTES,
    check_attributes,
    check_message,
    check_structure,
    check_subject,
    invalid,
    message_bytes,
)

MAX_BATCH = 10
_TOPIC_NAME = re.compile(r"^[A-Za-z0-9_\-]{1,256}$")
_BATCH_ID = re.compile(r"^[A-Za-z0-9_\-]{1,80}$")
DEFAULT_EMAIL_SUBJECT = "AWS Notification Message"
# SNS's default delivery policy for HTTP/S (applied here to every protocol): 3 retries, 20 s apart.
RETRIES = 3
RETRY_DELAY_SECONDS = 20.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS topics (arn TEXT PRIMARY KEY, name TEXT NOT NULL, attributes TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS subscriptions (
    arn TEXT PRIMARY KEY, topic TEXT NOT NULL, protocol TEXT NOT NULL, endpoint TEXT NOT NULL,
    attributes TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    id TEXT PRIMARY KEY, topic TEXT NOT NULL, subject TEXT, message TEXT NOT NULL, attributes TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS retries (
    id INTEGER PRIMARY KEY, subscription TEXT NOT NULL, message_id TEXT NOT NULL, body TEXT NOT NULL,
    attempts INTEGER NOT NULL, due REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS failures (
    id INTEGER PRIMARY KEY, subscription TEXT NOT NULL, message_id TEXT NOT NULL, error TEXT NOT NULL,
    at REAL NOT NULL
);
"""


def _not_found(what: str) -> ServiceError:
    return ServiceError("sns", "NotFound", f"{what} does not exist", 404)


class Topics:
    """The topics of one account and region."""

    def __init__(
        self,
        *,
        directory: Path,
        account: str = DEFAULT_ACCOUNT_ID,
        region: str = DEFAULT_REGION,
        console: Console | None = None,
        smtp: SmtpSettings | None = None,
        clock: Callable[[], float] = time.time,
        http_timeout: float = 5.0,
    ) -> None:
        self.account = account
        self.region = region
        self.console = console or Console()
        self.smtp = smtp  # None: email subscriptions fail (the local account reads SMA_SMTP_*)
        self.clock = clock
        self.http_timeout = http_timeout
        directory.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = open_database(directory / "topics.sqlite3")
        self._db.executescript(SCHEMA)
        self._callables: dict[str, Callable[[Any], None]] = {}
        self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="sns-delivery")
        self._stopping = threading.Event()
        self._retrier: threading.Thread | None = None
        self._subscriptions: dict[str, Subscription] = {}
        for arn, topic, protocol, endpoint, attributes in self._query("SELECT * FROM subscriptions"):
            self._subscriptions[arn] = Subscription(arn, topic, protocol, endpoint, json.loads(attributes))

    # -- storage ---------------------------------------------------------------------------------
    def _query(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, parameters).fetchall()

    def _write(self, sql: str, parameters: tuple[Any, ...] = ()) -> None:
        with self._lock:
            self._db.execute(sql, parameters)  # autocommit: durable when it returns

    def close(self) -> None:
        self._stopping.set()
        if self._retrier is not None:
            self._retrier.join(timeout=10)
        self._pool.shutdown(wait=True)
        with self._lock:
            self._db.close()

    # -- topics ----------------------------------------------------------------------------------
    def topic_arn(self, name: str) -> str:
        return f"arn:aws:sns:{self.region}:{self.account}:{name}"

    def create_topic(
        self, Name: str, Attributes: Mapping[str, str] | None = None, Tags: Any = None
    ) -> dict[str, str]:
        del Tags
        if not isinstance(Name, str) or not _TOPIC_NAME.match(Name):
            raise invalid(
                "Topic Name: Topic names must be made up of only uppercase and lowercase ASCII letters, "
                "numbers, underscores, and hyphens, and must be between 1 and 256 characters long."
            )
        arn = self.topic_arn(Name)
        self._write(
            "INSERT OR IGNORE INTO topics VALUES (?, ?, ?)", (arn, Name, json.dumps(dict(Attributes or {})))
        )
        return {"TopicArn": arn}

    def _topic(self, arn: Any) -> str:
        if not isinstance(arn, str) or not self._query("SELECT 1 FROM topics WHERE arn = ?", (arn,)):
            raise _not_found("Topic")
        return arn

    def delete_topic(self, TopicArn: str) -> None:
        for subscription in [s for s in self._subscriptions.values() if s.topic == TopicArn]:
            self.unsubscribe(subscription.arn)
        self._write("DELETE FROM topics WHERE arn = ?", (TopicArn,))

    def list_topics(self) -> dict[str, list[dict[str, str]]]:
        return {
            "Topics": [{"TopicArn": arn} for (arn,) in self._query("SELECT arn FROM topics ORDER BY arn")]
        }

    def get_topic_attributes(self, TopicArn: str) -> dict[str, dict[str, str]]:
        arn = self._topic(TopicArn)
        ((attributes,),) = self._query("SELECT attributes FROM topics WHERE arn = ?", (arn,))
        confirmed = sum(1 for s in self._subscriptions.values() if s.topic == arn)
        return {
            "Attributes": {
                **json.loads(attributes),
                "TopicArn": arn,
                "Owner": self.account,
                "DisplayName": json.loads(attributes).get("DisplayName", ""),
                "SubscriptionsConfirmed": str(confirmed),
                "SubscriptionsPending": "0",
                "SubscriptionsDeleted": "0",
            }
        }

    # -- subscriptions ---------------------------------------------------------------------------
    def subscribe(
        self,
        TopicArn: str,
        Protocol: str,
        Endpoint: str | None = None,
        Attributes: Mapping[str, Any] | None = None,
        ReturnSubscriptionArn: bool = True,
    ) -> dict[str, str]:
        del ReturnSubscriptionArn  # subscriptions are confirmed at once, so the ARN is always known
        topic = self._topic(TopicArn)
        endpoint = check_endpoint(Protocol, Endpoint)
        attributes = check_subscription_attributes(Protocol, Attributes or {}, subscribing=True)
        for existing in self._subscriptions.values():
            if (existing.topic, existing.protocol, existing.endpoint) == (topic, Protocol, endpoint):
                if existing.attributes != attributes:
                    raise invalid("Attributes Reason: Subscription already exists with different attributes")
                return {"SubscriptionArn": existing.arn}
        arn = f"{topic}:{uuid.uuid4()}"
        subscription = Subscription(arn, topic, Protocol, endpoint, attributes)
        if Protocol != "local":
            self._write(
                "INSERT INTO subscriptions VALUES (?, ?, ?, ?, ?)",
                (arn, topic, Protocol, endpoint, json.dumps(attributes)),
            )
        self._subscriptions[arn] = subscription
        return {"SubscriptionArn": arn}

    def subscribe_callable(
        self, TopicArn: str, deliver: Callable[[Any], None], Attributes: Mapping[str, Any] | None = None
    ) -> dict[str, str]:
        """A subscription in this process only: `deliver` gets the notification dict (or the raw message
        text with RawMessageDelivery)."""
        endpoint = f"local:{uuid.uuid4()}"
        response = self.subscribe(TopicArn, "local", endpoint, Attributes)
        self._callables[endpoint] = deliver
        return response

    def _subscription(self, arn: Any) -> Subscription:
        subscription = self._subscriptions.get(arn) if isinstance(arn, str) else None
        if subscription is None:
            raise _not_found("Subscription")
        return subscription

    def unsubscribe(self, SubscriptionArn: str) -> None:
        subscription = self._subscription(SubscriptionArn)
        self._write("DELETE FROM subscriptions WHERE arn = ?", (subscription.arn,))
        del self._subscriptions[subscription.arn]
        self._callables.pop(subscription.endpoint, None)

    def list_subscriptions_by_topic(self, TopicArn: str) -> dict[str, list[dict[str, str]]]:
        topic = self._topic(TopicArn)
        return {"Subscriptions": [s.describe() for s in self._subscriptions.values() if s.topic == topic]}

    def get_subscription_attributes(self, SubscriptionArn: str) -> dict[str, dict[str, str]]:
        subscription = self._subscription(SubscriptionArn)
        return {
            "Attributes": {
                **subscription.describe(),
                "ConfirmationWasAuthenticated": "true",
                "PendingConfirmation": "false",
                "RawMessageDelivery": "false",
                **subscription.attributes,
            }
        }

    def set_subscription_attributes(
        self, SubscriptionArn: str, AttributeName: str, AttributeValue: str
    ) -> None:
        subscription = self._subscription(SubscriptionArn)
        attributes = {**subscription.attributes, AttributeName: AttributeValue}
        if AttributeName == "FilterPolicy" and not AttributeValue:
            attributes.pop("FilterPolicy")
        attributes = check_subscription_attributes(subscription.protocol, attributes)
        replacement = Subscription(
            subscription.arn, subscription.topic, subscription.protocol, subscription.endpoint, attributes
        )
        self._write(
            "UPDATE subscriptions SET attributes = ? WHERE arn = ?",
            (json.dumps(attributes), subscription.arn),
        )
        self._subscriptions[subscription.arn] = replacement

    # -- publishing ------------------------------------------------------------------------------
    def publish(
        self,
        *,
        Message: str | None = None,
        TopicArn: str | None = None,
        TargetArn: str | None = None,
        Subject: str | None = None,
        MessageStructure: str | None = None,
        MessageAttributes: Mapping[str, Mapping[str, Any]] | None = None,
        **unsupported: Any,
    ) -> dict[str, str]:
        if unsupported.get("PhoneNumber"):
            raise invalid("PhoneNumber: SMS is not available on the local cloud")
        if TopicArn and TargetArn:
            raise invalid("TopicArn or TargetArn Reason: Only one of the two may be specified")
        topic = self._topic(TopicArn or TargetArn)
        attributes = check_attributes(MessageAttributes)
        message = check_message(Message, attributes)
        check_subject(Subject)
        per_protocol = check_structure(message, MessageStructure)
        return {"MessageId": self._accept(topic, message, Subject, attributes, per_protocol)}

    def _accept(
        self,
        topic: str,
        message: str,
        subject: str | None,
        attributes: dict[str, dict[str, Any]],
        per_protocol: dict[str, str] | None,
    ) -> str:
        message_id = str(uuid.uuid4())
        sent_at = self.clock()
        stored = {n: {k: v for k, v in a.items() if k != "BinaryValue"} for n, a in attributes.items()}
        self._write(
            "INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?)",
            (message_id, topic, subject, message, json.dumps(stored), sent_at),
        )
        chosen: list[tuple[Subscription, str]] = []
        for subscription in [s for s in self._subscriptions.values() if s.topic == topic]:
            body = (
                per_protocol.get(subscription.protocol, per_protocol["default"]) if per_protocol else message
            )
            if subscription.policy is None or subscription.policy.matches(body, attributes):
                chosen.append((subscription, body))

        def deliver_one(choice: tuple[Subscription, str]) -> None:
            subscription, body = choice
            failed = self._attempt(
                subscription,
                message_id=message_id,
                body=body,
                subject=subject,
                attributes=attributes,
                sent_at=sent_at,
            )
            if failed:
                self._write(
                    "INSERT INTO retries (subscription, message_id, body, attempts, due) "
                    "VALUES (?, ?, ?, 1, ?)",
                    (subscription.arn, message_id, body, self.clock() + RETRY_DELAY_SECONDS),
                )

        if len(chosen) == 1:
            deliver_one(chosen[0])
        elif chosen:
            # Subscribers are served side by side, so a slow one (an HTTP endpoint taking its time)
            # does not hold back the others; Publish answers when every attempt has ended.
            list(self._pool.map(deliver_one, chosen))
        return message_id

    def _attempt(
        self,
        subscription: Subscription,
        *,
        message_id: str,
        body: str,
        subject: str | None,
        attributes: dict[str, dict[str, Any]],
        sent_at: float,
    ) -> bool:
        """Deliver once; on failure record why (in `failures()`) and return True."""
        try:
            self._deliver(
                subscription,
                message_id=message_id,
                body=body,
                subject=subject,
                attributes=attributes,
                sent_at=sent_at,
            )
        except Exception as error:  # one subscriber's failure never reaches the others
            self._write(
                "INSERT INTO failures (subscription, message_id, error, at) VALUES (?, ?, ?, ?)",
                (subscription.arn, message_id, f"{type(error).__name__}: {error}", self.clock()),
            )
            return True
        return False

    def redeliver(self) -> int:
        """Retry the failed deliveries that are due; the number delivered this time. After RETRIES
        retries a delivery is given up (every attempt stays in `failures()`)."""
        now = self.clock()
        rows = self._query(
            "SELECT r.id, r.subscription, r.message_id, r.body, r.attempts, m.subject, m.attributes, m.at "
            "FROM retries r JOIN messages m ON m.id = r.message_id WHERE r.due <= ? ORDER BY r.due, r.id",
            (now,),
        )
        delivered = 0
        for retry_id, arn, message_id, body, attempts, subject, attributes, sent_at in rows:
            subscription = self._subscriptions.get(arn)
            failed = subscription is None or self._attempt(
                subscription,
                message_id=message_id,
                body=body,
                subject=subject,
                attributes=json.loads(attributes),
                sent_at=sent_at,
            )
            if not failed:
                delivered += 1
            if not failed or subscription is None or attempts >= RETRIES:
                self._write("DELETE FROM retries WHERE id = ?", (retry_id,))
            else:
                self._write(
                    "UPDATE retries SET attempts = ?, due = ? WHERE id = ?",
                    (attempts + 1, self.clock() + RETRY_DELAY_SECONDS, retry_id),
                )
        return delivered

    def pending_retries(self) -> int:
        ((count,),) = self._query("SELECT COUNT(*) FROM retries")
        return count

    def start(self, poll_seconds: float = 1.0) -> None:
        """Retry failed deliveries in the background (idempotent); `close()` stops it."""
        if self._retrier is not None:
            return

        def run() -> None:
            while not self._stopping.wait(poll_seconds):
                self.redeliver()

        self._retrier = threading.Thread(target=run, name="sns-redelivery", daemon=True)
        self._retrier.start()

    def _deliver(
        self,
        subscription: Subscription,
        *,
        message_id: str,
        body: str,
        subject: str | None,
        attributes: dict[str, dict[str, Any]],
        sent_at: float,
    ) -> None:
        document = notification(
            message_id=message_id,
            topic_arn=subscription.topic,
            message=body,
            subject=subject,
            attributes=attributes,
            sent_at=sent_at,
            subscription_arn=subscription.arn,
        )
        text = body if subscription.raw else json.dumps(document)
        protocol = subscription.protocol
        if protocol == "console":
            endpoints.to_console(self.console, subscription.topic.rsplit(":", 1)[-1], subject, body)
        elif protocol == "file":
            endpoints.to_file(subscription.endpoint, text if not subscription.raw else json.dumps(body))
        elif protocol in ("http", "https"):
            headers = {
                "Content-Type": "text/plain; charset=UTF-8",
                "x-amz-sns-message-type": "Notification",
                "x-amz-sns-message-id": message_id,
                "x-amz-sns-topic-arn": subscription.topic,
                "x-amz-sns-subscription-arn": subscription.arn,
            }
            if subscription.raw:
                headers["x-amz-sns-rawdelivery"] = "true"
            endpoints.to_http(subscription.endpoint, text, headers, self.http_timeout)
        elif protocol in ("email", "email-json"):
            content = json.dumps(document, indent=2) if protocol == "email-json" else body
            endpoints.to_email(self.smtp, subscription.endpoint, subject or DEFAULT_EMAIL_SUBJECT, content)
        else:
            deliver = self._callables.get(subscription.endpoint)
            if deliver is None:
                raise DeliveryFailed(f"no callable registered for {subscription.arn} in this process")
            endpoints.to_callable(deliver, text, subscription.raw)

    def publish_batch(
        self, TopicArn: str, PublishBatchRequestEntries: list[Mapping[str, Any]]
    ) -> dict[str, list[dict[str, Any]]]:
        topic = self._topic(TopicArn)
        entries = PublishBatchRequestEntries
        if not entries:
            raise ServiceError("sns", "EmptyBatchRequest", "The batch request doesn't contain any entries.")
        if len(entries) > MAX_BATCH:
            raise ServiceError(
                "sns",
                "TooManyEntriesInBatchRequest",
                "The batch request contains more entries than permissible.",
            )
        ids = [entry.get("Id") for entry in entries]
        if not all(isinstance(i, str) and _BATCH_ID.match(i) for i in ids):
            raise ServiceError(
                "sns",
                "InvalidBatchEntryId",
                "A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
                "It can be at most 80 letters long.",
            )
        if len(set(ids)) != len(ids):
            raise ServiceError(
                "sns",
                "BatchEntryIdsNotDistinct",
                "Two or more batch entries in the request have the same Id.",
            )
        total = sum(message_bytes(entry.get("Message"), entry.get("MessageAttributes")) for entry in entries)
        if total > MAX_MESSAGE_BYTES:
            raise ServiceError(
                "sns",
                "BatchRequestTooLong",
                "The length of all the messages put together is more than the limit.",
            )
        successful: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        for entry in entries:
            try:
                attributes = check_attributes(entry.get("MessageAttributes"))
                message = check_message(entry.get("Message"), attributes)
                check_subject(entry.get("Subject"))
                per_protocol = check_structure(message, entry.get("MessageStructure"))
            except ServiceError as error:
                failed.append(
                    {"Id": entry["Id"], "Code": error.code, "Message": error.message, "SenderFault": True}
                )
                continue
            message_id = self._accept(topic, message, entry.get("Subject"), attributes, per_protocol)
            successful.append({"Id": entry["Id"], "MessageId": message_id})
        return {"Successful": successful, "Failed": failed}

    # -- for the local cloud ---------------------------------------------------------------------
    def deliver_to(self, topic_arn: str) -> Callable[[Any], None]:
        """A bus target publishing to `topic_arn`: text as it is, anything else as JSON (as EventBridge
        sends a target's input)."""

        def deliver(payload: Any) -> None:
            self.publish(
                TopicArn=topic_arn, Message=payload if isinstance(payload, str) else json.dumps(payload)
            )

        return deliver

    def failures(self) -> list[dict[str, Any]]:
        rows = self._query("SELECT subscription, message_id, error, at FROM failures ORDER BY id")
        return [{"SubscriptionArn": s, "MessageId": m, "Error": e, "At": a} for s, m, e, a in rows]

    def messages(self, topic_arn: str | None = None) -> list[dict[str, Any]]:
        """Every message published (to one topic), oldest first, as stored before delivery."""
        sql = "SELECT id, topic, subject, message, attributes FROM messages"
        rows = (
            self._query(sql + " WHERE topic = ? ORDER BY at", (topic_arn,))
            if topic_arn
            else self._query(sql + " ORDER BY at")
        )
        return [
            {"MessageId": i, "TopicArn": t, "Subject": s, "Message": m, "MessageAttributes": json.loads(a)}
            for i, t, s, m, a in rows
        ]
