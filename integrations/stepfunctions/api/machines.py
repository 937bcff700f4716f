"""State machines: created, described, updated, listed and deleted, kept in memory as Step Functions
Local keeps them (a restart starts empty)."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from integrations.stepfunctions.api.errors import ApiError, invalid_definition, machine_missing
from workflows.engine import DefinitionError, compile_definition
from workflows.engine.execution import _check_express as check_express
from workflows.validation import validate

DEFAULT_LOGGING: dict[str, Any] = {"level": "OFF", "includeExecutionData": False}
DEFAULT_TRACING: dict[str, Any] = {"enabled": False}


@dataclass(frozen=True)
class StateMachine:
    arn: str
    name: str
    definition: str
    role_arn: str
    type: str
    created: datetime
    logging: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_LOGGING))
    tracing: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_TRACING))
    revision_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    description: str | None = None

    def describe(self) -> dict[str, Any]:
        described = {
            "stateMachineArn": self.arn,
            "name": self.name,
            "status": "ACTIVE",
            "definition": self.definition,
            "roleArn": self.role_arn,
            "type": self.type,
            "creationDate": self.created,
            "loggingConfiguration": self.logging,
            "tracingConfiguration": self.tracing,
            "revisionId": self.revision_id,
        }
        if self.description is not None:
            described["description"] = self.description
        return described


def definition_problems(definition: str, machine_type: str = "STANDARD") -> list[tuple[str, str]]:
    """(location, message) of every error AWS's validator would report; empty when it is valid."""
    problems = [
        (problem.pointer or "/", problem.message) for problem in validate(definition) if problem.is_error
    ]
    if problems or machine_type != "EXPRESS":
        return problems
    try:
        compiled = compile_definition(definition)
    except DefinitionError:
        # What validate() accepts but the engine cannot run (a Distributed Map's ItemReader, say) is a
        # definition AWS accepts: it is created, and its executions fail saying why.
        return []
    try:
        check_express(compiled)  # the engine's own check: Express refuses .sync and .waitForTaskToken
    except DefinitionError as error:
        return [("/", str(error))]
    return []


def check_definition(definition: str, machine_type: str) -> None:
    problems = definition_problems(definition, machine_type)
    if problems:
        location, message = problems[0]
        raise invalid_definition(f"SCHEMA_VALIDATION_FAILED: {message} at {location}")


class StateMachines:
    def __init__(self) -> None:
        self._machines: dict[str, StateMachine] = {}
        self._lock = threading.Lock()

    def create(self, machine: StateMachine) -> tuple[StateMachine, bool]:
        """The machine and whether it is new; creating the same machine again returns the first."""
        with self._lock:
            existing = self._machines.get(machine.arn)
            if existing is None:
                self._machines[machine.arn] = machine
                return machine, True
        same = (existing.definition, existing.role_arn, existing.type) == (
            machine.definition,
            machine.role_arn,
            machine.type,
        )
        if not same:
            raise ApiError("StateMachineAlreadyExists", f"State Machine Already Exists: '{machine.arn}'")
        return existing, False

    def get(self, arn: str) -> StateMachine:
        machine = self._machines.get(arn)
        if machine is None:
            raise machine_missing(arn)
        return machine

    def update(self, arn: str, **changes: Any) -> StateMachine:
        with self._lock:
            machine = self.get(arn)
            updated = replace(machine, revision_id=str(uuid.uuid4()), **changes)
            self._machines[arn] = updated
            return updated

    def delete(self, arn: str) -> None:
        with self._lock:
            self._machines.pop(arn, None)

    def all(self) -> list[StateMachine]:
        return sorted(self._machines.values(), key=lambda machine: machine.created)


def now() -> datetime:
    return datetime.now(UTC)


__all__ = ["StateMachine", "StateMachines", "check_definition", "definition_problems", "now"]
