"""Helpers for states that do work (Task, Parallel, Map): Retry/Catch around it, numeric settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from workflows.engine import jsonata_eval
from workflows.engine.errors import DefinitionError, StatesRuntime, WorkflowError
from workflows.engine.io import compile_optional_path, select, states_bindings
from workflows.engine.retry_catch import compile_catchers, compile_retriers, matches, with_retries
from workflows.engine.states.base import State

if TYPE_CHECKING:
    from workflows.engine.scope import Scope

Setting = Callable[["Scope", Any], Any]


class WorkState(State):
    """A state with Retry and Catch."""

    failed_event: str | None = None  # the summary event a failed Parallel or Map records
    allowed_extras = frozenset({"Retry", "Catch"})

    def __init__(self, name: str, spec: dict[str, Any], query_language: str) -> None:
        super().__init__(name, spec, query_language)
        self.retriers = compile_retriers(spec, name)
        self.catchers = compile_catchers(spec, name, jsonata=self.jsonata)

    def run(self, scope: Scope, state_input: Any) -> tuple[Any, str | None]:
        try:
            return self.work(scope, state_input, lambda attempt: with_retries(self.retriers, scope, attempt))
        except WorkflowError as error:
            scope.attribute(error)
            runtime = error.error == "States.Runtime"
            if self.failed_event and not runtime:
                scope.event(
                    self.failed_event
                )  # once retries are exhausted, not per attempt; never for Runtime
            catcher = next((c for c in self.catchers if matches(c.error_equals, error)), None)
            if catcher is None:
                if self.type_name == "Task" and scope.prefix and not runtime:
                    scope.event("TaskStateAborted")  # AWS's record of a task failure that ends a branch
                raise
            return catcher.handle(error, state_input, scope), catcher.next

    def work(
        self, scope: Scope, state_input: Any, retrying: Callable[[Callable[[], Any]], Any]
    ) -> tuple[Any, str | None]:
        raise NotImplementedError


def number_setting(
    state: State,
    spec: dict[str, Any],
    field: str,
    default: float | None,
    *,
    minimum: float = 0,
    whole: bool = True,
) -> Setting:
    """A numeric field with its `*Path` (JSONPath) or `{% %}` (JSONata) form, checked when read.

    All of them are integers in ASL except ToleratedFailurePercentage (`whole=False`).
    """

    def check(value: Any, *, static: bool = False) -> Any:
        kinds = (int,) if whole else (int, float)
        if type(value) not in kinds or value < minimum:
            wanted = "an integer" if whole else "a number"
            message = f"state {state.name!r}: {field} must be {wanted} >= {minimum:g}, got {value!r}"
            if static:
                raise DefinitionError(message)
            raise StatesRuntime(message)
        return value

    if f"{field}Path" in spec:
        if field in spec:
            raise DefinitionError(f"state {state.name!r}: use either {field} or {field}Path, not both")
        path = compile_optional_path(spec, f"{field}Path", state.name, reference=True)
        return lambda scope, data: check(select(path, data, scope))
    value = spec.get(field, default)
    if jsonata_eval.is_expression(value):
        evaluate = jsonata_eval.compile_expression(value, field)
        return lambda scope, data: check(evaluate(states_bindings(scope, data)))
    if value is not None:
        check(value, static=True)
    return lambda scope, data: value
