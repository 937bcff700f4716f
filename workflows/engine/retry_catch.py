"""Retry and Catch: which error names a rule matches, back-off delays on the clock, and fallbacks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from workflows.engine import jsonata_eval
from workflows.engine.errors import DefinitionError, TaskResultTooLarge, WorkflowError
from workflows.engine.io import (
    apply_result_path,
    assign_variables,
    check_assign_names,
    compile_optional_path,
    states_bindings,
)
from workflows.engine.payload import Renderer, compile_template
from workflows.engine.scope import Scope

ALL = "States.ALL"
TASK_FAILED = "States.TaskFailed"
# States.ALL and States.TaskFailed are wildcards, but these errors can only be matched by name (or never).
_NOT_WILDCARD = frozenset({"States.Runtime", "States.DataLimitExceeded", "States.ReferencePathConflict"})
_NEVER_CAUGHT = frozenset({"States.Runtime", "States.ReferencePathConflict"})
T = TypeVar("T")


def matches(error_equals: tuple[str, ...], failure: WorkflowError) -> bool:
    error = failure.error
    if error in _NEVER_CAUGHT:
        return False
    if error in error_equals or any(alias in error_equals for alias in failure.aliases):
        return True
    if error in _NOT_WILDCARD and not isinstance(failure, TaskResultTooLarge):
        return False
    if ALL in error_equals:
        return True
    return TASK_FAILED in error_equals and error != "States.Timeout"


def _error_equals(rule: dict[str, Any], state: str, kind: str) -> tuple[str, ...]:
    names = rule.get("ErrorEquals")
    if not isinstance(names, list) or not names or not all(isinstance(name, str) for name in names):
        raise DefinitionError(
            f"state {state!r}: each {kind} needs ErrorEquals, a non-empty list of error names"
        )
    if ALL in names and len(names) > 1:
        raise DefinitionError(f"state {state!r}: States.ALL must appear alone in its ErrorEquals")
    return tuple(names)


def _check_all_last(rules: list[tuple[str, ...]], state: str, kind: str) -> None:
    for position, names in enumerate(rules[:-1]):
        if ALL in names:
            raise DefinitionError(
                f"state {state!r}: the {kind} with States.ALL must be the last one ({position})"
            )


@dataclass(slots=True)
class Retrier:
    error_equals: tuple[str, ...]
    interval: float
    max_attempts: int
    backoff: float
    max_delay: float | None
    full_jitter: bool

    def delay(self, retries_so_far: int, scope: Scope) -> float:
        delay = self.interval * self.backoff**retries_so_far
        if self.max_delay is not None:
            delay = min(delay, self.max_delay)
        if self.full_jitter:
            delay = scope.run.random.uniform(0, delay)
        return delay


@dataclass(slots=True)
class Catcher:
    error_equals: tuple[str, ...]
    next: str
    result_path: Any  # a compiled Path or None (JSONPath)
    assign: Renderer | None
    output: jsonata_eval.Evaluator | None  # JSONata
    assign_jsonata: jsonata_eval.Evaluator | None
    jsonata: bool

    def handle(self, error: WorkflowError, raw: Any, scope: Scope) -> Any:
        """The state's output when this catcher takes the error."""
        error_output = error.output()
        if self.jsonata:
            bindings = states_bindings(scope, raw, errorOutput=error_output)
            output = self.output(bindings) if self.output is not None else error_output
            if self.assign_jsonata is not None:
                assign_variables(scope, self.assign_jsonata(bindings))
            return output
        if self.assign is not None:
            assign_variables(scope, self.assign(error_output, scope))
        return apply_result_path(self.result_path, raw, error_output, scope.state_name)


def compile_retriers(spec: dict[str, Any], state: str) -> list[Retrier]:
    rules = spec.get("Retry", [])
    retriers = []
    for rule in rules:
        jitter = rule.get("JitterStrategy", "NONE")
        if jitter not in ("FULL", "NONE"):
            raise DefinitionError(f"state {state!r}: JitterStrategy must be FULL or NONE, got {jitter!r}")
        retriers.append(
            Retrier(
                _error_equals(rule, state, "Retrier"),
                _retry_number(rule, "IntervalSeconds", 1, state, whole=True, least=1),
                int(_retry_number(rule, "MaxAttempts", 3, state, whole=True, least=0)),
                _retry_number(rule, "BackoffRate", 2.0, state, whole=False, least=1),
                _retry_number(rule, "MaxDelaySeconds", None, state, whole=True, least=1),
                jitter == "FULL",
            )
        )
    _check_all_last([retrier.error_equals for retrier in retriers], state, "Retrier")
    return retriers


def _retry_number(
    rule: dict[str, Any], field: str, default: float | None, state: str, *, whole: bool, least: float
) -> Any:
    value = rule.get(field, default)
    if value is None:
        return None
    if type(value) not in ((int,) if whole else (int, float)) or value < least:
        wanted = "an integer" if whole else "a number"
        raise DefinitionError(f"state {state!r}: Retry {field} must be {wanted} >= {least:g}, got {value!r}")
    return value


def compile_catchers(spec: dict[str, Any], state: str, *, jsonata: bool) -> list[Catcher]:
    catchers = []
    for position, rule in enumerate(spec.get("Catch", [])):
        if "Next" not in rule:
            raise DefinitionError(f"state {state!r}: each Catcher needs Next")
        if "Assign" in rule:
            check_assign_names(rule["Assign"], state)
        catchers.append(
            Catcher(
                _error_equals(rule, state, "Catcher"),
                rule["Next"],
                None if jsonata else compile_optional_path(rule, "ResultPath", state, reference=True),
                compile_template(rule["Assign"], "Assign") if "Assign" in rule and not jsonata else None,
                jsonata_eval.compile_value(rule["Output"], f"Catch[{position}]/Output")
                if "Output" in rule and jsonata
                else None,
                jsonata_eval.compile_value(rule["Assign"], f"Catch[{position}]/Assign")
                if "Assign" in rule and jsonata
                else None,
                jsonata,
            )
        )
    _check_all_last([catcher.error_equals for catcher in catchers], state, "Catcher")
    return catchers


def with_retries(retriers: list[Retrier], scope: Scope, attempt: Callable[[], T]) -> T:
    """Run `attempt` until it succeeds or no retrier takes its error; delays go through the clock."""
    counts = [0] * len(retriers)
    scope.retry_count = 0
    while True:
        try:
            return attempt()
        except WorkflowError as error:
            scope.attribute(error)
            index = next((i for i, r in enumerate(retriers) if matches(r.error_equals, error)), None)
            if index is None:
                raise
            retrier = retriers[index]
            if counts[index] >= retrier.max_attempts:
                raise
            scope.clock.sleep(retrier.delay(counts[index], scope))
            scope.run.check_deadline(scope.clock.now())
            counts[index] += 1
            scope.retry_count = (scope.retry_count or 0) + 1
            scope.run.history.retried()
