"""Java `DateTimeFormatter` patterns (`yyyy-MM-dd`, `yyyy/MM/dd/HH`) as AWS services use them:
Firehose writes a prefix's `!{timestamp:...}` with one, Athena's date partition projection reads
`projection.<column>.format` with one. Only the letters those users put in practice are supported."""

from __future__ import annotations

import re
from functools import lru_cache

_TOKENS = {"yyyy": "%Y", "yy": "%y", "MM": "%m", "dd": "%d", "HH": "%H", "mm": "%M", "ss": "%S"}
_TOKEN = re.compile("|".join(sorted(_TOKENS, key=len, reverse=True)) + r"|[A-Za-z]")


class UnsupportedPattern(ValueError):
    """The pattern uses a letter this module does not know."""


@lru_cache(maxsize=64)
def strftime_pattern(pattern: str) -> str:
    """The `strftime`/`strptime` equivalent of a Java date pattern (a `%` in it stays literal)."""

    def replace(match: re.Match[str]) -> str:
        token = match.group()
        if token not in _TOKENS:
            raise UnsupportedPattern(f"unsupported date pattern letter {token!r} in {pattern!r}")
        return _TOKENS[token]

    return _TOKEN.sub(replace, pattern.replace("%", "%%"))
