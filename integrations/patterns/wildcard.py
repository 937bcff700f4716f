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


# Event Ruler refuses a rule whose wildcard values are too non-deterministic; its README suggests a limit of
# 10 for a machine holding one rule, which agrees with AWS's recorded answers ("*:*:*:*:*:event-bus/*",
# complexity 11, refused; "/Users/*/dir/dir/dir/dir/dir/doc.txt", complexity 7, accepted).
MAX_COMPLEXITY = 10
TOO_COMPLEX = (
    "Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after "
    "a wildcard character"
)
_STAR: None = None


def _tokens(value: str) -> list[str | None]:
    """The literal characters of a wildcard value, with None for each `*` (escapes resolved)."""
    tokens: list[str | None] = []
    index = 0
    while index < len(value):
        char = value[index]
        if char == "\\":
            tokens.append(value[index + 1])
            index += 2
            continue
        tokens.append(_STAR if char == "*" else char)
        index += 1
    return tokens


def complexity(values: list[str], cap: int = MAX_COMPLEXITY + 1) -> int:
    """Event Ruler's machine complexity of one field's wildcard values: the most pattern prefixes (a
    literal character or a `*` each) that one input string can match at once, found by running the
    values' automaton over every distinguishable input (stopping once `cap` is reached)."""
    patterns = [_tokens(value) for value in values]

    def closed(states: set[tuple[int, int]]) -> frozenset[tuple[int, int]]:
        todo = list(states)
        while todo:  # a `*` may match nothing: its prefix is reached with the one before it
            which, length = todo.pop()
            tokens = patterns[which]
            if length < len(tokens) and tokens[length] is _STAR and (which, length + 1) not in states:
                states.add((which, length + 1))
                todo.append((which, length + 1))
        return frozenset(states)

    start = closed({(which, 0) for which in range(len(patterns))})
    seen, todo, worst = {start}, [start], 0
    while todo:
        current = todo.pop()
        # Only the characters some state can step over lead anywhere new; any other ("\0") keeps the
        # `*` states alone.
        steps = {patterns[which][length] for which, length in current if length < len(patterns[which])}
        for char in (steps - {_STAR}) | {"\0"}:
            following: set[tuple[int, int]] = set()
            for which, length in current:
                tokens = patterns[which]
                if length and tokens[length - 1] is _STAR:
                    following.add((which, length))  # the `*` goes on matching
                if length < len(tokens) and tokens[length] == char:
                    following.add((which, length + 1))
            reached = closed(following)
            worst = max(worst, sum(1 for _, length in reached if length))
            if worst >= cap:
                return worst
            if reached and reached not in seen:
                seen.add(reached)
                todo.append(reached)
    return worst
