"""Leaf conditions: the array of match values a pattern puts on one field, compiled once.

Exact strings, numbers, booleans and null go into sets (one hash look-up per event value); every other
operator becomes a small predicate. Numbers compare numerically (300 matches 3.0e2) and booleans are
never numbers. A condition applies to leaf values only: objects are not leaves, and an array in the event
matches if any of its elements does.
"""

from __future__ import annotations

import ipaddress
import math
import operator
import re
from collections.abc import Callable
from typing import Any

from integrations.patterns.dialect import Dialect
from integrations.patterns.errors import PatternSyntaxError
from integrations.patterns.wildcard import parse_wildcard

Predicate = Callable[[Any], bool]


class _Absent:
    """The value of a field the event does not have (distinct from JSON null)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()

_LOWER_BOUNDS: dict[str, Callable[[Any, Any], bool]] = {">": operator.gt, ">=": operator.ge}
_UPPER_BOUNDS: dict[str, Callable[[Any, Any], bool]] = {"<": operator.lt, "<=": operator.le}


def is_number(value: object) -> bool:
    return type(value) in (int, float)


def _leaf_values(value: list[Any], out: list[Any]) -> list[Any]:
    """The scalar leaves of an event array (nested arrays flattened, objects are not leaves)."""
    for item in value:
        if isinstance(item, list):
            _leaf_values(item, out)
        elif not isinstance(item, dict):
            out.append(item)
    return out


class LeafCondition:
    """The compiled array of match values for one field."""

    __slots__ = ("booleans", "exists_false", "exists_true", "null", "numbers", "predicates", "strings")

    def __init__(self) -> None:
        self.strings: set[str] = set()
        self.numbers: set[float] = set()
        self.booleans: set[bool] = set()
        self.null = False
        self.exists_true = False
        self.exists_false = False
        self.predicates: list[Predicate] = []

    def matches(self, value: Any) -> bool:
        """Whether the event's value for this field (or ABSENT) satisfies any of the match values."""
        if isinstance(value, list):
            leaves = _leaf_values(value, [])
            if not leaves:
                return self.exists_false
            return any(self.matches_leaf(leaf) for leaf in leaves)
        if value is ABSENT or isinstance(value, dict):
            return self.exists_false
        return self.matches_leaf(value)

    def matches_leaf(self, value: Any) -> bool:
        kind = type(value)
        if kind is str:
            if value in self.strings:
                return True
        elif kind is bool:
            if value in self.booleans:
                return True
        elif kind is int or kind is float:
            if value in self.numbers:
                return True
        elif value is None and self.null:
            return True
        if self.exists_true:
            return True
        return any(predicate(value) for predicate in self.predicates)


def compile_leaf(field: str, values: list[Any], dialect: Dialect) -> LeafCondition:
    """Compile the match-value array of `field`."""
    if not values:
        raise PatternSyntaxError("Empty arrays are not allowed")
    condition = LeafCondition()
    for value in values:
        if isinstance(value, dict):
            _add_operator(condition, value, dialect)
        elif isinstance(value, list):
            raise PatternSyntaxError(
                f'Match value of "{field}" must be a string, number, true, false, null or an object'
            )
        else:
            _add_exact(condition, value, dialect)
    return condition


def _add_exact(condition: LeafCondition, value: Any, dialect: Dialect) -> None:
    if isinstance(value, bool):
        condition.booleans.add(value)
    elif value is None:
        condition.null = True
    elif isinstance(value, str):
        condition.strings.add(value)
    else:
        condition.numbers.add(_number(value, "=", dialect))


def _number(value: Any, where: str, dialect: Dialect) -> float:
    if not is_number(value) or (isinstance(value, float) and not math.isfinite(value)):
        raise PatternSyntaxError(f"Value of {where} must be numeric")
    limit = dialect.numeric_limit
    if limit is not None and not -limit <= value <= limit:
        raise PatternSyntaxError(f"Value of {where} must be between -1.0E9 and 1.0E9 inclusive")
    return value


def _string(value: Any, match_type: str) -> str:
    if not isinstance(value, str):
        raise PatternSyntaxError(f"{match_type} match pattern must be a string")
    return value


def _add_operator(condition: LeafCondition, expression: dict[str, Any], dialect: Dialect) -> None:
    if len(expression) != 1:
        raise PatternSyntaxError(
            "Only one key allowed in match expression" if expression else "Empty objects are not allowed"
        )
    ((kind, argument),) = expression.items()
    if kind == "exists":
        if not isinstance(argument, bool):
            raise PatternSyntaxError("exists match pattern must be either true or false.")
        if argument:
            condition.exists_true = True
        else:
            condition.exists_false = True
    elif kind == "wildcard" and dialect.wildcard:
        compiled = parse_wildcard(_string(argument, "wildcard"))
        if isinstance(compiled, str):
            condition.strings.add(compiled)
        else:
            condition.predicates.append(_regex_predicate(compiled))
    elif kind == "anything-but":
        condition.predicates.append(_anything_but(argument, dialect))
    else:
        condition.predicates.append(_positive(kind, argument, dialect))


