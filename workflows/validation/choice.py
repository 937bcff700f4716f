"""Checks of a Choice state's rules, in both query languages.

A JSONPath rule is either a comparison (`Variable` plus exactly one operator) or a Boolean combination
(`And`, `Or`, `Not`) of nested rules; only top-level rules carry `Next` (and `Assign`). A JSONata rule is a
`Condition` expression with its `Next`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from workflows.validation.expressions import (
    check_jsonata_string,
    check_jsonata_tree,
    check_path,
    check_template,
    is_jsonata,
)
from workflows.validation.problem import Findings, pointer


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_timestamp(value: Any) -> bool:
    """RFC 3339 as Step Functions requires it: an uppercase T, and Z or a numeric offset."""
    if not isinstance(value, str) or "T" not in value:
        return False
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


_KINDS: dict[str, tuple[str, Any]] = {
    "String": ("a string", lambda value: isinstance(value, str)),
    "Numeric": ("a number", _is_number),
    "Boolean": ("true or false", lambda value: isinstance(value, bool)),
    "Timestamp": ("an RFC 3339 timestamp such as 2024-01-31T12:00:00Z", is_timestamp),
}
_RELATIONS = ("Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals")

# operator name -> (what the value must be, predicate); the *Path forms take a path instead.
OPERATORS: dict[str, tuple[str, Any]] = {}
for _kind, _rule in _KINDS.items():
    for _relation in _RELATIONS if _kind != "Boolean" else ("Equals",):
        OPERATORS[_kind + _relation] = _rule
OPERATORS["StringMatches"] = _KINDS["String"]
PATH_OPERATORS = frozenset(name + "Path" for name in OPERATORS if name != "StringMatches")
for _test in ("IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"):
    OPERATORS[_test] = _KINDS["Boolean"]
COMBINATORS = ("And", "Or", "Not")
TOP_LEVEL_ONLY = frozenset({"Next", "Assign"})
JSONATA_RULE_FIELDS = frozenset({"Condition", "Next", "Assign", "Output", "Comment"})


def check_jsonpath_rule(findings: Findings, state: str, at: str, rule: Any, *, top_level: bool) -> None:
    if not isinstance(rule, dict):
        findings.error(state, at, "a choice rule must be an object")
        return
    known = {"Variable", "Comment", *OPERATORS, *PATH_OPERATORS, *COMBINATORS, *TOP_LEVEL_ONLY}
    for field in sorted(set(rule) - known):
        hint = ' (Condition is JSONata; set "QueryLanguage": "JSONata")' if field == "Condition" else ""
        findings.error(state, at + pointer(field), f"unknown field {field!r} in a choice rule{hint}")
    if top_level and "Next" not in rule:
        findings.error(state, at, "a top-level choice rule needs Next")
    for field in sorted(TOP_LEVEL_ONLY & set(rule)):
        if not top_level:
            findings.error(state, at + pointer(field), f"{field} is only allowed on a top-level choice rule")
    if "Assign" in rule:
        check_template(findings, state, at + pointer("Assign"), rule["Assign"])

    operators = [name for name in rule if name in OPERATORS or name in PATH_OPERATORS]
    combinators = [name for name in rule if name in COMBINATORS]
    if len(operators) + len(combinators) != 1:
        found = ", ".join(operators + combinators) or "none"
        findings.error(
            state, at, f"a choice rule needs exactly one comparison operator or And/Or/Not (found: {found})"
        )
    if combinators:
        if "Variable" in rule:
            findings.error(state, at + pointer("Variable"), "And/Or/Not rules do not take a Variable")
        for name in combinators:
            _check_combinator(findings, state, at + pointer(name), name, rule[name])
    elif operators:
        _check_comparison(findings, state, at, rule, operators)


def _check_comparison(
    findings: Findings, state: str, at: str, rule: dict[str, Any], operators: list[str]
) -> None:
    if "Variable" not in rule:
        findings.error(state, at, f"the comparison {operators[0]} needs a Variable")
    else:
        check_path(findings, state, at + pointer("Variable"), rule["Variable"], nullable=False)
    for name in operators:
        where = at + pointer(name)
        if name in PATH_OPERATORS:
            check_path(findings, state, where, rule[name], nullable=False)
            continue
        expected, accepts = OPERATORS[name]
        if not accepts(rule[name]):
            findings.error(state, where, f"{name} needs {expected}, got {rule[name]!r}")


def _check_combinator(findings: Findings, state: str, at: str, name: str, value: Any) -> None:
    if name == "Not":
        check_jsonpath_rule(findings, state, at, value, top_level=False)
        return
    if not isinstance(value, list) or not value:
        findings.error(state, at, f"{name} needs a non-empty array of choice rules")
        return
    for index, nested in enumerate(value):
        check_jsonpath_rule(findings, state, at + pointer(index), nested, top_level=False)


def check_jsonata_rule(findings: Findings, state: str, at: str, rule: Any) -> None:
    if not isinstance(rule, dict):
        findings.error(state, at, "a choice rule must be an object")
        return
    for field in sorted(set(rule) - JSONATA_RULE_FIELDS):
        hint = (
            " (Variable and comparison operators are JSONPath; write a Condition)"
            if field == "Variable" or field in OPERATORS or field in PATH_OPERATORS or field in COMBINATORS
            else ""
        )
        findings.error(state, at + pointer(field), f"unknown field {field!r} in a JSONata choice rule{hint}")
    for required in ("Condition", "Next"):
        if required not in rule:
            findings.error(state, at, f"a JSONata choice rule needs {required}")
    condition = rule.get("Condition")
    if isinstance(condition, str) and is_jsonata(condition):
        check_jsonata_string(findings, state, at + pointer("Condition"), condition)
    elif "Condition" in rule and not isinstance(condition, bool):
        findings.error(state, at + pointer("Condition"), "Condition must be a {% %} JSONata expression")
    for field in ("Assign", "Output"):
        if field in rule:
            check_jsonata_tree(findings, state, at + pointer(field), rule[field])
