"""Syntax checks of the three expression languages an ASL definition embeds.

JSONPath paths and intrinsic functions are parsed with the engine's own parsers, and JSONata with the
same library the engine evaluates it with, so "valid here" means "the engine can run it".
"""

from __future__ import annotations

from typing import Any

import jsonata

from workflows.engine import IntrinsicSyntaxError, PathSyntaxError, compile_path, parse_intrinsic
from workflows.validation.problem import Findings, pointer

JSONATA_OPEN = "{%"
JSONATA_CLOSE = "%}"
INTRINSIC_PREFIX = "States."
DYNAMIC_SUFFIX = ".$"


def check_path(
    findings: Findings, state: str | None, at: str, value: Any, *, nullable: bool, reference: bool = False
) -> None:
    """A path such as `$.a.b`, `$$.Execution.Id` or `$var.field` (or null where allowed); a `reference`
    path (ResultPath) must name one node, so no wildcards, filters, slices or `..`."""
    if value is None and nullable:
        return
    if not isinstance(value, str):
        allowed = "a string path or null" if nullable else "a string path"
        findings.error(state, at, f"must be {allowed}, got {type(value).__name__}")
        return
    try:
        path = compile_path(value)
    except PathSyntaxError as exc:
        findings.error(state, at, f"bad JSONPath {value!r}: {exc}")
        return
    if reference and not path.is_reference:
        findings.error(
            state, at, f"{value!r} must be a reference path naming one node (no *, .., [?], [a:b])"
        )


def check_path_or_intrinsic(findings: Findings, state: str | None, at: str, value: Any) -> None:
    """The value of a `key.$` field: a path, or an intrinsic function call such as `States.Format(...)`."""
    if not isinstance(value, str):
        findings.error(
            state, at, f"must be a path or an intrinsic function string, got {type(value).__name__}"
        )
        return
    if value.startswith(INTRINSIC_PREFIX):
        try:
            parse_intrinsic(value)
        except IntrinsicSyntaxError as exc:
            findings.error(state, at, f"bad intrinsic function {value!r}: {exc}")
        return
    if not value.startswith("$"):
        findings.error(
            state, at, f"{value!r} is neither a path (starting with '$') nor an intrinsic function (States.…)"
        )
        return
    check_path(findings, state, at, value, nullable=False)


def check_template(findings: Findings, state: str | None, at: str, value: Any) -> None:
    """A JSONPath payload template: every `key.$` value anywhere inside is a path or intrinsic."""
    if isinstance(value, dict):
        for key, item in value.items():
            where = at + pointer(key)
            if key.endswith(DYNAMIC_SUFFIX):
                check_path_or_intrinsic(findings, state, where, item)
            else:
                check_template(findings, state, where, item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_template(findings, state, at + pointer(index), item)
    elif isinstance(value, str) and is_jsonata(value):
        findings.error(
            state,
            at,
            "a {% %} JSONata expression in a JSONPath state is plain text; "
            'set "QueryLanguage": "JSONata" on the state',
        )


def is_jsonata(value: str) -> bool:
    return value.lstrip().startswith(JSONATA_OPEN)


def check_jsonata_string(findings: Findings, state: str | None, at: str, value: str) -> None:
    """A `{% expression %}` string parses as JSONata."""
    text = value.strip()
    if not text.endswith(JSONATA_CLOSE):
        findings.error(state, at, "a JSONata expression starts with '{%' and must end with '%}'")
        return
    body = text[len(JSONATA_OPEN) : -len(JSONATA_CLOSE)]
    if not body.strip():
        findings.error(state, at, "empty JSONata expression '{% %}'")
        return
    try:
        jsonata.Jsonata(body)
    # jsonata-python raises JException for syntax errors, but a few malformed inputs escape its parser
    # as other exceptions; either way the expression cannot run, which is what the user needs to know.
    except Exception as exc:
        findings.error(state, at, f"bad JSONata {body.strip()!r}: {exc}")


def check_jsonata_tree(findings: Findings, state: str | None, at: str, value: Any) -> None:
    """Every `{% %}` string anywhere inside parses; JSONPath's `key.$` form is not used in JSONata."""
    if isinstance(value, dict):
        for key, item in value.items():
            where = at + pointer(key)
            if key.endswith(DYNAMIC_SUFFIX):
                findings.error(
                    state,
                    where,
                    f"{key!r}: the '.$' suffix is JSONPath syntax; in a JSONata state "
                    f"name the field {key[: -len(DYNAMIC_SUFFIX)]!r} and give it a {{% %}} value",
                )
            check_jsonata_tree(findings, state, where, item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_jsonata_tree(findings, state, at + pointer(index), item)
    elif isinstance(value, str) and is_jsonata(value):
        check_jsonata_string(findings, state, at, value)
