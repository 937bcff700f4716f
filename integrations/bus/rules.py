"""Rules and targets as PutRule and PutTargets accept them, validated with AWS's limits and errors."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from integrations.bus.transform import TargetInput
from integrations.errors import ServiceError
from integrations.patterns import EventPattern, compile_pattern

# Delivers one payload. The targets of one event may be handed the same objects: a deliverer reads its
# payload and does not change it.
Deliver = Callable[[Any], None]
# ARN -> what delivering to it means in this process, or None where it cannot be reached from here.
TargetResolver = Callable[[str], Deliver | None]
MAX_TARGETS_PER_RULE = 5
MAX_PATTERN_CHARS = 4096
_RULE_NAME = re.compile(r"^[\.\-_A-Za-z0-9]{1,64}$")
_TARGET_ID = re.compile(r"^[\.\-_A-Za-z0-9]{1,64}$")
STATES = ("ENABLED", "DISABLED")


def validation(message: str) -> ServiceError:
    return ServiceError("events", "ValidationException", message)


def check_pattern_length(text: str) -> None:
    """PutRule and CreateArchive take an EventPattern of at most 4096 characters."""
    if len(text) > MAX_PATTERN_CHARS:
        raise validation(
            "1 validation error detected: Value at 'eventPattern' failed to satisfy constraint: "
            f"Member must have length less than or equal to {MAX_PATTERN_CHARS}"
        )


@dataclass(frozen=True)
class RetryPolicy:
    """How long and how often a failed delivery is retried (AWS defaults: 185 attempts, 24 hours)."""

    maximum_retry_attempts: int = 185
    maximum_event_age: int = 86400

    @classmethod
    def from_api(cls, policy: Mapping[str, Any] | None) -> RetryPolicy:
        policy = policy or {}
        attempts = policy.get("MaximumRetryAttempts", 185)
        age = policy.get("MaximumEventAgeInSeconds", 86400)
        if not isinstance(attempts, int) or isinstance(attempts, bool) or not 0 <= attempts <= 185:
            raise validation(
                f"1 validation error detected: Value '{attempts}' at 'retryPolicy.maximumRetryAttempts' "
                "failed to satisfy constraint: Member must have value between 0 and 185"
            )
        if not isinstance(age, int) or isinstance(age, bool) or not 60 <= age <= 86400:
            raise validation(
                f"1 validation error detected: Value '{age}' at 'retryPolicy.maximumEventAgeInSeconds' "
                "failed to satisfy constraint: Member must have value between 60 and 86400"
            )
        return cls(attempts, age)


@dataclass
class Target:
    """One target of a rule: where (Arn), what (its input) and how to retry, as PutTargets gives it."""

    id: str
    arn: str
    input: TargetInput
    retry_policy: RetryPolicy
    dead_letter_arn: str | None
    definition: dict[str, Any]  # the PutTargets member, as stored and described

    @classmethod
    def from_api(cls, member: Mapping[str, Any], position: int = 1) -> Target:
        target_id, arn = member.get("Id"), member.get("Arn")
        if not isinstance(target_id, str) or not _TARGET_ID.match(target_id):
            raise validation(_target_id_problems(target_id, position))
        if not isinstance(arn, str) or not arn:
            raise validation(f"Parameter Arn of target {target_id} is required.")
        dead_letter = (member.get("DeadLetterConfig") or {}).get("Arn")
        definition = dict(member)
        json.dumps(definition)  # a target definition must be storable as JSON
        return cls(
            id=target_id,
            arn=arn,
            input=TargetInput(
                member.get("Input"), member.get("InputPath"), member.get("InputTransformer"), target_id
            ),
            retry_policy=RetryPolicy.from_api(member.get("RetryPolicy")),
            dead_letter_arn=dead_letter,
            definition=definition,
        )


def _target_id_problems(target_id: Any, position: int) -> str:
    """PutTargets' words for a bad target Id (AWS's recorded answers), every broken constraint listed."""
    where = f"Value '{target_id}' at 'targets.{position}.member.id' failed to satisfy constraint: "
    text = target_id if isinstance(target_id, str) else ""
    problems = []
    if not re.fullmatch(r"[\.\-_A-Za-z0-9]+", text):
        problems.append(where + "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+")
    if len(text) > 64:
        problems.append(where + "Member must have length less than or equal to 64")
    if not text:
        problems.append(where + "Member must have length greater than or equal to 1")
    count = f"{len(problems)} validation error{'s' if len(problems) > 1 else ''} detected: "
    return count + "; ".join(problems)


@dataclass
class Rule:
    name: str
    arn: str
    pattern_text: str
    pattern: EventPattern
    state: str = "ENABLED"
    description: str = ""
    targets: dict[str, Target] = field(default_factory=dict)

    @property
    def enabled(self) -> bool:
        return self.state == "ENABLED"

    @classmethod
    def from_api(cls, name: Any, pattern: Any, state: Any, description: Any, arn: str) -> Rule:
        if not isinstance(name, str) or not _RULE_NAME.match(name):
            raise validation(f"Parameter Name is not valid: {name!r} (1-64 of . - _ A-Z a-z 0-9).")
        if state not in STATES:
            raise validation(f"Parameter State is not valid: {state!r} (ENABLED or DISABLED).")
        if pattern is None:
            raise validation("Parameter EventPattern is required (schedule expressions are not supported).")
        text = pattern if isinstance(pattern, str) else json.dumps(pattern)
        check_pattern_length(text)
        return cls(name, arn, text, compile_pattern(text), state, str(description or ""))

    def describe(self, bus_name: str) -> dict[str, Any]:
        return {
            "Name": self.name,
            "Arn": self.arn,
            "EventPattern": self.pattern_text,
            "State": self.state,
            "Description": self.description,
            "EventBusName": bus_name,
        }
