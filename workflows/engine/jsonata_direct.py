"""Direct routes for JSONata expressions whose answer needs no interpreter: each takes an expression's
text and returns a reader of the bindings that answers exactly as the library would, or raises
`Fallback` when it cannot be sure (an array on a path, a missing field, a value of another type, a
function a workflow variable hides), and the library then evaluates the expression.

* a read, `$name.field…` (`$states.input.detail.Twitter`, `$TableName`): most of the workflows'
  expressions;
* the epoch seconds of a context timestamp, `$string($floor($toMillis(<read>) / 1000) + n)`, that
  idempotency records and leases are written in;
* a small expression of reads and string literals joined by `&`, `=`, `!=`, `in [...]`, `and`, `or`,
  `$exists(<read>)` and `$not(...)` (`'analyse#' & $states.input.TweetId`, `$states.input.Intent =
  'Joke'`), on strings and booleans only.

Each saves the library's interpretation and the conversion of every binding it reads (the whole
`$states`) into the library's form. In the library, the reads were a tenth of a text message's CPU, the
epoch seconds 1.5 ms of it and the small expressions 0.75 ms (`benchmarks/README.md`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

MAX_SAFE_INTEGER = 2**53
Bindings = Mapping[str, Any]
Reader = Callable[[Bindings], Any]

# `$name.field.field…` with plain names: JSONata's reserved words would parse as operators, not fields.
_READ = re.compile(r"\$([A-Za-z_]\w*)((?:\.[A-Za-z_]\w*)*)", re.ASCII)
_RESERVED = frozenset({"and", "or", "in", "true", "false", "null", "function"})


class Fallback(Exception):
    """A direct route cannot answer exactly as the library would: let the library evaluate it."""


def direct_route(body: str) -> Reader | None:
    """A reader for `body` that needs no interpreter, or None when no direct route takes it."""
    return _direct_read(body) or _epoch_seconds(body) or _small_expression(body)


def _path(text: str) -> tuple[str, list[str]] | None:
    """`$name.field…` as (name, fields), or None for anything else."""
    match = _READ.fullmatch(text)
    if match is None:
        return None
    fields = match.group(2).split(".")[1:]
    return None if _RESERVED.intersection(fields) else (match.group(1), fields)


def _direct_read(body: str) -> Reader | None:
    """For `$name.field…`, a reader of the bindings that answers as the library would, or raises
    Fallback; None for any other expression."""
    path = _path(body)
    if path is None:
        return None
    name, fields = path

    def read(bindings: Bindings) -> Any:
        value = _walk(bindings, name, fields)
        if value is _NOWHERE:  # undefined: an error here, the library's to say
            raise Fallback
        return _json_copy(value)

    return read


_NOWHERE = object()  # where a path leads when it leads to no value (JSONata's undefined)


def _walk(bindings: Bindings, name: str, fields: list[str]) -> Any:
    """The value at `$name.field…`, or _NOWHERE; a step over an array (which JSONata maps over its items
    and flattens) is the library's to take."""
    if name not in bindings:
        return _NOWHERE
    value = bindings[name]
    for step in fields:
        if type(value) is list:
            raise Fallback
        if type(value) is not dict or step not in value:
            return _NOWHERE
        value = value[step]
    return value


# `$string($floor($toMillis(<read>) / 1000) [+ <integer> | + <read>])`: the epoch seconds that DynamoDB's
# TTL and the idempotency records' leases are written in, from a context object's timestamp. Every
# claim and mark writes two or three (a twentieth of a text message's CPU went to them in the library).
_EPOCH_SECONDS = re.compile(
    r"\$string\(\s*\$floor\(\s*\$toMillis\(\s*(?P<time>\$\w+(?:\.\w+)*)\s*\)\s*/\s*1000\s*\)"
    r"(?:\s*\+\s*(?:(?P<number>\d{1,9})|(?P<offset>\$\w+(?:\.\w+)*)))?\s*\)",
    re.ASCII,
)
# The one form answered directly: the context object's `2024-01-01T00:00:00.000Z` (any other the library
# reads as ISO 8601 allows).
_CONTEXT_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z", re.ASCII)
_FUNCTIONS_READ = frozenset({"string", "floor", "toMillis"})
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND = timedelta(milliseconds=1)


