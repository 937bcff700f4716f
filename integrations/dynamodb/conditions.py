"""DynamoDB condition expressions: the subset a conditional write needs, parsed and evaluated.

Supported: `attribute_exists(path)`, `attribute_not_exists(path)`, comparisons `= <> < <= > >=` between
a path and a `:value` (or two of either), `AND`, `OR`, `NOT` and parentheses, with `#name` and `:value`
placeholders. Anything else is refused with DynamoDB's `ValidationException` wording rather than
silently mis-evaluated. `ExpressionParser` is also the base of the update-expression parser
(`integrations.dynamodb.updates`): both share the tokens, the placeholders and the check that every
placeholder given is used by one of the request's expressions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any

from integrations.errors import ServiceError

AttributeValue = Mapping[str, Any]
Item = Mapping[str, AttributeValue]
Condition = Callable[[Item], bool]

_TOKEN = re.compile(
    r"\s*(?:(?P<op><>|<=|>=|=|<|>)|(?P<punct>[(),+\-])|(?P<word>[#:]?[A-Za-z_][A-Za-z0-9_.\-]*))"
)
_COMPARATORS: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def invalid(message: str) -> ServiceError:
    return ServiceError("dynamodb", "ValidationException", message)


@lru_cache(maxsize=512)
def _tokenize(expression: str, kind: str) -> tuple[str, ...]:
    """The expression's tokens, once per expression text: a workflow sends the same few expressions with
    every item it writes."""
    tokens: list[str] = []
    position = 0
    while position < len(expression):
        if expression[position:].strip() == "":
            break
        match = _TOKEN.match(expression, position)
        if not match:
            raise invalid(f'Invalid {kind}: Syntax error; token: "{expression[position:]}"')
        tokens.append(match.group(match.lastgroup or "word"))
        position = match.end()
    return tuple(tokens)


def _comparable(value: AttributeValue) -> Any:
    """The Python value DynamoDB compares: numbers numerically, everything else by its own type."""
    ((kind, raw),) = value.items()
    return (kind, Decimal(raw)) if kind == "N" else (kind, raw)


def _either(a: Condition, b: Condition) -> Condition:
    return lambda item: a(item) or b(item)


def _both(a: Condition, b: Condition) -> Condition:
    return lambda item: a(item) and b(item)


class ExpressionParser:
    """Tokens, `#name`/`:value` placeholders and paths of one expression (`kind` names it in errors)."""

    def __init__(
        self,
        expression: str,
        names: Mapping[str, str],
        values: Mapping[str, AttributeValue],
        kind: str = "ConditionExpression",
        *,
        used_names: set[str] | None = None,
        used_values: set[str] | None = None,
    ) -> None:
        self.kind = kind
        self.tokens = _tokenize(expression, kind)
        self.position = 0
        self.names = names
        self.values = values
        # Shared between the expressions of one request: a placeholder is unused only if none uses it.
        self.used_names: set[str] = used_names if used_names is not None else set()
        self.used_values: set[str] = used_values if used_values is not None else set()

    def syntax_error(self, token: str | None) -> ServiceError:
        return invalid(f'Invalid {self.kind}: Syntax error; token: "{token or "<EOF>"}"')

    def _peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self, expected: str | None = None) -> str:
        token = self._peek()
        if token is None or (expected is not None and token.upper() != expected):
            raise self.syntax_error(token)
        self.position += 1
        return token

    def _value(self, token: str) -> AttributeValue:
        if token not in self.values:
            raise invalid(
                f"Invalid {self.kind}: An expression attribute value used in expression is not "
                f"defined; attribute value: {token}"
            )
        self.used_values.add(token)
        return self.values[token]

    def _path(self) -> str:
        token = self._take()
        if token.startswith("#"):
            if token not in self.names:
                raise invalid(
                    f"Invalid {self.kind}: An expression attribute name used in the document path is "
                    f"not defined; attribute name: {token}"
                )
            self.used_names.add(token)
            return self.names[token]
        if token.startswith(":") or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", token):
            raise invalid(
                f"Invalid {self.kind}: only top-level attribute names are supported locally: {token}"
            )
        return token


def check_all_used(parser: ExpressionParser) -> None:
    """DynamoDB refuses a request that defines a placeholder none of its expressions uses."""
    unused = [("Names", name) for name in sorted(set(parser.names) - parser.used_names)]
    unused += [("Values", value) for value in sorted(set(parser.values) - parser.used_values)]
    for kind, placeholder in unused[:1]:
        raise invalid(
            f"Value provided in ExpressionAttribute{kind} unused in expressions: keys: {{{placeholder}}}"
        )


class ConditionParser(ExpressionParser):
    """Recursive descent: or_expr := and_expr (OR and_expr)*; and_expr := unary (AND unary)*."""

    def parse(self) -> Condition:
        if not self.tokens:
            raise invalid(f"Invalid {self.kind}: The expression can not be empty;")
        condition = self._or()
        if self.position != len(self.tokens):
            raise self.syntax_error(self.tokens[self.position])
        return condition

    def _or(self) -> Condition:
        left = self._and()
        while (self._peek() or "").upper() == "OR":
            self._take()
            right = self._and()
            left = _either(left, right)
        return left

    def _and(self) -> Condition:
        left = self._unary()
        while (self._peek() or "").upper() == "AND":
            self._take()
            right = self._unary()
            left = _both(left, right)
        return left

    def _unary(self) -> Condition:
        token = self._peek()
        if token is not None and token.upper() == "NOT":
            self._take()
            inner = self._unary()
            return lambda item: not inner(item)
        if token == "(":
            self._take()
            inner = self._or()
            self._take(")")
            return inner
        if token in ("attribute_exists", "attribute_not_exists"):
            self._take()
            self._take("(")
            path = self._path()
            self._take(")")
            if token == "attribute_exists":
                return lambda item: path in item
            return lambda item: path not in item
        return self._comparison()

    def _comparison(self) -> Condition:
        left = self._operand()
        operator = self._take()
        if operator not in _COMPARATORS:
            raise self.syntax_error(operator)
        right = self._operand()
        compare = _COMPARATORS[operator]

        def evaluate(item: Item) -> bool:
            a, b = left(item), right(item)
            if a is None or b is None or a[0] != b[0]:
                # A missing attribute or a type mismatch makes every comparison false, as in DynamoDB.
                return False
            return compare(a[1], b[1])

        return evaluate

    def _operand(self) -> Callable[[Item], Any]:
        token = self._peek() or ""
        if token.startswith(":"):
            self._take()
            constant = _comparable(self._value(token))
            return lambda item: constant
        path = self._path()
        return lambda item: _comparable(item[path]) if path in item else None


def compile_condition(
    expression: str | None,
    names: Mapping[str, str] | None = None,
    values: Mapping[str, AttributeValue] | None = None,
) -> Condition | None:
    """Parse a ConditionExpression into a predicate over an item (or raise ValidationException); a
    request without one (None or "") has no condition."""
    if not expression:
        return None
    parser = ConditionParser(expression, names or {}, values or {})
    condition = parser.parse()
    check_all_used(parser)
    return condition
