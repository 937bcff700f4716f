"""Pipes input templates: `<$.json.path>` and the reserved `<aws.pipes.*>` variables.

Inside a JSON string literal a placeholder inserts the value as text (JSON-escaped); outside one it
inserts the value as JSON. A template that is not JSON (plain text) gets values as text. A path that
finds nothing inserts `null` (or an empty string inside quotes).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from integrations.errors import ServiceError
from integrations.unicode_text import json_text

_PLACEHOLDER = re.compile(r"<(\$[^<>]*|aws\.pipes\.[a-z.-]+)>")
_STEP = re.compile(r"""\.([A-Za-z0-9_$@-]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]""")
_MISSING = object()
RESERVED = (
    "aws.pipes.pipe-arn",
    "aws.pipes.pipe-name",
    "aws.pipes.source-arn",
    "aws.pipes.enrichment-arn",
    "aws.pipes.target-arn",
    "aws.pipes.event.ingestion-time",
    "aws.pipes.event",
    "aws.pipes.event.json",
)


def invalid(message: str) -> ServiceError:
    return ServiceError("pipes", "ValidationException", message)


def _path_steps(path: str) -> list[str | int]:
    steps: list[str | int] = []
    at = 1  # after "$"
    while at < len(path):
        match = _STEP.match(path, at)
        if not match:
            raise invalid(f"InputTemplate: unsupported JSON path {path!r}")
        name, index, single, double = match.groups()
        steps.append(
            int(index) if index is not None else next(s for s in (name, single, double) if s is not None)
        )
        at = match.end()
    return steps


def _lookup(document: Any, steps: list[str | int]) -> Any:
    value = document
    for step in steps:
        in_list = isinstance(step, int) and isinstance(value, list) and step < len(value)
        in_object = isinstance(step, str) and isinstance(value, dict) and step in value
        if not (in_list or in_object):
            return _MISSING
        value = value[step]
    return value


class InputTemplate:
    """A compiled template; `render(event, variables)` gives the text sent to the target."""

    def __init__(self, template: str) -> None:
        self.template = template
        self.is_json = template.lstrip()[:1] in ("{", "[", '"')
        for match in _PLACEHOLDER.finditer(template):
            name = match.group(1)
            if name.startswith("$"):
                _path_steps(name)
            elif name not in RESERVED:
                raise invalid(f"InputTemplate: unknown variable <{name}>")

    def render(self, event: Mapping[str, Any], variables: Mapping[str, Any]) -> str:
        out: list[str] = []
        at = 0
        in_string = False
        for match in _PLACEHOLDER.finditer(self.template):
            literal = self.template[at : match.start()]
            out.append(literal)
            in_string = _toggle(in_string, literal) if self.is_json else True
            out.append(self._value(match.group(1), event, variables, in_string))
            at = match.end()
        out.append(self.template[at:])
        return "".join(out)

    def _value(self, name: str, event: Mapping[str, Any], variables: Mapping[str, Any], as_text: bool) -> str:
        if name.startswith("$"):
            value = _lookup(event, _path_steps(name))
        elif name in ("aws.pipes.event", "aws.pipes.event.json"):
            value = event
        else:
            value = variables.get(name, _MISSING)
        if value is _MISSING or value is None:
            return "" if as_text else "null"
        if not as_text:
            return json_text(value)
        text = value if isinstance(value, str) else json_text(value)
        return json_text(text)[1:-1] if self.is_json else text


def _toggle(in_string: bool, literal: str) -> bool:
    """Whether we are inside a JSON string after `literal` (quotes preceded by a backslash do not count)."""
    escaped = False
    for char in literal:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = in_string
        elif char == '"':
            in_string = not in_string
    return in_string
