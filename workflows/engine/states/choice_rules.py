"""Choice rules (JSONPath): comparison operators, their `*Path` forms, And/Or/Not and type tests."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from workflows.engine.errors import DefinitionError, PathSyntaxError, StatesRuntime
from workflows.engine.jsonpath import Path, PathNotFound, compile_path
from workflows.engine.payload import resolve_path
from workflows.engine.scope import Scope

Rule = Callable[[Any, Scope], bool]
_MISSING = object()
# RFC 3339 as Step Functions accepts it: an uppercase T, and Z or a numeric offset.
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def parse_timestamp(value: Any) -> datetime | None:
    if type(value) is not str or not _TIMESTAMP.fullmatch(value):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _is_number(value: Any) -> bool:
    return type(value) in (int, float)


def _string(test: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    return lambda left, right: type(left) is str and type(right) is str and test(left, right)


def _numeric(test: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    return lambda left, right: _is_number(left) and _is_number(right) and test(left, right)


def _timestamp(test: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def compare(left: Any, right: Any) -> bool:
        first, second = parse_timestamp(left), parse_timestamp(right)
        return first is not None and second is not None and test(first, second)

    return compare


def _relations(
    wrap: Callable[[Callable[[Any, Any], bool]], Callable[[Any, Any], bool]], kind: str
) -> dict[str, Callable[[Any, Any], bool]]:
    return {
        f"{kind}Equals": wrap(lambda a, b: a == b),
        f"{kind}LessThan": wrap(lambda a, b: a < b),
        f"{kind}GreaterThan": wrap(lambda a, b: a > b),
        f"{kind}LessThanEquals": wrap(lambda a, b: a <= b),
        f"{kind}GreaterThanEquals": wrap(lambda a, b: a >= b),
    }


COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    **_relations(_string, "String"),
    **_relations(_numeric, "Numeric"),
    **_relations(_timestamp, "Timestamp"),
    "BooleanEquals": lambda a, b: type(a) is bool and type(b) is bool and a == b,
}
TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "IsNull": lambda value: value is None,
    "IsNumeric": _is_number,
    "IsString": lambda value: type(value) is str,
    "IsBoolean": lambda value: type(value) is bool,
    "IsTimestamp": lambda value: parse_timestamp(value) is not None,
}


def string_matches(pattern: str) -> re.Pattern[str]:
    """StringMatches: `*` matches any run of characters; `\\*` and `\\\\` are a literal star and backslash."""
    pieces: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            pieces.append(re.escape(pattern[index + 1]))
            index += 2
            continue
        pieces.append(".*" if char == "*" else re.escape(char))
        index += 1
    return re.compile("".join(pieces), re.DOTALL)


def _path(value: Any, state: str, field: str) -> Path:
    try:
        return compile_path(value)
    except (PathSyntaxError, TypeError) as exc:
        raise DefinitionError(f"state {state!r}: Choice rule {field}: {exc}") from None


def _read(path: Path, data: Any, scope: Scope) -> Any:
    try:
        return resolve_path(path, data, scope)
    except PathNotFound:
        return _MISSING


def _invalid(path: Path) -> StatesRuntime:
    return StatesRuntime(
        f"Invalid path '{path.source}': The choice state's condition path references an invalid value."
    )


def compile_rule(rule: dict[str, Any], state: str) -> Rule:
    """A Choice rule's test (the Next, Assign and Output of top-level rules are the caller's)."""
    if "And" in rule or "Or" in rule:
        combine = all if "And" in rule else any
        parts = [compile_rule(part, state) for part in rule["And" if "And" in rule else "Or"]]
        if not parts:
            raise DefinitionError(f"state {state!r}: And/Or needs at least one rule")
        return lambda data, scope: combine(part(data, scope) for part in parts)
    if "Not" in rule:
        inner = compile_rule(rule["Not"], state)
        return lambda data, scope: not inner(data, scope)
    if "Variable" not in rule:
        raise DefinitionError(f"state {state!r}: a Choice rule needs Variable (or And, Or, Not, Condition)")
    return _comparison(rule, state)


def _comparison(rule: dict[str, Any], state: str) -> Rule:
    variable = _path(rule["Variable"], state, "Variable")
    operators = [key for key in rule if key not in ("Variable", "Next", "Assign", "Output", "Comment")]
    if len(operators) != 1:
        raise DefinitionError(f"state {state!r}: a Choice rule needs exactly one comparison, got {operators}")
    operator = operators[0]
    operand = rule[operator]
    if operator == "IsPresent" or operator in TYPE_TESTS:
        if type(operand) is not bool:
            raise DefinitionError(f"state {state!r}: {operator} needs true or false, got {operand!r}")
        return _type_test(variable, operator, operand)
    if operator == "StringMatches":
        if not isinstance(operand, str):
            raise DefinitionError(f"state {state!r}: StringMatches needs a string pattern")
        pattern = string_matches(operand)
        return _compare(
            variable, lambda value, _: type(value) is str and bool(pattern.fullmatch(value)), None
        )
    if operator.endswith("Path") and operator[:-4] in COMPARISONS:
        return _compare(variable, COMPARISONS[operator[:-4]], _path(operand, state, operator))
    if operator in COMPARISONS:
        _check_operand(operator, operand, state)
        compare = COMPARISONS[operator]
        return _compare(variable, lambda value, _: compare(value, operand), None)
    raise DefinitionError(f"state {state!r}: unknown Choice comparison {operator!r}")


_OPERAND_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "String": (lambda value: type(value) is str, "a string"),
    "Numeric": (_is_number, "a number"),
    "Boolean": (lambda value: type(value) is bool, "true or false"),
    "Timestamp": (lambda value: parse_timestamp(value) is not None, "an RFC 3339 timestamp"),
}


def _check_operand(operator: str, operand: Any, state: str) -> None:
    """CreateStateMachine rejects a comparison with a value of the wrong type, e.g. NumericEquals: "1"."""
    for prefix, (valid, wanted) in _OPERAND_CHECKS.items():
        if operator.startswith(prefix) and not valid(operand):
            raise DefinitionError(f"state {state!r}: {operator} needs {wanted}, got {operand!r}")


def _type_test(variable: Path, operator: str, operand: Any) -> Rule:
    if operator == "IsPresent":
        return lambda data, scope: (_read(variable, data, scope) is not _MISSING) == operand
    test = TYPE_TESTS[operator]

    def type_test(data: Any, scope: Scope) -> bool:
        value = _read(variable, data, scope)
        if value is _MISSING:
            raise _invalid(variable)
        return test(value) == operand

    return type_test


def _compare(variable: Path, compare: Callable[[Any, Any], bool], other: Path | None) -> Rule:
    def rule(data: Any, scope: Scope) -> bool:
        value = _read(variable, data, scope)
        if value is _MISSING:
            raise _invalid(variable)
        right = None
        if other is not None:
            right = _read(other, data, scope)
            if right is _MISSING:
                raise _invalid(other)
        return compare(value, right)

    return rule
