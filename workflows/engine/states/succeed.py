"""The Succeed state: ends the execution (or branch, or iteration) successfully."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workflows.engine.io import DataFlow
from workflows.engine.states.base import State

if TYPE_CHECKING:
    from workflows.engine.scope import Scope


class SucceedState(State):
    type_name = "Succeed"
    transitions = False

    def __init__(self, name: str, spec: dict[str, Any], query_language: str) -> None:
        super().__init__(name, spec, query_language)
        self.flow = DataFlow(spec, name, jsonata=self.jsonata, parameters_field=None, result_fields=False)

    def run(self, scope: Scope, state_input: Any) -> tuple[Any, str | None]:
        if self.jsonata:
            return self.flow.finish(state_input, None, scope), None
        effective = self.flow.effective_input(state_input, scope)
        return self.flow.finish(effective, effective, scope), None
