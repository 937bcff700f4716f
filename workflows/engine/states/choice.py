"""The Choice state: the first matching rule names the next state; Default otherwise."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from workflows.engine import jsonata_eval
from workflows.engine.errors import DefinitionError, StatesQueryEvaluationError, StatesRuntime
from workflows.engine.io import DataFlow, states_bindings
from workflows.engine.states.base import State
from workflows.engine.states.choice_rules import compile_rule

if TYPE_CHECKING:
    from workflows.engine.scope import Scope


class ChoiceState(State):
    type_name = "Choice"
    transitions = False

    def __init__(self, name: str, spec: dict[str, Any], query_language: str) -> None:
        super().__init__(name, spec, query_language)
        choices = spec.get("Choices")
        if not isinstance(choices, list) or not choices:
            raise DefinitionError(f"state {name!r}: a Choice state needs a non-empty Choices list")
        self.rules: list[tuple[Callable[[Any, Scope], bool], str, DataFlow]] = []
        for position, choice in enumerate(choices):
            if "Next" not in choice:
                raise DefinitionError(f"state {name!r}: every Choice rule needs Next")
            flow = DataFlow(
                {**{k: v for k, v in spec.items() if k in ("InputPath", "OutputPath")}, **choice},
                name,
                jsonata=self.jsonata,
                parameters_field=None,
                result_fields=False,
                prefix=f"Choices[{position}]/",
            )
            self.rules.append((self._test(choice, position), choice["Next"], flow))
        self.default = spec.get("Default")
        self.default_flow = DataFlow(
            spec, name, jsonata=self.jsonata, parameters_field=None, result_fields=False
        )

    def _test(self, choice: dict[str, Any], position: int) -> Callable[[Any, Scope], bool]:
        if not self.jsonata:
            return compile_rule(choice, self.name)
        if "Condition" not in choice:
            raise DefinitionError(f"state {self.name!r}: a JSONata Choice rule needs a Condition")
        condition = jsonata_eval.compile_value(choice["Condition"], f"Choices[{position}]/Condition")

        def test(data: Any, scope: Scope) -> bool:
            value = condition(states_bindings(scope, data))
            if type(value) is not bool:
                raise StatesQueryEvaluationError(
                    f"The Condition of a Choice rule in state '{self.name}' must be a boolean, got {value!r}"
                )
            return value

        return test

    def run(self, scope: Scope, state_input: Any) -> tuple[Any, str | None]:
        effective = state_input if self.jsonata else self.default_flow.effective_input(state_input, scope)
        for test, following, flow in self.rules:
            if test(effective, scope):
                return self._leave(flow, scope, state_input, effective), following
        if self.default is None:
            # The guide names States.NoChoiceMatched, but AWS reports this (wording as AWS writes it).
            raise StatesRuntime(
                "Failed to transition out of the state. The state does not point to a next state."
            )
        return self._leave(self.default_flow, scope, state_input, effective), self.default

    def _leave(self, flow: DataFlow, scope: Scope, state_input: Any, effective: Any) -> Any:
        if self.jsonata:
            return flow.finish(state_input, None, scope)
        return flow.finish(effective, effective, scope)