def _positive(kind: str, argument: Any, dialect: Dialect) -> Predicate:
    """prefix, suffix, equals-ignore-case, numeric and cidr (the operators that select values)."""
    if kind in ("prefix", "suffix"):
        return _affix(kind, argument)
    if kind == "equals-ignore-case":
        folded = _string(argument, kind).casefold()
        return lambda value: type(value) is str and value.casefold() == folded
    if kind == "numeric":
        return _numeric(argument, dialect)
    if kind == "cidr":
        return _cidr(argument)
    raise PatternSyntaxError(f"Unrecognized match type {kind}")


def _affix(kind: str, argument: Any) -> Predicate:
    """prefix / suffix, optionally `{"equals-ignore-case": ...}`."""
    fold = isinstance(argument, dict)
    text = _string(_only(argument, "equals-ignore-case", kind) if fold else argument, kind)
    text = text.casefold() if fold else text
    if kind == "prefix":
        if fold:
            return lambda value: type(value) is str and value.casefold().startswith(text)
        return lambda value: type(value) is str and value.startswith(text)
    if fold:
        return lambda value: type(value) is str and value.casefold().endswith(text)
    return lambda value: type(value) is str and value.endswith(text)


def _only(expression: dict[str, Any], key: str, inside: str) -> Any:
    if list(expression) != [key]:
        raise PatternSyntaxError(f"Unsupported {inside} pattern: {sorted(expression)}")
    return expression[key]


def _regex_predicate(pattern: re.Pattern[str]) -> Predicate:
    fullmatch = pattern.fullmatch
    return lambda value: type(value) is str and fullmatch(value) is not None


def _numeric(argument: Any, dialect: Dialect) -> Predicate:
    if not isinstance(argument, list) or not argument:
        raise PatternSyntaxError("Value of numeric must be an array.")
    if len(argument) not in (2, 4):
        raise PatternSyntaxError(f"Invalid member in numeric match: {argument}")
    first, bound = argument[0], argument[1]
    if first == "=" and len(argument) == 2:
        target = _number(bound, "=", dialect)
        return lambda value: is_number(value) and value == target
    if first in _UPPER_BOUNDS and len(argument) == 2:
        upper, upper_op = _number(bound, first, dialect), _UPPER_BOUNDS[first]
        return lambda value: is_number(value) and upper_op(value, upper)
    if first not in _LOWER_BOUNDS:
        if first in _UPPER_BOUNDS or first == "=":
            raise PatternSyntaxError(f"Bad numeric range: {first} must be the only operator or come second")
        raise PatternSyntaxError(f"Unrecognized numeric range operator: {first}")
    lower, lower_op = _number(bound, first, dialect), _LOWER_BOUNDS[first]
    if len(argument) == 2:
        return lambda value: is_number(value) and lower_op(value, lower)
    second = argument[2]
    if second not in _UPPER_BOUNDS:
        raise PatternSyntaxError(f"Bad numeric range operator: {second} (expected < or <= after {first})")
    upper, upper_op = _number(argument[3], second, dialect), _UPPER_BOUNDS[second]
    if lower >= upper:
        raise PatternSyntaxError(f"Bad numeric range: the lower bound {lower} is not below the upper {upper}")
    return lambda value: is_number(value) and lower_op(value, lower) and upper_op(value, upper)


def _cidr(argument: Any) -> Predicate:
    text = _string(argument, "cidr")
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise PatternSyntaxError(f"Nonstandard IP address: {text}") from None

    def inside(value: Any) -> bool:
        if type(value) is not str:
            return False
        try:
            return ipaddress.ip_address(value) in network
        except ValueError:
            return False

    return inside


def _anything_but(argument: Any, dialect: Dialect) -> Predicate:
    """The negation: any present leaf value that the inner match does not select."""
    if isinstance(argument, dict):
        inner = _anything_but_object(argument, dialect)
        return lambda value: not inner(value)
    values = argument if isinstance(argument, list) else [argument]
    if not values:
        raise PatternSyntaxError("Empty arrays are not allowed")
    excluded = LeafCondition()
    for value in values:
        if isinstance(value, bool) or value is None or isinstance(value, dict | list):
            raise PatternSyntaxError("Inside anything but list, start|null|boolean is not supported.")
        _add_exact(excluded, value, dialect)
    return lambda value: not excluded.matches_leaf(value)


def _anything_but_object(argument: dict[str, Any], dialect: Dialect) -> Predicate:
    if len(argument) != 1:
        raise PatternSyntaxError("Only one key allowed in match expression")
    ((kind, inner),) = argument.items()
    if kind in ("prefix", "suffix") and not isinstance(inner, dict):
        return _positive(kind, inner, dialect)
    if kind in ("equals-ignore-case", "wildcard") and (kind != "wildcard" or dialect.wildcard):
        options = inner if isinstance(inner, list) else [inner]
        if not options:
            raise PatternSyntaxError("Empty arrays are not allowed")
        condition = LeafCondition()
        for option in options:
            _add_operator(condition, {kind: option}, dialect)
        return condition.matches_leaf
    raise PatternSyntaxError(f"Unsupported anything-but pattern: {kind}")
