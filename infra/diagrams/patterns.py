"""An EventBridge event pattern in words: "detail-type is MESSAGE_ANALYSED and
detail.Analysis.TextSentiment is NEGATIVE".

Fields join with "and" (all must match), a field's values with "or" (any may match), as EventBridge
matches them.
"""

from __future__ import annotations

import json
from typing import Any


def describe_pattern(pattern: dict[str, Any]) -> str:
    return " and ".join(_fields(pattern, prefix=""))


def _fields(pattern: dict[str, Any], prefix: str) -> list[str]:
    phrases: list[str] = []
    # Declaration order: the topology lists the fields a reader looks for first (detail-type) first.
    for key, value in pattern.items():
        if key == "$or":
            alternatives = [" and ".join(_fields(part, prefix)) for part in value]
            phrases.append("(" + " or ".join(alternatives) + ")")
        elif isinstance(value, dict):
            phrases.extend(_fields(value, f"{prefix}{key}."))
        else:
            phrases.append(_field(f"{prefix}{key}", value))
    return phrases


def _field(name: str, matchers: list[Any]) -> str:
    if name == "source" and matchers == [{"prefix": ""}]:
        return "every event"  # every event has a source: EventBridge's idiom for "match anything"
    parts = [_matcher(name, matcher) for matcher in matchers]
    # Plain values read as "is A or B"; other matchers keep their own subject.
    values = [p for p in parts if p.startswith("is ") and not p.startswith("is not ")]
    others = [f"{name} {p}" for p in parts if p not in values]
    if values:
        others.insert(0, f"{name} is " + " or ".join(v[3:] for v in values))
    return others[0] if len(others) == 1 else "(" + " or ".join(others) + ")"


# Content filters that read as "<field> <phrase>"; exists, anything-but and numeric need more words.
_TEMPLATES = {
    "prefix": "starts with {}",
    "suffix": "ends with {}",
    "equals-ignore-case": "is {} (any case)",
    "wildcard": "matches {}",
    "cidr": "is in {}",
}


def _matcher(name: str, matcher: Any) -> str:
    if not isinstance(matcher, dict):
        return "is " + (json.dumps(matcher) if matcher is None or matcher == "" else str(matcher))
    (operator, operand), *_ = matcher.items()
    if operator in _TEMPLATES:
        return _TEMPLATES[operator].format(_literal(operand))
    if operator == "exists":
        return "exists" if operand else "does not exist"
    if operator == "anything-but":
        return _anything_but(name, operand)
    if operator == "numeric":
        pairs = [f"{operand[i]} {operand[i + 1]}" for i in range(0, len(operand), 2)]
        return "is " + " and ".join(pairs)
    return json.dumps(matcher, sort_keys=True)


def _anything_but(name: str, operand: Any) -> str:
    if isinstance(operand, dict):  # {"anything-but": {"prefix": "x"}}
        return "does not " + _matcher(name, operand).replace("starts", "start").replace("ends", "end")
    values = operand if isinstance(operand, list) else [operand]
    if len(values) == 1:
        return f"is not {values[0]}"
    return "is none of " + ", ".join(str(v) for v in values)


def _literal(value: Any) -> str:
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return json.dumps(value) if value == "" or " " in str(value) else str(value)
