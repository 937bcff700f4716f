"""Member-name casing between Step Functions and APIs whose members are camelCase (Lex V2 runtime).

Step Functions' aws-sdk integrations pass parameters and return results with PascalCase member names
even where the API's own members are camelCase. Converting by walking the botocore shapes renames
structure members only: map keys (session attributes, slot names) are user data and keep their case.
"""

from __future__ import annotations

from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape


def to_api(shape: Shape | None, value: Any) -> Any:
    """PascalCase (as Step Functions passes it) → the API's own member names."""
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        by_folded = {name.lower(): name for name in shape.members}
        result = {}
        for key, item in value.items():
            name: str = by_folded.get(str(key).lower(), str(key))
            result[name] = to_api(shape.members.get(name), item)
        return result
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [to_api(shape.member, item) for item in value]
    if isinstance(shape, MapShape) and isinstance(value, dict):
        return {key: to_api(shape.value, item) for key, item in value.items()}
    return value


def to_step_functions(shape: Shape | None, value: Any) -> Any:
    """The API's member names → PascalCase, as Step Functions returns SDK results."""
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        return {
            key[:1].upper() + key[1:]: to_step_functions(shape.members.get(key), item)
            for key, item in value.items()
        }
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [to_step_functions(shape.member, item) for item in value]
    if isinstance(shape, MapShape) and isinstance(value, dict):
        return {key: to_step_functions(shape.value, item) for key, item in value.items()}
    return value
