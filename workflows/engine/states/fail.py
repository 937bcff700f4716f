"""The Fail state: stops with an error name and cause (static, from a path or intrinsic, or JSONata)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from workflows.engine import jsonata_eval
from workflows.engine.errors import DefinitionError, StatesRuntime, WorkflowError
from workflows.engine.io import states_bindings
from workflows.engine.payload import compile_dynamic
from workflows.engine.states.base import State

if TYPE_CHECKING:
    from workflows.engine.scope import Scope


class FailState(State):
    type_name = "Fail"
    transitions = False

    def __init__(self, name: str, spec: dict[str, Any], query_language: str) -> None:
        super().__init__(name, spec, query_language)
        self.error = self._field(spec, "Error")
        self.cause = self._field(spec, "Cause")

    def _field(self, spec: dict[str, Any], field: str) -> Callable[[Scope, Any], Any]:
        if f"{field}Path" in spec:
            if field in spec:
                raise DefinitionError(f"state {self.name!r}: use either {field} or {field}Path, not both")
            read = compile_dynamic(spec[f"{field}Path"], f"{field}Path")
            return lambda scope, data: read(data, scope)
        value = spec.get(field)
        if self.jsonata and value is not None:
            evaluate = jsonata_eval.compile_value(value, field)
            return lambda scope, data: evaluate(states_bindings(scope, data))
        return lambda scope, data: value

    def run(self, scope: Scope, state_input: Any) -> tuple[Any, str | None]:
        error, cause = self.error(scope, state_input), self.cause(scope, state_input)
        for field, value in (("Error", error), ("Cause", cause)):
            if value is not None and not isinstance(value, str):
                raise StatesRuntime(
                    f"The {field} of Fail state '{self.name}' must be a string, got {value!r}"
                )
        # Without an Error or a Cause, the failure records neither key (recorded AWS executions); a
        # Catch still passes both on, as empty strings.
        raise FailStateError(
            error if isinstance(error, str) else None, cause if isinstance(cause, str) else None
        )


class FailStateError(WorkflowError):
    """What a Fail state raises: its Error (None when it has none) and Cause."""

    def __init__(self, error: str | None, cause: str | None) -> None:
        super().__init__(cause or "", error or "")
        self.error = error  # type: ignore[assignment]
        self.cause = cause
