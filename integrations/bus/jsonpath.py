"""The JSONPath subset EventBridge accepts in InputPath and InputPathsMap: `$`, `.name`, `['name']`,
`[index]`. Names may hold hyphens (`$.detail-type`)."""

from __future__ import annotations

import re
from typing import Any

from integrations.errors import ServiceError

_STEP = re.compile(r"""\.([^.\[\]]+)|\[\s*(\d+)\s*\]|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\]""")
MISSING: Any = object()


def parse_path(path: str) -> tuple[str | int, ...]:
    """The steps of `path`, or ValidationException when it is not a supported JSONPath."""
    if not isinstance(path, str) or not path.startswith("$"):
        raise ServiceError(
            "events", "ValidationException", f"Invalid JSON path: {path!r} (must start with $)."
        )
    steps: list[str | int] = []
    position = 1
    while position < len(path):
        match = _STEP.match(path, position)
        if not match:
            raise ServiceError("events", "ValidationException", f"Invalid JSON path: {path!r}.")
        name, index, single, double = match.groups()
        steps.append(
            int(index) if index is not None else next(s for s in (name, single, double) if s is not None)
        )
        position = match.end()
    return tuple(steps)


def select(document: Any, steps: tuple[str | int, ...]) -> Any:
    """The value at `steps`, or MISSING."""
    value = document
    for step in steps:
        found = (isinstance(step, int) and isinstance(value, list) and step < len(value)) or (
            isinstance(step, str) and isinstance(value, dict) and step in value
        )
        if not found:
            return MISSING
        value = value[step]
    return value
