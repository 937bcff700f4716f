"""Leaf conditions: the array of match values a pattern puts on one field, compiled once.

Exact strings, numbers, booleans and null go into sets (one hash look-up per event value); every other
operator becomes a small predicate. Numbers compare numerically (300 matches 3.0e2) and booleans are
never numbers. A condition applies to leaf values only: objects are not leaves, and an array in the event
matches if any of its elements does.
"""

from __future__ import annotations

import ipaddress
import json
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

    __slots__ = (
        "booleans",
        "exists_false",
        "exists_true",
        "null",
        "numbers",
        "predicates",
        "strings",
        "wildcards",
    )

    def __init__(self) -> None:
        self.strings: set[str] = set()
        self.numbers: set[float] = set()
        self.booleans: set[bool] = set()
        self.null = False
        self.exists_true = False
        self.exists_false = False
        self.predicates: list[Predicate] = []
        self.wildcards: list[
            str
        ] = []  # the wildcard values (plain or in anything-but), for the complexity check

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
    del field  # AWS's messages do not name the field
    if not values:
        raise PatternSyntaxError("Empty arrays are not allowed")
    condition = LeafCondition()
    for value in values:
        if isinstance(value, dict):
            _add_operator(condition, value, dialect)
        elif isinstance(value, list):
            raise PatternSyntaxError("Match value must be String, number, true, false, or null")
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
        raise PatternSyntaxError(f"Value of {'equals' if where == '=' else where} must be numeric")
    limit = dialect.numeric_limit
    if limit is not None and not -limit <= value <= limit:
        raise PatternSyntaxError(f"Value of {where} must be between -1.0E9 and 1.0E9 inclusive")
    return value


def _string(value: Any, match_type: str) -> str:
    if not isinstance(value, str):
        raise PatternSyntaxError(f"{match_type} match pattern must be a string")
    return value


def token_text(value: Any) -> str:
    """How Event Ruler's JSON parser names an unexpected token in its messages (`]`, `1`, `true`...)."""
    if isinstance(value, dict):
        return "{"
    if isinstance(value, list):
        return "["
    return value if isinstance(value, str) else json.dumps(value)


# After the first key of a match expression, Event Ruler expects the object to end; a second key is reported
# in the words of the operator it follows.
_TOO_MANY = "Too many elements in numeric expression"
_EXTRA_KEY = {"numeric": _TOO_MANY, "anything-but": _TOO_MANY}


def _add_operator(condition: LeafCondition, expression: dict[str, Any], dialect: Dialect) -> None:
    if not expression:
        raise PatternSyntaxError("Match expression name not found")
    kind, argument = next(iter(expression.items()))
    if kind == "exists":
        if not isinstance(argument, bool):
            raise PatternSyntaxError("exists match pattern must be either true or false.")
        if argument:
            condition.exists_true = True
        else:
            condition.exists_false = True
    elif kind == "wildcard" and dialect.wildcard:
        compiled = parse_wildcard(_string(argument, "wildcard"))
        condition.wildcards.append(argument)
        if isinstance(compiled, str):
            condition.strings.add(compiled)
        else:
            condition.predicates.append(_regex_predicate(compiled))
    elif kind == "anything-but":
        condition.predicates.append(_anything_but(argument, dialect, condition))
    else:
        condition.predicates.append(_positive(kind, argument, dialect))
    if len(expression) > 1:
        raise PatternSyntaxError(_EXTRA_KEY.get(kind, "Only one key allowed in match expression"))


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
    if fold:
        if not argument:
            raise PatternSyntaxError(f"{kind.capitalize()} expression name not found")
        inner_kind, inner = next(iter(argument.items()))
        if inner_kind != "equals-ignore-case":
            raise PatternSyntaxError(f"Unsupported {kind} pattern: {inner_kind}")
        text = _string(inner, "equals-ignore-case").casefold()
        if len(argument) > 1:
            raise PatternSyntaxError("Only one key allowed in match expression")
    else:
        text = _string(argument, kind)
    if kind == "prefix":
        if fold:
            return lambda value: type(value) is str and value.casefold().startswith(text)
        return lambda value: type(value) is str and value.startswith(text)
    if fold:
        return lambda value: type(value) is str and value.casefold().endswith(text)
    return lambda value: type(value) is str and value.endswith(text)


def _regex_predicate(pattern: re.Pattern[str]) -> Predicate:
    fullmatch = pattern.fullmatch
    return lambda value: type(value) is str and fullmatch(value) is not None


def _numeric_operand(argument: list[Any], index: int, operator: str, dialect: Dialect) -> float:
    if index >= len(argument):
        raise PatternSyntaxError(f"Value of {'equals' if operator == '=' else operator} must be numeric")
    return _number(argument[index], operator, dialect)


