"""The Wait state: waits Seconds or until a Timestamp, on the execution's clock."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from workflows.engine import jsonata_eval
from workflows.engine.errors import (
    DefinitionError,
    ExecutionTimedOut,
    StatesQueryEvaluationError,
    StatesRuntime,
)
from workflows.engine.history import to_json
from workflows.engine.io import DataFlow, compile_optional_path, states_bindings
from workflows.engine.jsonpath import PathNotFound
from workflows.engine.payload import resolve_path
from workflows.engine.states.base import State
from workflows.engine.states.choice_rules import parse_timestamp
from workflows.validation import fields as F

if TYPE_CHECKING:
    from workflows.engine.scope import Scope

# AWS keeps a wait's delay in a signed 32-bit count of seconds: a timestamp 24,855 days ahead waits, one
# 24,856 days ahead fails the state (recorded AWS executions, see tests/workflow/engine/test_choice_wait.py).
MAX_DELAY_SECONDS = 2**31 - 1


class WaitState(State):
    type_name = "Wait"

    def __init__(self, name: str, spec: dict[str, Any], query_language: str) -> None:
        super().__init__(name, spec, query_language)
        present = [field for field in F.WAIT_FIELDS if field in spec]
        if len(present) != 1:
            raise DefinitionError(
                f"state {name!r}: a Wait state needs exactly one of {', '.join(F.WAIT_FIELDS)}"
            )
        self.flow = DataFlow(spec, name, jsonata=self.jsonata, parameters_field=None, result_fields=False)
        self.field = field = present[0]
        value = spec[field]
        self.source = value if isinstance(value, str) else ""
        if field.endswith("Path"):
            path = compile_optional_path(spec, field, name, reference=True)
            if path is None:
                raise DefinitionError(f"state {name!r}: {field} must be a reference path, not null")
            self.path = path
        elif jsonata_eval.is_expression(value):
            self.expression = jsonata_eval.compile_expression(value, field)
        elif field == "Seconds" and (type(value) is not int or value < 0):
            raise DefinitionError(f"state {name!r}: Seconds must be a non-negative integer, got {value!r}")
        elif field == "Timestamp" and parse_timestamp(value) is None:
            raise DefinitionError(
                f"state {name!r}: Timestamp {value!r} is not an RFC 3339 timestamp like 2026-01-01T00:00:00Z"
            )

    def _value(self, scope: Scope, state_input: Any, effective: Any) -> Any:
        if self.field.endswith("Path"):
            try:
                return resolve_path(self.path, effective, scope)
            except PathNotFound:
                raise StatesRuntime(
                    f"The {self.field} parameter does not reference an input value: {self.source}"
                ) from None
        if hasattr(self, "expression"):
            return self.expression(states_bindings(scope, state_input))
        return self.spec[self.field]

    def _seconds(self, scope: Scope, state_input: Any, effective: Any) -> float:
        """Seconds to wait, with AWS's causes for values that are not usable."""
        value = self._value(scope, state_input, effective)
        described = f"{self.source} == {value if isinstance(value, str) else to_json(value)}"
        if self.field.startswith("Seconds"):
            if type(value) is not int:
                raise StatesRuntime(
                    f"The {self.field} parameter cannot be parsed as a long value: {described}"
                )
            if value < 0:
                raise StatesRuntime(f"The {self.field} parameter references a negative value: {described}")
            seconds = float(value)
        else:
            moment: datetime | None = parse_timestamp(value)
            if moment is None and self.field == "TimestampPath":
                raise StatesRuntime(
                    f"The {self.field} parameter does not reference a valid ISO-8601 extended offset "
                    f"date-time format string: {described}"
                )
            if moment is None:  # a JSONata Timestamp (a literal one was checked with the definition)
                shown = value if isinstance(value, str) else to_json(value)
                raise StatesQueryEvaluationError(
                    "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format "
                    f"string: {shown}"
                )
            seconds = max(0.0, (moment - scope.clock.now()).total_seconds())
        if seconds > MAX_DELAY_SECONDS:
            raise StatesRuntime("Wait state delay is too long.")
        return seconds

    def run(self, scope: Scope, state_input: Any) -> tuple[Any, str | None]:
        effective = state_input if self.jsonata else self.flow.effective_input(state_input, scope)
        seconds = self._seconds(scope, state_input, effective)
        now = scope.clock.now()
        deadline = scope.run.deadline
        if deadline is not None and (deadline - now).total_seconds() < seconds:
            scope.clock.sleep((deadline - now).total_seconds())
            raise ExecutionTimedOut
        scope.clock.sleep(seconds)
        if self.jsonata:
            return self.flow.finish(state_input, None, scope), self.next
        return self.flow.finish(effective, effective, scope), self.next