def _epoch_seconds(body: str) -> Reader | None:
    """For the epoch-seconds expression above, a reader that answers as the library would (a string of
    digits), or raises Fallback; None for any other expression."""
    match = _EPOCH_SECONDS.fullmatch(body)
    if match is None:
        return None
    read_time = _direct_read(match["time"])
    read_offset = _direct_read(match["offset"]) if match["offset"] else None
    if read_time is None or (match["offset"] and read_offset is None):
        return None
    constant = int(match["number"] or 0)

    def read(bindings: Bindings) -> Any:
        if not _FUNCTIONS_READ.isdisjoint(bindings):  # a workflow variable hides the function
            raise Fallback
        moment = read_time(bindings)
        offset = constant if read_offset is None else read_offset(bindings)
        if type(moment) is not str or not _CONTEXT_TIME.fullmatch(moment) or type(offset) is not int:
            raise Fallback
        try:
            millis = (datetime.fromisoformat(moment[:-1] + "+00:00") - _UNIX_EPOCH) // _MILLISECOND
        except ValueError:  # not a day of the calendar: the library's error to give
            raise Fallback from None
        seconds = millis // 1000 + offset
        if abs(seconds) >= 10**15:  # past where $string writes every digit of a number
            raise Fallback
        return str(seconds)

    return read


def _json_copy(value: Any) -> Any:
    """The value as the library route returns it: a copy, whole floats as ints; a function is no JSON."""
    kind = type(value)
    if kind is dict:
        return {key: _json_copy(item) for key, item in value.items()}
    if kind is list:
        return [_json_copy(item) for item in value]
    if kind is float:
        return int(value) if value.is_integer() and abs(value) < MAX_SAFE_INTEGER else value
    if value is None or kind in (str, int, bool):
        return value
    raise Fallback


# -- small expressions ----------------------------------------------------------------------------------
# Tokens: string literals without escapes, the two functions' calls, reads, operators and the words.
_TOKEN = re.compile(
    r"""\s*(?:(?P<string>'[^'\\]*'|"[^"\\]*")|(?P<call>\$(?:exists|not)\()"""
    r"""|(?P<read>\$[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)|(?P<op>!=|=|&|\[|\]|,|\))"""
    r"""|(?P<word>and|or|in)(?![\w$]))""",
    re.ASCII,
)
_FUNCTIONS_CALLED = frozenset({"exists", "not"})
Token = tuple[str, str]


class _Unsupported(Exception):
    """The expression is not one of the small ones: no direct route."""


def _small_expression(body: str) -> Reader | None:
    tokens: list[Token] = []
    position = 0
    while body[position:].strip():
        match = _TOKEN.match(body, position)
        if match is None:
            return None
        kind = match.lastgroup or ""
        tokens.append((kind, match[kind]))
        position = match.end()
    if not any(kind in ("op", "word", "call") for kind, _ in tokens):
        return None  # a lone read or string: the read route's, or not worth one
    try:
        parser = _SmallParser(tokens)
        reader = parser.disjunction()
        if parser.position != len(tokens):
            raise _Unsupported
    except _Unsupported:
        return None
    calls = _FUNCTIONS_CALLED if any(kind == "call" for kind, _ in tokens) else frozenset()

    def read(bindings: Bindings) -> Any:
        if calls and not calls.isdisjoint(bindings):  # a workflow variable hides the function
            raise Fallback
        return reader(bindings)

    return read


