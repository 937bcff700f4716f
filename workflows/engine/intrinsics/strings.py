"""Intrinsics for strings and identifiers: States.Format, StringSplit, UUID."""

from __future__ import annotations

import json
import uuid
from typing import Any

from workflows.engine.intrinsics.arguments import Arguments


def format_(args: Arguments) -> str:
    if not args.values:
        raise args.fail("expected a template string and its values")
    template = args.string(0)
    # A literal keeps its escapes, so `\{` stays apart from a `{}` placeholder; text from a path has none.
    raw = args.raw[0] if args.raw[0] is not None else template.replace("\\", "\\\\")
    values = args.values[1:]
    pieces: list[str] = []
    placeholders = 0
    index = 0
    while index < len(raw):
        if raw[index] == "\\" and index + 1 < len(raw):
            pieces.append(raw[index + 1])
            index += 2
        elif raw.startswith("{}", index):
            if placeholders < len(values):
                pieces.append(_render(values[placeholders]))
            placeholders += 1
            index += 2
        else:
            pieces.append(raw[index])
            index += 1
    if placeholders != len(values):
        raise args.fail(
            f"the template has {placeholders} placeholder(s) but {len(values)} value(s) were given"
        )
    return "".join(pieces)


def _render(value: Any) -> str:
    """A placeholder value as AWS writes it: strings bare, and objects and arrays in Java's collection
    notation (`{a=1, b=[x, null]}`), not JSON."""
    if type(value) is str:
        return value
    if type(value) is dict:
        return "{" + ", ".join(f"{key}={_render(item)}" for key, item in value.items()) + "}"
    if type(value) is list:
        return "[" + ", ".join(_render(item) for item in value) + "]"
    return json.dumps(value)


def string_split(args: Arguments) -> list[str]:
    args.expect_count(2)
    text, delimiters = args.string(0), args.string(1)
    # Every character of the second argument is a delimiter, and empty pieces are dropped.
    pieces: list[str] = []
    current: list[str] = []
    for char in text:
        if char in delimiters:
            if current:
                pieces.append("".join(current))
            current = []
        else:
            current.append(char)
    if current:
        pieces.append("".join(current))
    return pieces


def uuid_(args: Arguments) -> str:
    args.expect_count(0)
    return str(uuid.UUID(int=args.random.getrandbits(128), version=4))