def _numeric(argument: Any, dialect: Dialect) -> Predicate:
    """`numeric`: ["=", n], [">"|">="|"<"|"<=", n] or [">"|">=", low, "<"|"<=", high], refused in the
    order and words of Event Ruler's parser, which reads the array token by token."""
    if not isinstance(argument, list):
        raise PatternSyntaxError("Value of numeric must be an array.")
    if not argument:
        raise PatternSyntaxError("Invalid member in numeric match: ]")
    first = argument[0]
    if not isinstance(first, str):
        raise PatternSyntaxError(f"Invalid member in numeric match: {token_text(first)}")
    if first not in ("=", *_LOWER_BOUNDS, *_UPPER_BOUNDS):
        raise PatternSyntaxError(f"Unrecognized numeric range operator: {first}")
    bound = _numeric_operand(argument, 1, first, dialect)
    if first in ("=", *_UPPER_BOUNDS):
        if len(argument) > 2:
            raise PatternSyntaxError("Too many elements in numeric expression")
        if first == "=":
            return lambda value: is_number(value) and value == bound
        upper_op = _UPPER_BOUNDS[first]
        return lambda value: is_number(value) and upper_op(value, bound)
    lower_op = _LOWER_BOUNDS[first]
    if len(argument) == 2:
        return lambda value: is_number(value) and lower_op(value, bound)
    second = argument[2]
    if not isinstance(second, str):
        raise PatternSyntaxError(f"Bad value in numeric range: {token_text(second)}")
    if second not in _UPPER_BOUNDS:
        raise PatternSyntaxError(f"Bad numeric range operator: {second}")
    upper = _numeric_operand(argument, 3, second, dialect)
    if len(argument) > 4:
        raise PatternSyntaxError("Too many terms in numeric range expression")
    if bound >= upper:
        raise PatternSyntaxError("Bottom must be less than top")
    upper_op = _UPPER_BOUNDS[second]
    return lambda value: is_number(value) and lower_op(value, bound) and upper_op(value, upper)


def _cidr(argument: Any) -> Predicate:
    # AWS words a non-string CIDR as it words a non-string prefix (recorded TestEventPattern answers).
    text = _string(argument, "prefix")
    address, slash, mask = text.partition("/")
    if not slash or "/" in mask:
        raise PatternSyntaxError("Malformed CIDR, one '/' required")
    try:
        bits = int(mask)
    except ValueError:
        raise PatternSyntaxError("Malformed CIDR, mask bits must be an integer") from None
    if bits < 0:
        raise PatternSyntaxError("Malformed CIDR, mask bits must not be negative")
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        raise PatternSyntaxError(f"Nonstandard IP address: {address}") from None
    if ip.version == 4 and bits > 32:
        raise PatternSyntaxError("IPv4 mask bits must be < 32")
    if ip.version == 6 and bits > 128:
        raise PatternSyntaxError("IPv6 mask bits must be < 128")
    network = ipaddress.ip_network(f"{address}/{bits}", strict=False)

    def inside(value: Any) -> bool:
        if type(value) is not str:
            return False
        try:
            return ipaddress.ip_address(value) in network
        except ValueError:
            return False

    return inside


_NOT_SINGLE_VALUE = "Value of anything-but must be an array or single string/number value."


def _anything_but(argument: Any, dialect: Dialect, condition: LeafCondition) -> Predicate:
    """The negation: any present leaf value that the inner match does not select."""
    if isinstance(argument, dict):
        inner = _anything_but_object(argument, dialect, condition)
        return lambda value: not inner(value)
    if isinstance(argument, list):
        values = argument
        for value in values:
            if isinstance(value, bool) or value is None or isinstance(value, dict | list):
                raise PatternSyntaxError("Inside anything but list, start|null|boolean is not supported.")
        kinds = {isinstance(value, str) for value in values}
        if len(kinds) != 1:  # empty, or strings and numbers together
            raise PatternSyntaxError(
                "Inside anything but list, either all values are number or string, "
                "mixed type is not supported"
            )
    elif isinstance(argument, str) or is_number(argument):
        values = [argument]
    else:
        raise PatternSyntaxError(_NOT_SINGLE_VALUE)
    excluded = LeafCondition()
    for value in values:
        _add_exact(excluded, value, dialect)
    return lambda value: not excluded.matches_leaf(value)


def _anything_but_object(argument: dict[str, Any], dialect: Dialect, condition: LeafCondition) -> Predicate:
    """`anything-but` of prefix / suffix / equals-ignore-case / wildcard, each with one value or a list."""
    if not argument:
        raise PatternSyntaxError("Anything-But expression name not found")
    kind, inner = next(iter(argument.items()))
    if len(argument) > 1:
        raise PatternSyntaxError("Only one key allowed in match expression")
    if kind not in dialect.anything_but_operators:
        raise PatternSyntaxError(f"Unsupported anything-but pattern: {kind}")
    if kind in ("prefix", "suffix"):
        if isinstance(inner, dict):
            raise PatternSyntaxError(_NOT_SINGLE_VALUE)
        options = inner if isinstance(inner, list) and dialect.anything_but_affix_lists else [inner]
        if not options or not all(isinstance(option, str) for option in options):
            raise PatternSyntaxError(dialect.anything_but_affix_message)
        if not all(options):
            raise PatternSyntaxError("Null prefix/suffix not allowed")
        affixes = tuple(options)
        if kind == "prefix":
            return lambda value: type(value) is str and value.startswith(affixes)
        return lambda value: type(value) is str and value.endswith(affixes)
    options = inner if isinstance(inner, list) else [inner]
    selected = LeafCondition()
    if kind == "equals-ignore-case":
        if not options or not all(isinstance(option, str) for option in options):
            raise PatternSyntaxError(
                "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported."
            )
    elif not options:  # wildcard
        raise PatternSyntaxError("wildcard match pattern must be a string")
    for option in options:
        _add_operator(selected, {kind: option}, dialect)
    condition.wildcards.extend(selected.wildcards)
    return selected.matches_leaf
