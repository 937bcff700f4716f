"""EventBridge `wildcard` values: `*` matches any run of characters; `\\*` and `\\\\` are literals.

A value without an unescaped `*` is plain equality, so the compiler can put it in the exact-match set
instead of running a regular expression.
"""

from __future__ import annotations

import re

from integrations.patterns.errors import PatternSyntaxError


def parse_wildcard(value: str) -> re.Pattern[str] | str:
    """The compiled regex for `value`, or the literal string when it has no wildcard."""
    pieces: list[str] = []  # literal runs, with None between them for each `*`
    literal: list[str] = []
    parts: list[str | None] = []
    index = 0
    while index < len(value):
        char = value[index]
        if char == "\\":
            following = value[index + 1] if index + 1 < len(value) else ""
            if following not in ("*", "\\"):
                raise PatternSyntaxError(f"Invalid escape character at pos {index + 1}")
            literal.append(following)
            index += 2
            continue
        if char == "*":
            if index + 1 < len(value) and value[index + 1] == "*":
                raise PatternSyntaxError(f"Consecutive wildcard characters at pos {index + 1}")
            parts.append("".join(literal))
            parts.append(None)
            literal = []
        else:
            literal.append(char)
        index += 1
    parts.append("".join(literal))
    if len(parts) == 1:
        return str(parts[0])
    for part in parts:
        pieces.append(".*" if part is None else re.escape(part))
    return re.compile("".join(pieces), re.DOTALL)
