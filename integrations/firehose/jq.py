"""The small part of jq that Firehose metadata-extraction queries use in practice.

Supported: a path (`.a.b`, `."detail-type"`, `.["detail-type"]`, `.a[0]`, `.a.b["c"]`) and an object of
paths (`{detailType: ."detail-type", source: .source}`). Anything else is refused when the delivery
stream is created, so an unsupported query never silently misfiles records.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

Step = str | int

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_INT = re.compile(r"-?\d+")


class JqSyntaxError(ValueError):
    """The query uses jq beyond the supported forms."""


@dataclass(frozen=True)
class Query:
    """A compiled query: one path, or named paths."""

    paths: Mapping[str, tuple[Step, ...]] | tuple[Step, ...]

    def evaluate(self, document: Any) -> Any:
        if isinstance(self.paths, tuple):
            return _walk(document, self.paths)
        return {name: _walk(document, path) for name, path in self.paths.items()}


def _walk(document: Any, path: tuple[Step, ...]) -> Any:
    value = document
    for step in path:
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and -len(value) <= step < len(value) else None
        else:
            value = value.get(step) if isinstance(value, dict) else None
        if value is None:
            return None
    return value


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def fail(self, what: str) -> JqSyntaxError:
        return JqSyntaxError(f"unsupported jq at offset {self.at} of {self.text!r}: {what}")

    def skip(self) -> None:
        while self.at < len(self.text) and self.text[self.at].isspace():
            self.at += 1

    def peek(self) -> str:
        self.skip()
        return self.text[self.at : self.at + 1]

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise self.fail(f"expected {char!r}")
        self.at += 1

    def match(self, pattern: re.Pattern[str]) -> str | None:
        self.skip()
        found = pattern.match(self.text, self.at)
        if not found:
            return None
        self.at = found.end()
        return found.group()

    def query(self) -> Query:
        paths: Mapping[str, tuple[Step, ...]] | tuple[Step, ...]
        paths = self.object() if self.peek() == "{" else self.path()
        if self.peek():
            raise self.fail("trailing text")
        return Query(paths)

    def object(self) -> dict[str, tuple[Step, ...]]:
        self.expect("{")
        fields: dict[str, tuple[Step, ...]] = {}
        while True:
            name = self.match(_IDENT) or self.string()
            if name is None:
                raise self.fail("expected a field name")
            self.expect(":")
            fields[name] = self.path()
            if self.peek() == "}":
                self.at += 1
                return fields
            self.expect(",")

    def string(self) -> str | None:
        token = self.match(_STRING)
        return None if token is None else json.loads(token)

    def path(self) -> tuple[Step, ...]:
        self.expect(".")
        steps: list[Step] = []
        first = True
        while True:
            if self.text[self.at : self.at + 1] == "[":
                self.at += 1
                steps.append(self.subscript())
                self.expect("]")
            elif first or self.text[self.at : self.at + 1] == ".":
                if not first:
                    self.at += 1
                name = self.match(_IDENT) or self.string()
                if name is None:
                    if first and not steps:
                        first = False
                        continue  # the identity path `.` or `.[...]`
                    raise self.fail("expected a field name after '.'")
                steps.append(name)
            else:
                return tuple(steps)
            first = False

    def subscript(self) -> Step:
        text = self.string()
        if text is not None:
            return text
        number = self.match(_INT)
        if number is None:
            raise self.fail("expected a string or an integer subscript")
        return int(number)


@lru_cache(maxsize=64)
def compile_query(text: str) -> Query:
    """Compile a metadata-extraction query (raises `JqSyntaxError` on unsupported jq); cached, as
    every record of a partitioned stream is evaluated with the same query."""
    return _Parser(text.strip()).query()
