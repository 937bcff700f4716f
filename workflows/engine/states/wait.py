"""The Wait state: waits Seconds or until a Timestamp, on the execution's clock."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from workflows.engine import jsonata_eval
from workflows.engine.errors import DefinitionError, ExecutionTimedOut, StatesRuntime
from workflows.engine.io import DataFlow, states_bindings
from workflows.engine.payload import compile_dynamic
from workflows.engine.states.base import State
from workflows.engine.states.choice_rules import parse_timestamp
from workflows.engine.states.common import number_setting

if TYPE_CHECKING:
    from workflows.engine.scope import Scope

_FIELDS = ("Seconds", "SecondsPath", "Timestamp", "TimestampPath")


class WaitState(State):
    type_name = "Wait"

    def __init__(self, name: str, spec: dict[str, Any], query_language: str) -> None:
        super().__init__(name, spec, query_language)
        present = [field for field in _FIELDS if field in spec]
        if len(present) != 1:
            raise DefinitionError(f"state {name!r}: a Wait state needs exactly one of {', '.join(_FIELDS)}")
        self.flow = DataFlow(spec, name, jsonata=self.jsonata, parameters_field=None, result_fields=False)
        self.field = present[0]
        if self.field.startswith("Seconds"):
            self.seconds = number_setting(self, spec, "Seconds", None)
        elif self.field == "TimestampPath":
            self.read_timestamp = compile_dynamic(spec["TimestampPath"], "TimestampPath")
        elif jsonata_eval.is_expression(spec["Timestamp"]):
            evaluate = jsonata_eval.required(
                jsonata_eval.compile_expression(spec["Timestamp"], "Timestamp"), "Timestamp"
            )
            self.read_timestamp = lambda data, scope: evaluate(states_bindings(scope, data))
        else:
            if parse_timestamp(spec["Timestamp"]) is None:
                raise DefinitionError(
                    f"state {name!r}: Timestamp {spec['Timestamp']!r} is not an RFC 3339 "
                    "timestamp such as 2026-01-01T00:00:00Z"
                )
            self.read_timestamp = lambda data, scope: spec["Timestamp"]

    def run(self, scope: Scope, state_input: Any) -> tuple[Any, str | None]:
        effective = state_input if self.jsonata else self.flow.effective_input(state_input, scope)
        now = scope.clock.now()
        if self.field.startswith("Seconds"):
            seconds = float(self.seconds(scope, effective))
        else:
            value = self.read_timestamp(effective, scope)
            moment: datetime | None = parse_timestamp(value)
            if moment is None:
                raise StatesRuntime(
                    f"The {self.field} value {value!r} of state '{self.name}' is not an "
                    "ISO-8601 extended offset date-time string such as 2026-01-01T00:00:00Z"
                )
            seconds = max(0.0, (moment - now).total_seconds())
        deadline = scope.run.deadline
        if deadline is not None and (deadline - now).total_seconds() < seconds:
            scope.clock.sleep((deadline - now).total_seconds())
            raise ExecutionTimedOut
        scope.clock.sleep(seconds)
        if self.jsonata:
            return self.flow.finish(state_input, None, scope), self.next
        return self.flow.finish(effective, effective, scope), self.next