class _SmallParser:
    """JSONata's precedence: `&` binds tighter than `=`, `!=` and `in`, which bind tighter than `and`,
    then `or` (https://docs.jsonata.org/other-operators, "Operator precedence" in the reference)."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.position = 0

    def _peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self, kind: str, text: str | None = None) -> str:
        token = self._peek()
        if token is None or token[0] != kind or (text is not None and token[1] != text):
            raise _Unsupported
        self.position += 1
        return token[1]

    def _next_is(self, kind: str, text: str) -> bool:
        return self._peek() == (kind, text)

    def disjunction(self) -> Reader:
        return self._chain(self.conjunction, "or")

    def conjunction(self) -> Reader:
        return self._chain(self.comparison, "and")

    def _chain(self, operand: Callable[[], Reader], word: str) -> Reader:
        left = operand()
        while self._next_is("word", word):
            self.position += 1
            left = _logical(left, operand(), both=word == "and")
        return left

    def comparison(self) -> Reader:
        left = self.concatenation()
        if self._next_is("op", "=") or self._next_is("op", "!="):
            negate = self._take("op") == "!="
            return _equal(left, self.concatenation(), negate)
        if self._next_is("word", "in"):
            self.position += 1
            self._take("op", "[")
            items = {self._take("string")[1:-1]}
            while self._next_is("op", ","):
                self.position += 1
                items.add(self._take("string")[1:-1])
            self._take("op", "]")
            return _member(left, frozenset(items))
        return left

    def concatenation(self) -> Reader:
        left = self.operand()
        while self._next_is("op", "&"):
            self.position += 1
            left = _joined(left, self.operand())
        return left

    def operand(self) -> Reader:
        token = self._peek()
        if token is None:
            raise _Unsupported
        kind, text = token
        self.position += 1
        if kind == "string":
            literal = text[1:-1]
            return lambda bindings: literal
        if kind == "read":
            reader = _direct_read(text)
            if reader is None:
                raise _Unsupported
            return reader
        if text == "$exists(":
            exists = _exists(self._take("read"))
            self._take("op", ")")
            return exists
        if text == "$not(":
            inner = self.disjunction()
            self._take("op", ")")
            return _negated(inner)
        raise _Unsupported


def _strings(left: Reader, right: Reader, bindings: Bindings) -> tuple[str, str]:
    # JSONata compares and joins other types by its own rules ($string's number formats, deep equality,
    # undefined operands): the library's to apply.
    a, b = left(bindings), right(bindings)
    if type(a) is not str or type(b) is not str:
        raise Fallback
    return a, b


def _booleans(value: Any) -> bool:
    if type(value) is not bool:  # `and`, `or` and $not cast other values with $boolean: the library's
        raise Fallback
    return value


def _logical(left: Reader, right: Reader, *, both: bool) -> Reader:
    # Both sides are evaluated: neither can fail in the library, so skipping one cannot change an answer.
    if both:
        return lambda bindings: _booleans(left(bindings)) & _booleans(right(bindings))
    return lambda bindings: _booleans(left(bindings)) | _booleans(right(bindings))


def _equal(left: Reader, right: Reader, negate: bool) -> Reader:
    def equal(bindings: Bindings) -> bool:
        a, b = _strings(left, right, bindings)
        return (a == b) != negate

    return equal


def _member(left: Reader, items: frozenset[str]) -> Reader:
    def member(bindings: Bindings) -> bool:
        value = left(bindings)
        if type(value) is not str:
            raise Fallback
        return value in items

    return member


def _joined(left: Reader, right: Reader) -> Reader:
    def joined(bindings: Bindings) -> str:
        a, b = _strings(left, right, bindings)
        return a + b

    return joined


def _negated(inner: Reader) -> Reader:
    return lambda bindings: not _booleans(inner(bindings))


def _exists(path: str) -> Reader:
    """`$exists(<read>)`: whether the path leads to a value (null is one)."""
    parsed = _path(path)
    if parsed is None:
        raise _Unsupported
    name, fields = parsed

    return lambda bindings: _walk(bindings, name, fields) is not _NOWHERE
