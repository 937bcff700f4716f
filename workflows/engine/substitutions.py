"""CDK-style `${Name}` definition substitutions, applied to the definition text before anything else."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

_PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")


def apply_substitutions(definition: str, substitutions: Mapping[str, str]) -> str:
    """Replace each `${Name}` whose Name is given; others stay as written (as CDK leaves them).

    Values are inserted JSON-escaped, since placeholders sit inside JSON strings.
    """
    if not substitutions:
        return definition
    for name, value in substitutions.items():
        if not isinstance(value, str):
            raise TypeError(f"substitution {name!r} must be a string, got {type(value).__name__}")

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in substitutions:
            return match.group(0)
        return json.dumps(substitutions[name])[1:-1]

    return _PLACEHOLDER.sub(replace, definition)
