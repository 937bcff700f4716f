"""The Pass state: passes its input on, or a fixed Result, or a Parameters/Output shape of its input."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workflows.engine.io import DataFlow
from workflows.engine.states.base import State

if TYPE_CHECKING:
    from workflows.engine.scope import Scope


class PassState(State):
    type_name = "Pass"

    def __init__(self, name: str, spec: dict[str, Any], query_language: str) -> None:
        super().__init__(name, spec, query_language)
        self.flow = DataFlow(
            spec, name, jsonata=self.jsonata, parameters_field="Parameters", result_fields=not self.jsonata
        )
        self.has_result = "Result" in spec
        self.result = spec.get("Result")

    def run(self, scope: Scope, state_input: Any) -> tuple[Any, str | None]:
        if self.jsonata:
            return self.flow.finish(state_input, None, scope), self.next
        result = self.result if self.has_result else self.flow.effective_input(state_input, scope)
        return self.flow.finish(state_input, result, scope), self.next
