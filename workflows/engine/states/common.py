"""Helpers for states that do work (Task, Parallel, Map): Retry/Catch around it, numeric settings."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from workflows.engine import jsonata_eval
from workflows.engine.errors import DefinitionError, StatesRuntime, WorkflowError
from workflows.engine.history import to_json
from workflows.engine.io import compile_optional_path, select, states_bindings
from workflows.engine.retry_catch import compile_catchers, compile_retriers, matches, with_retries
from workflows.engine.states.base import State

if TYPE_CHECKING:
    from workflows.engine.scope import Scope

Setting = Callable[["Scope", Any], Any]


class WorkState(State):
    """A state with Retry and Catch."""

    failed_event: str | None = None  # the summary event a failed Parallel or Map records

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
    maximum: float | None = None,
    whole: bool = True,
) -> Setting:
    """A numeric field with its `*Path` (JSONPath) or `{% %}` (JSONata) form, checked when read.

    All of them are integers in ASL except ToleratedFailurePercentage (`whole=False`). A value read
    through a path fails as recorded AWS executions fail (States.Runtime): "The MaxConcurrencyPath field
    refers to value "x" which is not a valid integer: $.path", "ToleratedFailureCount cannot be negative.",
    "ToleratedFailurePercentage must be between 0 and 100.".
    """
    kinds = (int,) if whole else (int, float)

    def out_of_range(value: float) -> str | None:
        if maximum is not None and not minimum <= value <= maximum:
            return f"{field} must be between {minimum:g} and {maximum:g}."
        if value < minimum and minimum == 0:
            return f"{field} cannot be negative."
        if value < minimum:
            return f"{field} must be at least {minimum:g}."
        return None

    def check(value: Any, *, static: bool = False) -> Any:
        problem = (
            f"{field} must be {'an integer' if whole else 'a number'} >= {minimum:g}, got {value!r}"
            if type(value) not in kinds
            else out_of_range(value)
        )
        if problem is None:
            return value
        if static:
            raise DefinitionError(f"state {state.name!r}: {problem}")
        raise StatesRuntime(problem)

    if f"{field}Path" in spec:
        if field in spec:
            raise DefinitionError(f"state {state.name!r}: use either {field} or {field}Path, not both")
        path = compile_optional_path(spec, f"{field}Path", state.name, reference=True)
        assert path is not None
        source = path.source

        def read(scope: Scope, data: Any) -> Any:
            value = select(path, data, scope)
            number = _parse_number(value, whole=whole)
            if number is None:
                shown = value if isinstance(value, str) else to_json(value)
                kind = "integer" if whole else "float"
                raise StatesRuntime(
                    f'The {field}Path field refers to value "{shown}" which is not a valid {kind}: {source}'
                )
            return check(number)

        return read
    value = spec.get(field, default)
    if isinstance(value, str) and jsonata_eval.is_expression(value):
        evaluate = jsonata_eval.compile_expression(value, field)
        return lambda scope, data: check(evaluate(states_bindings(scope, data)))
    if value is not None:
        check(value, static=True)
    return lambda scope, data: value


_INTEGER_TEXT = re.compile(r"[+-]?\d+")
_FLOAT_TEXT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _parse_number(value: Any, *, whole: bool) -> float | None:
    """A number read through a `*Path`: AWS parses the value's text, so the string "1" is 1 (recorded
    executions with MaxConcurrencyPath and ToleratedFailure*Path reading "1" from a variable succeed),
    while 1.5 is no integer and "NoNumber" or {} no number at all."""
    if type(value) is int or (not whole and type(value) is float):
        return value
    if type(value) is str and (_INTEGER_TEXT if whole else _FLOAT_TEXT).fullmatch(value.strip()):
        return int(value) if whole else float(value)
    return None
