"""The local EventBridge event bus: PutEvents, rules and targets, archives and replays, durable delivery.

    bus = EventBus("Plumbing", directory=folder, targets=account.deliverer)  # what an ARN means locally
    bus.put_rule(Name="alerts", EventPattern={"detail-type": ["MESSAGE_ANALYSED"]})
    bus.put_targets(Rule="alerts", Targets=[{"Id": "sns", "Arn": "arn:aws:sns:...:alerts"}])
    bus.start()                                                       # worker thread(s), or bus.drain()
    bus.put_events(Entries=[{"Source": "BOT", "DetailType": "...", "Detail": "{...}"}])

Methods take and return the EventBridge API's own members. Each PutEvents call commits its events to
the journal (and archives) and queues their deliveries in one SQLite transaction before it answers.
Rule and target definitions are stored too, so another process (the `sma replay` command) can queue
replays; only a process that can resolve a target's ARN delivers to it.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from integrations.bus.archive import Archives, Progress
from integrations.bus.clock import Clock, SystemClock
from integrations.bus.delivery import Dispatcher
from integrations.bus.envelope import BusIdentity, EntryError, addressed_here, build_event, validate_request
from integrations.bus.rules import MAX_TARGETS_PER_RULE, Deliver, Rule, Target, TargetResolver, validation
from integrations.bus.store import Store
from integrations.errors import ServiceError
from integrations.identity import DEFAULT_ACCOUNT_ID, DEFAULT_REGION
from integrations.unicode_text import json_text

LOG = logging.getLogger(__name__)
# How long a call's answer is kept for a run again of its execution: as long as the bot's idempotency
# records. A cloud that stays stopped longer after a crash publishes again what its runs again publish.
CALL_RETENTION_DAYS = 7


class EventBus:
    """One event bus with its durable store under `directory` (the caller's: nothing here picks a folder)."""

    def __init__(
        self,
        name: str = "default",
        *,
        directory: Path,
        account: str = DEFAULT_ACCOUNT_ID,
        region: str = DEFAULT_REGION,
        clock: Clock | None = None,
        synchronous: str = "FULL",
        rng: random.Random | None = None,
        targets: TargetResolver | None = None,
    ) -> None:
        self.identity = BusIdentity(name, account, region)
        directory.mkdir(parents=True, exist_ok=True)
        self.clock = clock or SystemClock()
        self.store = Store(directory / f"{name}.sqlite3", synchronous)
        self._rules: dict[str, Rule] = {}
        # What delivering to an ARN means in this process: the account's resolver (the local cloud's),
        # or the ARNs registered by hand. A process with neither (`sma replay`) queues but never delivers.
        self._resolver = targets
        self._registered: dict[str, Deliver] = {}
        self._load_rules()
        self.archives = Archives(self.store, self.identity)
        self._dispatcher = Dispatcher(
            self.store, self._rules, self._target, self.clock, rng or random.Random()
        )

    @property
    def name(self) -> str:
        return self.identity.name

    @property
    def arn(self) -> str:
        return self.identity.arn

    def _load_rules(self) -> None:
        """The stored rules and targets; one this version no longer accepts is skipped (and said so)
        rather than keeping the whole bus from opening."""
        for name, pattern, state, description in self.store.query(
            "SELECT name, pattern, state, description FROM rules"
        ):
            try:
                self._rules[name] = Rule.from_api(
                    name, pattern, state, description, self.identity.rule_arn(name)
                )
            except ServiceError as error:
                LOG.warning("bus %s: stored rule %s skipped: %s", self.name, name, error.message)
        for rule_name, target_id, definition in self.store.query("SELECT rule, id, definition FROM targets"):
            if rule_name in self._rules:
                try:
                    target = Target.from_api(json.loads(definition))
                except ServiceError as error:
                    LOG.warning(
                        "bus %s: stored target %s/%s skipped: %s",
                        self.name,
                        rule_name,
                        target_id,
                        error.message,
                    )
                    continue
                self._rules[rule_name].targets[target.id] = target

    # -- rules and targets -----------------------------------------------------------------------
    def put_rule(
        self,
        Name: str,
        EventPattern: dict[str, Any] | str | None = None,
        State: str = "ENABLED",
        Description: str = "",
        EventBusName: str | None = None,
    ) -> dict[str, str]:
        self._check_bus(EventBusName)
        rule = Rule.from_api(Name, EventPattern, State, Description, self.identity.rule_arn(str(Name)))
        with self.store.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO rules (name, pattern, state, description) VALUES (?, ?, ?, ?)",
                (rule.name, rule.pattern_text, rule.state, rule.description),
            )
        previous = self._rules.get(rule.name)
        if previous:
            rule.targets = previous.targets
        self._rules[rule.name] = rule
        return {"RuleArn": rule.arn}

    def _rule(self, name: str) -> Rule:
        rule = self._rules.get(name)
        if rule is None:
            raise ServiceError(
                "events", "ResourceNotFoundException", f"Rule {name} does not exist on EventBus {self.name}."
            )
        return rule

    def _check_bus(self, bus_name: str | None) -> None:
        if bus_name not in (None, "", self.name, self.arn):
            raise ServiceError("events", "ResourceNotFoundException", f"Event bus {bus_name} does not exist.")

    def describe_rule(self, Name: str, EventBusName: str | None = None) -> dict[str, Any]:
        self._check_bus(EventBusName)
        return self._rule(Name).describe(self.name)

    def list_rules(self) -> dict[str, list[dict[str, Any]]]:
        return {"Rules": [self._rules[name].describe(self.name) for name in sorted(self._rules)]}

    def _set_state(self, name: str, state: str) -> None:
        rule = self._rule(name)
        with self.store.transaction() as db:
            db.execute("UPDATE rules SET state = ? WHERE name = ?", (state, name))
        rule.state = state

    def enable_rule(self, Name: str) -> None:
        self._set_state(Name, "ENABLED")

    def disable_rule(self, Name: str) -> None:
        self._set_state(Name, "DISABLED")

    def delete_rule(self, Name: str) -> None:
        rule = self._rule(Name)
        if rule.targets:
            raise validation("Rule can't be deleted since it has targets.")
        with self.store.transaction() as db:
            db.execute("DELETE FROM rules WHERE name = ?", (Name,))
        del self._rules[Name]

    def put_targets(
        self, Rule: str, Targets: list[Mapping[str, Any]], EventBusName: str | None = None
    ) -> dict[str, Any]:
        """Add or replace targets (PutTargets); what each ARN means is the bus's resolver's business."""
        self._check_bus(EventBusName)
        rule = self._rule(Rule)
        parsed = [Target.from_api(member, position) for position, member in enumerate(Targets, 1)]
        if len({target.id for target in parsed} | set(rule.targets)) > MAX_TARGETS_PER_RULE:
            raise ServiceError(
                "events",
                "LimitExceededException",
                "The requested resource exceeds the maximum number allowed.",
            )
        with self.store.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO targets (rule, id, definition) VALUES (?, ?, ?)",
                [(rule.name, target.id, json.dumps(target.definition)) for target in parsed],
            )
        for target in parsed:
            rule.targets[target.id] = target
        self._dispatcher.notify()
        return {"FailedEntryCount": 0, "FailedEntries": []}

    def remove_targets(self, Rule: str, Ids: Iterable[str]) -> dict[str, Any]:
        rule = self._rule(Rule)
        ids = list(Ids)
        with self.store.transaction() as db:
            db.executemany("DELETE FROM targets WHERE rule = ? AND id = ?", [(rule.name, i) for i in ids])
        for target_id in ids:
            rule.targets.pop(target_id, None)
        return {"FailedEntryCount": 0, "FailedEntries": []}

    def list_targets_by_rule(self, Rule: str, EventBusName: str | None = None) -> dict[str, Any]:
        self._check_bus(EventBusName)
        return {"Targets": [target.definition for target in self._rule(Rule).targets.values()]}

    def register_target(self, arn: str, deliver: Deliver) -> None:
        """Say what delivering to `arn` means in this process, for a bus without an account's resolver
        (tests, benchmarks); the local cloud resolves every ARN through its account instead."""
        self._registered[arn] = deliver
        self._dispatcher.notify()

    def _target(self, arn: str) -> Deliver | None:
        registered = self._registered.get(arn)
        if registered is not None or self._resolver is None:
            return registered
        return self._resolver(arn)

    # -- events ----------------------------------------------------------------------------------
    def _deliveries_for(
        self, event: dict[str, Any], allowed: frozenset[str] | None = None
    ) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        for rule in list(self._rules.values()):
            if rule.enabled and (allowed is None or rule.name in allowed) and rule.pattern.matches(event):
                pairs.extend((rule.name, target_id) for target_id in rule.targets)
        return pairs

    def put_events(self, Entries: list[Mapping[str, Any]], *, call_id: str | None = None) -> dict[str, Any]:
        """PutEvents: returns {"FailedEntryCount", "Entries"} after the accepted events are committed.

        `call_id` is not AWS's: the local Step Functions names each task's call with it (`TaskInvocation.
        call_id`). It is committed with the events, and the same call made again (an execution a crash
        of the local cloud interrupted, run again from its start) gets the first call's answer and adds
        no event: the crash is the local cloud's, which AWS never has, so it must not publish twice what
        AWS would have published once."""
        entries = validate_request(Entries)
        now = self.clock.now()
        moment = datetime.fromtimestamp(now, UTC)
        results: list[dict[str, str]] = []
        accepted: list[tuple[dict[str, Any], str, list[str], list[tuple[str, str]]]] = []
        for entry in entries:
            try:
                event = build_event(entry, self.identity, moment)
            except EntryError as error:
                results.append({"ErrorCode": error.code, "ErrorMessage": error.message})
                continue
            if not addressed_here(entry, self.identity):
                LOG.warning(
                    "bus %s: entry for event bus %s dropped, as AWS drops it",
                    self.name,
                    entry["EventBusName"],
                )
                results.append({"EventId": event["id"]})
                continue
            text = json_text(event)
            accepted.append((event, text, self.archives.holding(event), self._deliveries_for(event)))
            results.append({"EventId": event["id"]})
        failed = sum(1 for result in results if "ErrorCode" in result)
        response = {"FailedEntryCount": failed, "Entries": results}
        if accepted:
            with self.store.transaction() as db:
                if call_id is not None:
                    first = db.execute("SELECT response FROM calls WHERE id = ?", (call_id,)).fetchone()
                    if first is not None:
                        db.execute("UPDATE calls SET repeats = repeats + 1 WHERE id = ?", (call_id,))
                        return cast(dict[str, Any], json.loads(first[0]))
                    db.execute(
                        "INSERT INTO calls (id, response, at) VALUES (?, ?, ?)",
                        (call_id, json_text(response), now),
                    )
                for event, text, archives, deliveries in accepted:
                    seq = db.execute(
                        "INSERT INTO events (id, time, ingested, body) VALUES (?, ?, ?, ?)",
                        (event["id"], event["time"], now, text),
                    ).lastrowid
                    db.executemany(
                        "INSERT INTO archive_events (archive, seq) VALUES (?, ?)",
                        [(a, seq) for a in archives],
                    )
                    db.executemany(
                        "INSERT INTO deliveries (rule, target, event, ingested, due) VALUES (?, ?, ?, ?, ?)",
                        [(rule, target, text, now, now) for rule, target in deliveries],
                    )
            self._dispatcher.notify()
        return response

    def put_event(self, source: str, detail_type: str, detail: Mapping[str, Any]) -> str:
        """Convenience for one event; returns its id or raises the entry's error as a ServiceError."""
        response = self.put_events(
            Entries=[{"Source": source, "DetailType": detail_type, "Detail": json.dumps(detail)}]
        )
        result = response["Entries"][0]
        if "ErrorCode" in result:
            raise ServiceError("events", result["ErrorCode"], result["ErrorMessage"])
        return result["EventId"]

    # -- archives and replays --------------------------------------------------------------------
    def create_archive(
        self,
        ArchiveName: str,
        EventSourceArn: str | None = None,
        EventPattern: dict[str, Any] | str | None = None,
        RetentionDays: int = 0,
        Description: str = "",
    ) -> dict[str, Any]:
        self._check_bus(EventSourceArn)
        return self.archives.create(ArchiveName, EventPattern, RetentionDays, Description, self.clock.now())

    def describe_archive(self, ArchiveName: str) -> dict[str, Any]:
        return self.archives.describe(ArchiveName)

    def list_archives(self) -> dict[str, Any]:
        listed = (
            "ArchiveName",
            "EventSourceArn",
            "State",
            "RetentionDays",
            "SizeBytes",
            "EventCount",
            "CreationTime",
        )
        archives = [self.archives.describe(name) for name in sorted(self.archives.by_name)]
        return {"Archives": [{key: archive[key] for key in listed} for archive in archives]}

    def delete_archive(self, ArchiveName: str) -> None:
        self.archives.delete(ArchiveName)

    def start_replay(
        self,
        *,
        ReplayName: str,
        EventSourceArn: str,
        EventStartTime: Any,
        EventEndTime: Any,
        Destination: Mapping[str, Any] | None = None,
        Description: str = "",
        progress: Progress | None = None,
    ) -> dict[str, Any]:
        """Replay an archive's events (EventSourceArn: its ARN or name) in [start, end) to current rules;
        Destination.FilterArns restricts the replay to those rules."""
        del Description
        destination = dict(Destination or {})
        self._check_bus(destination.get("Arn"))
        allowed = None
        if destination.get("FilterArns"):
            allowed = [self._rule(arn.rsplit("/", 1)[-1]).name for arn in destination["FilterArns"]]
        response = self.archives.start_replay(
            ReplayName,
            EventSourceArn,
            (EventStartTime, EventEndTime),
            allowed,
            match=self._deliveries_for,
            now=self.clock.now(),
            progress=progress,
        )
        self._dispatcher.notify()
        return response

    def describe_replay(self, ReplayName: str) -> dict[str, Any]:
        return self.archives.describe_replay(ReplayName)

    def purge_expired(self, journal_days: float = 1.0) -> int:
        """Apply archive retention, trim the journal of unarchived events older than `journal_days`, and
        forget the calls answered more than CALL_RETENTION_DAYS ago."""
        now = self.clock.now()
        with self.store.transaction(durable=False) as db:
            db.execute("DELETE FROM calls WHERE at < ?", (now - CALL_RETENTION_DAYS * 86400,))
        return self.archives.purge(now, journal_days)

    def calls_made_again(self) -> int:
        """How many PutEvents calls were made again and answered with their first answer (runs again of
        executions a crash interrupted), among the call ids still kept."""
        return int(self.store.query("SELECT COALESCE(SUM(repeats), 0) FROM calls")[0][0])

    def journal(self, since_seq: int = 0) -> list[dict[str, Any]]:
        """Every event the bus accepted (that retention has not removed), oldest first."""
        rows = self.store.query("SELECT body FROM events WHERE seq > ? ORDER BY seq", (since_seq,))
        return [json.loads(body) for (body,) in rows]

    # -- delivery --------------------------------------------------------------------------------
    def start(self, workers: int = 1, poll_seconds: float = 0.2) -> None:
        """Deliver in the background on `workers` threads (idempotent); apply archive retention first,
        as EventBridge expires archived events by itself."""
        self.purge_expired()
        self._dispatcher.start(workers, poll_seconds)

    def drain(self) -> int:
        """Deliver everything due now on this thread; the number of deliveries targets accepted."""
        return self._dispatcher.drain()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is due or in flight (retries scheduled for later do not count)."""
        return self._dispatcher.wait_idle(timeout)

    def pending(self, *, deliverable_only: bool = False, due_only: bool = False) -> int:
        """Deliveries not yet accepted by their target: all of them, or only those this process has a
        registered target for (`deliverable_only`) and/or that are due now rather than waiting for a
        retry (`due_only`)."""
        return self._dispatcher.count(deliverable_only=deliverable_only, due_only=due_only)

    def dead_letters(self, queue_arn: str | None = None) -> list[dict[str, Any]]:
        """Dead-lettered events: {"Queue", "Body" (the event), "Attributes" (ERROR_CODE, ...)}."""
        sql = "SELECT queue, body, attributes FROM dead_letters"
        rows = (
            self.store.query(sql + " WHERE queue = ? ORDER BY id", (queue_arn,))
            if queue_arn
            else (self.store.query(sql + " ORDER BY id"))
        )
        return [{"Queue": q, "Body": json.loads(b), "Attributes": json.loads(a)} for q, b, a in rows]

    def close_dispatcher(self) -> None:
        """Deliver no more (what is queued stays queued, durably); PutEvents still works."""
        self._dispatcher.stop()

    def close(self) -> None:
        self._dispatcher.stop()
        self.store.close()

    def __enter__(self) -> EventBus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
