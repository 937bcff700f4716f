"""Delivering matched events to targets: worker thread(s), retries with backoff, the dead-letter queue.

A delivery is a row in `deliveries` until its target accepts it; then the row is deleted. A failure is
retried with exponential backoff and jitter (on the bus's injectable clock) until the target's
RetryPolicy runs out (MaximumRetryAttempts, MaximumEventAgeInSeconds); then, or at once for an error that
retrying cannot fix, the event goes to the dead-letter table with the attributes AWS adds to a DLQ
message. Rows are only claimed for targets whose resource is registered in this process, so a CLI that
queues deliveries (a replay) never delivers them itself.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from integrations.bus.clock import Clock
from integrations.bus.envelope import format_time
from integrations.bus.rules import Rule, Target, TargetResolver
from integrations.bus.store import Store
from integrations.bus.transform import DeliveryContext
from integrations.errors import ServiceError

LOG = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 300.0
BATCH = 64


@lru_cache(maxsize=256)
def _ingestion_time(second: int) -> str:
    """The `<aws.events.event.ingestion-time>` of a delivery (whole seconds): every delivery attempt
    names one, and the events of a burst share their few seconds."""
    return format_time(datetime.fromtimestamp(second, UTC))


@dataclass
class _Row:
    id: int
    rule: str
    target: str
    event: str
    ingested: float
    attempts: int


@dataclass
class _Outcome:
    row: _Row
    error: BaseException | None = None
    code: str = ""
    exhausted: str | None = None  # set when the delivery goes to the dead-letter queue
    skipped: bool = False  # the target went away since the row was claimed: leave the row pending
    target: Target | None = None
    rule_arn: str = ""


def error_code(error: BaseException) -> str:
    """The ERROR_CODE EventBridge would report for a target failure."""
    if isinstance(error, ServiceError):
        if "Throttl" in error.code or error.code == "TooManyRequestsException":
            return "THROTTLING"
        if "NotFound" in error.code or error.code.startswith("NoSuch"):
            return "NO_RESOURCE"
        if "AccessDenied" in error.code or "NotAuthorized" in error.code:
            return "NO_PERMISSIONS"
        return "SDK_CLIENT_ERROR"
    if isinstance(error, TimeoutError):
        return "TIMEOUT"
    return "SDK_CLIENT_ERROR"


def _retryable(error: BaseException) -> bool:
    return not isinstance(error, ServiceError) or error.retryable


class Dispatcher:
    """Delivers pending rows of one bus's store to the targets its rules name."""

    def __init__(
        self,
        store: Store,
        rules: dict[str, Rule],
        resolve: TargetResolver,
        clock: Clock,
        rng: random.Random,
    ) -> None:
        self._store = store
        self._rules = rules
        self._resolve = resolve
        self._clock = clock
        self._rng = rng
        self._inflight: set[int] = set()
        self._claim_lock = threading.Lock()
        self._wake = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._stopping = False
        self.delivered = 0  # deliveries accepted by their targets, in this process

    # -- which rows can be delivered here ---------------------------------------------------------
    def _deliverable(self) -> list[tuple[str, str]]:
        pairs = []
        for rule in list(self._rules.values()):
            for target in list(rule.targets.values()):
                if self._resolve(target.arn) is not None:
                    pairs.append((rule.name, target.id))
        return pairs

    def _deliverable_clause(self) -> tuple[str, list[Any]] | None:
        """SQL restricting rows to (rule, target) pairs this process can deliver, or None if none."""
        pairs = self._deliverable()
        if not pairs:
            return None
        parameters: list[Any] = []
        for pair in pairs:
            parameters.extend(pair)
        return f"(rule, target) IN (VALUES {','.join('(?,?)' for _ in pairs)})", parameters

    def _due_rows(self, limit: int, skip: set[int]) -> list[_Row]:
        clause = self._deliverable_clause()
        if clause is None:
            return []
        rows = self._store.query(
            "SELECT id, rule, target, event, ingested, attempts FROM deliveries "
            f"WHERE due <= ? AND {clause[0]} ORDER BY due, id LIMIT ?",
            [self._clock.now(), *clause[1], limit + len(skip)],
        )
        # The first `limit` not in flight: rows in flight come back too (a worker's whole batch can be).
        due: list[_Row] = []
        for row in rows:
            if row[0] not in skip:
                due.append(_Row(*row))
                if len(due) == limit:
                    break
        return due

    def count(self, *, deliverable_only: bool, due_only: bool) -> int:
        conditions: list[str] = []
        parameters: list[Any] = []
        if deliverable_only:
            clause = self._deliverable_clause()
            if clause is None:
                return 0
            conditions.append(clause[0])
            parameters.extend(clause[1])
        if due_only:
            conditions.append("due <= ?")
            parameters.append(self._clock.now())
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        ((count,),) = self._store.query(f"SELECT COUNT(*) FROM deliveries{where}", parameters)
        return count

    def _claim(self, limit: int = BATCH) -> list[_Row]:
        with self._claim_lock:
            rows = self._due_rows(limit, self._inflight)
            self._inflight.update(row.id for row in rows)
            return rows

    def has_due(self) -> bool:
        with self._claim_lock:
            return bool(self._inflight) or bool(self._due_rows(1, self._inflight))

    # -- delivering ------------------------------------------------------------------------------
    def _attempt(self, row: _Row, parsed: dict[str, Any]) -> _Outcome:
        """One delivery; `parsed` holds the events already read in this batch, by their text."""
        rule = self._rules.get(row.rule)
        target = rule.targets.get(row.target) if rule else None
        deliver = self._resolve(target.arn) if target else None
        if rule is None or target is None or deliver is None:
            return _Outcome(row, skipped=True)
        event = parsed.get(row.event)
        if event is None:
            event = parsed[row.event] = json.loads(row.event)
        if self._clock.now() - row.ingested > target.retry_policy.maximum_event_age:
            expired = TimeoutError("The event is older than the target's MaximumEventAgeInSeconds.")
            return _Outcome(
                row, expired, "TIMEOUT", "MaximumEventAgeInSeconds", target=target, rule_arn=rule.arn
            )
        context = DeliveryContext(rule.name, rule.arn, _ingestion_time(int(row.ingested)))
        try:
            deliver(target.input.render(event, context))
        except Exception as error:  # a target may fail any way it likes; we record how
            outcome = _Outcome(row, error, error_code(error), target=target, rule_arn=rule.arn)
            if not _retryable(error):
                outcome.exhausted = "NonRetryableError"
            elif row.attempts + 1 > target.retry_policy.maximum_retry_attempts:
                outcome.exhausted = "MaximumRetryAttempts"
            return outcome
        return _Outcome(row)

    def _backoff(self, attempts: int) -> float:
        base = min(2.0 ** (attempts - 1), MAX_BACKOFF_SECONDS)
        return base * (0.5 + self._rng.random() / 2)

    def _record(self, outcome: _Outcome) -> None:
        """Record one delivery's outcome (a skipped one stays pending as it is)."""
        if outcome.skipped:
            return
        row, now = outcome.row, self._clock.now()
        # A dead letter must not be lost; a delivered row's removal or a retry's new due time may be (the
        # delivery is then made again), so those cost no disk flush.
        with self._store.transaction(durable=outcome.exhausted is not None) as db:
            if outcome.error is None:
                db.execute("DELETE FROM deliveries WHERE id = ?", (row.id,))
            elif outcome.exhausted:
                self._dead_letter(db, row, outcome, now)
                db.execute("DELETE FROM deliveries WHERE id = ?", (row.id,))
            else:
                db.execute(
                    "UPDATE deliveries SET attempts = ?, due = ?, last_error = ? WHERE id = ?",
                    (row.attempts + 1, now + self._backoff(row.attempts + 1), str(outcome.error), row.id),
                )
        if outcome.error is None:
            self.delivered += 1

    def _dead_letter(self, db: Any, row: _Row, outcome: _Outcome, now: float) -> None:
        target = outcome.target
        if target is None:  # every failed outcome carries its target; this keeps the type checker honest
            raise RuntimeError(f"delivery {row.id} failed without a target")
        attempted = row.attempts + (0 if outcome.exhausted == "MaximumEventAgeInSeconds" else 1)
        attributes = {
            "ERROR_CODE": outcome.code,
            "ERROR_MESSAGE": str(outcome.error),
            "EXHAUSTED_RETRY_CONDITION": outcome.exhausted,
            "RETRY_ATTEMPTS": str(max(attempted - 1, 0)),
            "RULE_ARN": outcome.rule_arn,
            "TARGET_ARN": target.arn,
        }
        db.execute(
            "INSERT INTO dead_letters (queue, body, attributes, at) VALUES (?, ?, ?, ?)",
            (target.dead_letter_arn, row.event, json.dumps(attributes), now),
        )

    def process(self, rows: list[_Row]) -> None:
        try:
            # Each outcome is recorded as soon as its target answers: a crash later in the batch must not
            # deliver again what a target had already accepted (a second row in the data lake, say).
            # An event's targets are claimed together and read it once (deliverers do not change it).
            parsed: dict[str, Any] = {}
            for row in rows:
                self._record(self._attempt(row, parsed))
        finally:
            with self._claim_lock:
                self._inflight.difference_update(row.id for row in rows)
            with self._wake:
                self._wake.notify_all()

    def drain(self) -> int:
        """Deliver everything due now on the calling thread; the number of accepted deliveries."""
        before = self.delivered
        while rows := self._claim():
            self.process(rows)
        return self.delivered - before

    # -- background workers ----------------------------------------------------------------------
    def start(self, workers: int, poll_seconds: float) -> None:
        if self._threads:
            return
        self._stopping = False
        for number in range(workers):
            thread = threading.Thread(
                target=self._run, args=(poll_seconds,), name=f"bus-delivery-{number}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def _run(self, poll_seconds: float) -> None:
        while not self._stopping:
            try:
                rows = self._claim()
                if rows:
                    self.process(rows)
                    continue
            except Exception:  # the store itself failed (disk full, locked too long): keep the worker alive
                LOG.exception("bus delivery worker: retrying after an unexpected error")
            with self._wake:
                if not self._stopping:
                    # Woken by PutEvents; the timeout picks up retries falling due and other processes' rows.
                    self._wake.wait(poll_seconds)

    def notify(self) -> None:
        with self._wake:
            self._wake.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait (real time) until nothing is due or in flight; False if `timeout` passed first."""
        deadline = time.monotonic() + timeout
        while self.has_due():
            if not self._threads:
                self.drain()
                continue
            if time.monotonic() >= deadline:
                return False
            with self._wake:
                self._wake.notify_all()
                self._wake.wait(0.02)
        return True

    def stop(self) -> None:
        self._stopping = True
        self.notify()
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads.clear()
