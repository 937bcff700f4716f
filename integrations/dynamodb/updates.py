"""DynamoDB update expressions: the `SET` and `REMOVE` clauses an idempotency record needs.

Supported: `SET path = :value | path (, ...)` and `REMOVE path (, ...)`, each clause at most once, on
top-level attributes, with `#name` and `:value` placeholders shared with the request's condition. Arithmetic
(`a + :n`), functions (`if_not_exists`, `list_append`), `ADD` and `DELETE` are refused with a
`ValidationException` naming what is not supported locally, rather than silently mis-applied. Grammar and
rules as DynamoDB documents them ("Update expressions", DynamoDB Developer Guide): a key attribute cannot be
updated, and an attribute may appear in one action only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from integrations.dynamodb.conditions import (
    AttributeValue,
    Condition,
    ConditionParser,
    ExpressionParser,
    check_all_used,
    invalid,
)

Item = dict[str, Any]
# One action: the attribute it changes, and its new value from the old item (None removes it).
Action = tuple[str, Callable[[Mapping[str, Any]], AttributeValue | None]]
_MISSING = "The provided expression refers to an attribute that does not exist in the item"

_CLAUSES = ("SET", "REMOVE", "ADD", "DELETE")


class UpdateParser(ExpressionParser):
    def parse(self) -> list[Action]:
        if not self.tokens:
            raise invalid(f"Invalid {self.kind}: The expression can not be empty;")
        actions: list[Action] = []
        seen: set[str] = set()
        while self._peek() is not None:
            clause = self._take().upper()
            if clause not in _CLAUSES:
                raise self.syntax_error(clause)
            if clause in seen:
                raise invalid(
                    f'Invalid {self.kind}: The "{clause}" section can only be used once in an update '
                    "expression;"
                )
            seen.add(clause)
            if clause in ("ADD", "DELETE"):
                raise invalid(f"Invalid {self.kind}: {clause} is not supported locally; use SET or REMOVE")
            while True:
                actions.append(self._set_action() if clause == "SET" else (self._path(), lambda old: None))
                if self._peek() != ",":
                    break
                self._take()
        return actions

    def _set_action(self) -> Action:
        path = self._path()
        self._take("=")
        token = self._take()
        if not (token.startswith((":", "#")) or token[0].isalpha() or token[0] == "_"):
            raise self.syntax_error(token)
        following = self._peek()
        if following == "(":
            raise invalid(f"Invalid {self.kind}: the function {token} is not supported locally")
        if following in ("+", "-"):
            raise invalid(f"Invalid {self.kind}: arithmetic ({following}) is not supported locally")
        if token.startswith(":"):
            value = self._value(token)
            return path, lambda old: value
        self.position -= 1
        source = self._path()

        def copy(old: Mapping[str, Any]) -> AttributeValue:
            if source not in old:
                raise invalid(_MISSING)
            value: AttributeValue = old[source]
            return value

        return path, copy


def compile_update(
    update_expression: str | None,
    condition_expression: str | None,
    names: Mapping[str, str] | None,
    values: Mapping[str, AttributeValue] | None,
    key_attributes: tuple[str, ...],
) -> tuple[Callable[[Mapping[str, Any]], Item], Condition | None]:
    """The update as a function old item -> new item, and the condition (None: unconditional)."""
    names, values = names or {}, values or {}
    used_names: set[str] = set()
    used_values: set[str] = set()
    actions: list[Action] = []
    last: ExpressionParser | None = None
    if update_expression:
        parser = UpdateParser(
            update_expression,
            names,
            values,
            "UpdateExpression",
            used_names=used_names,
            used_values=used_values,
        )
        actions = parser.parse()
        last = parser
    condition: Condition | None = None
    if condition_expression:
        condition_parser = ConditionParser(
            condition_expression, names, values, used_names=used_names, used_values=used_values
        )
        condition = condition_parser.parse()
        last = condition_parser
    check_all_used(last or ExpressionParser("", names, values))
    targets = [attribute for attribute, _ in actions]
    for attribute in targets:
        if attribute in key_attributes:
            raise invalid(
                "One or more parameter values were invalid: Cannot update attribute "
                f"{attribute}. This attribute is part of the key"
            )
        if targets.count(attribute) > 1:
            raise invalid(
                "Invalid UpdateExpression: Two document paths overlap with each other; must remove or "
                f"rewrite one of these paths; path one: [{attribute}], path two: [{attribute}]"
            )

    def apply(old: Mapping[str, Any]) -> Item:
        new = dict(old)
        for attribute, value_of in actions:
            value = value_of(old)
            if value is None:
                new.pop(attribute, None)
            else:
                new[attribute] = value
        return new

    return apply, condition
