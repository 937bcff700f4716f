"""A Choice rule in words: "Kind is TWEETED and Api is AAA", "HasPerson is true or HasFace is true".

A domain expert reviews the picture, so comparison operators become short phrases and paths lose their
`$.` prefix. JSONata rules (`Condition`) are shown as their expression, which already reads as one.
"""

from __future__ import annotations

import json
from typing import Any

# Comparison operator -> phrase; "…Path" variants compare with another field and are derived below.
_PHRASES = {
    "StringEquals": "is",
    "StringLessThan": "is before",
    "StringGreaterThan": "is after",
    "StringLessThanEquals": "is at or before",
    "StringGreaterThanEquals": "is at or after",
    "StringMatches": "matches",
    "NumericEquals": "=",
    "NumericLessThan": "<",
    "NumericGreaterThan": ">",
    "NumericLessThanEquals": "≤",
    "NumericGreaterThanEquals": "≥",
    "BooleanEquals": "is",
    "TimestampEquals": "is",
    "TimestampLessThan": "is before",
    "TimestampGreaterThan": "is after",
    "TimestampLessThanEquals": "is at or before",
    "TimestampGreaterThanEquals": "is at or after",
}
# Type tests: (phrase when true, phrase when false).
_TESTS = {
    "IsPresent": ("is present", "is absent"),
    "IsNull": ("is null", "is not null"),
    "IsString": ("is a string", "is not a string"),
    "IsNumeric": ("is a number", "is not a number"),
    "IsBoolean": ("is a boolean", "is not a boolean"),
    "IsTimestamp": ("is a timestamp", "is not a timestamp"),
}


def describe(rule: dict[str, Any]) -> str:
    """One Choice rule (or a nested And/Or/Not) as a phrase."""
    if "Condition" in rule:
        return jsonata_expression(rule["Condition"])
    compound = _compound(rule)
    if compound is not None:
        return compound
    variable = field_name(rule.get("Variable", "$"))
    for operator, (when_true, when_false) in _TESTS.items():
        if operator in rule:
            return f"{variable} {when_true if rule[operator] else when_false}"
    for operator, value in rule.items():
        compared = operator.removesuffix("Path")
        if compared in _PHRASES:
            # "…Path" operators compare with another field, named like the variable.
            other = field_name(value) if compared != operator else _value(value)
            return f"{variable} {_PHRASES[compared]} {other}"
    return json.dumps({k: v for k, v in rule.items() if k != "Next"}, sort_keys=True)


def _compound(rule: dict[str, Any]) -> str | None:
    if "And" in rule:
        return " and ".join(_nested(part) for part in rule["And"])
    if "Or" in rule:
        return " or ".join(_nested(part) for part in rule["Or"])
    if "Not" in rule:
        return f"not ({describe(rule['Not'])})"
    return None


def jsonata_expression(text: str) -> str:
    """`{% $x > 1 %}` -> `$x > 1`."""
    stripped = text.strip()
    if stripped.startswith("{%") and stripped.endswith("%}"):
        return stripped[2:-2].strip()
    return stripped


def field_name(path: str) -> str:
    """`$.Item.user.id_str` -> `Item.user.id_str`; the whole input (`$`) is "the input"."""
    if path == "$":
        return "the input"
    if path.startswith("$."):
        return path[2:]
    return path


def _nested(rule: dict[str, Any]) -> str:
    """A compound rule inside another one keeps its own grouping visible."""
    text = describe(rule)
    return f"({text})" if {"And", "Or"} & rule.keys() else text


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        # Bare words read best; an empty or spaced value needs quotes to be seen at all.
        return value if value and not any(c.isspace() for c in value) else json.dumps(value)
    return json.dumps(value)
