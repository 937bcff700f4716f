"""The intrinsic function call syntax: `States.Name(arg, ...)` with literals, paths and nested calls.

String literals are single-quoted; inside them `\\'`, `\\{`, `\\}` and `\\\\` are escapes. The raw text
is kept because `States.Format` must tell an escaped `\\{` from a `{}` placeholder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from workflows.engine.errors import IntrinsicSyntaxError, PathSyntaxError
from workflows.engine.jsonpath import Path, compile_path

_FUNCTION_NAME = re.compile(r"States\.[A-Za-z0-9]+")
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
MAX_NESTING = 64  # deeper nesting is certainly a mistake, and would exhaust Python's stack
_KEYWORDS = {"true": True, "false": False, "null": None}


@dataclass(frozen=True, slots=True)
class Literal:
    value: Any
    raw: str | None = None  # a string literal's text between the quotes, escapes intact


@dataclass(frozen=True, slots=True)
class PathArgument:
    path: Path


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    arguments: tuple[Literal | PathArgument | Call, ...]
    source: str


Argument = Literal | PathArgument | Call


@lru_cache(maxsize=2048)
def parse_intrinsic(expression: str) -> Call:
    """Parse `States.Name(...)`; IntrinsicSyntaxError names the problem and its position."""
    if not isinstance(expression, str):
        raise IntrinsicSyntaxError(f"an intrinsic function must be a string, got {type(expression).__name__}")
    parser = _Parser(expression)
    call = parser.read_call()
    parser.skip_spaces()
    if parser.at != len(expression):
        raise parser.fail("unexpected text after the closing ')'")
    return call


def unescape(raw: str) -> str:
    """The value of a string literal: each backslash escapes the character after it."""
    return re.sub(r"\\(.)", r"\1", raw, flags=re.DOTALL)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0
        self.depth = 0

    def fail(self, message: str) -> IntrinsicSyntaxError:
        return IntrinsicSyntaxError(f"{message} at position {self.at} of {self.text!r}")

    def skip_spaces(self) -> None:
        while self.at < len(self.text) and self.text[self.at] in " \t\r\n":
            self.at += 1

    def read_call(self) -> Call:
        from workflows.engine.intrinsics import FUNCTIONS

        start = self.at
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.fail(f"calls nested more than {MAX_NESTING} levels deep")
        match = _FUNCTION_NAME.match(self.text, self.at)
        if not match:
            raise self.fail("expected an intrinsic function name such as States.Format")
        name = match.group()
        if name not in FUNCTIONS:
            raise self.fail(f"unknown intrinsic function {name}")
        self.at = match.end()
        if self.text[self.at : self.at + 1] != "(":
            raise self.fail(f"expected '(' after {name}")
        self.at += 1
        arguments: list[Argument] = []
        self.skip_spaces()
        if self.text[self.at : self.at + 1] == ")":
            self.at += 1
            self.depth -= 1
            return Call(name, (), self.text[start : self.at])
        while True:
            self.skip_spaces()
            arguments.append(self.read_argument())
            self.skip_spaces()
            char = self.text[self.at : self.at + 1]
            self.at += 1
            if char == ")":
                self.depth -= 1
                return Call(name, tuple(arguments), self.text[start : self.at])
            if char != ",":
                self.at -= 1
                raise self.fail("expected ',' or ')'")

    def read_argument(self) -> Argument:
        char = self.text[self.at : self.at + 1]
        if char == "'":
            return self.read_string()
        if char == "$":
            return self.read_path()
        if self.text.startswith("States.", self.at):
            return self.read_call()
        match = _NUMBER.match(self.text, self.at)
        if match:
            self.at = match.end()
            token = match.group()
            return Literal(float(token) if match.group(1) or match.group(2) else int(token))
        for word, value in _KEYWORDS.items():
            if self.text.startswith(word, self.at):
                self.at += len(word)
                return Literal(value)
        raise self.fail("expected a 'string', a number, true, false, null, a $path or a States. call")

    def read_string(self) -> Literal:
        self.at += 1
        start = self.at
        text = self.text
        while self.at < len(text) and text[self.at] != "'":
            self.at += 2 if text[self.at] == "\\" else 1
        if self.at >= len(text):
            raise self.fail("unterminated string literal")
        raw = text[start : self.at]
        self.at += 1
        return Literal(unescape(raw), raw)

    def read_path(self) -> PathArgument:
        start = self.at
        depth = 0
        quote = ""
        text = self.text
        while self.at < len(text):
            char = text[self.at]
            if quote:
                if char == "\\":
                    self.at += 1
                elif char == quote:
                    quote = ""
            elif char in "'\"":
                quote = char
            elif char in "[(":
                depth += 1
            elif char in "])":
                if depth == 0:
                    break
                depth -= 1
            elif char == "," and depth == 0:
                break
            self.at += 1
        source = text[start : self.at].rstrip()
        try:
            return PathArgument(compile_path(source))
        except PathSyntaxError as exc:
            raise IntrinsicSyntaxError(f"bad path argument: {exc}") from None
