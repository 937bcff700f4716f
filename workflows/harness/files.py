"""Reading the harness's JSON files, with the one-line errors a user can act on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def read_json(path: Path, what: str, error: type[ValueError]) -> Any:
    """The JSON document in `path`; `error` with "<path>: <what> not found" (or why it is unreadable)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: {what} not found") from None
    except OSError as exc:
        raise error(f"{path}: cannot read the {what} ({exc.strerror})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None


def resolve_references(value: Any, base: Path, error: type[ValueError]) -> Any:
    """`value` with every `{"$ref": "file.json#/json/pointer"}` replaced by what it points at.

    A JSON Reference (the `$ref` convention of JSON Schema and OpenAPI): the file is relative to `base`,
    the optional fragment an RFC 6901 pointer into it. It lets a test case use an example file as it is
    instead of a copy that drifts from it. An object with other keys beside `$ref` is left as written.
    """
    if isinstance(value, dict):
        if set(value) == {"$ref"} and isinstance(value["$ref"], str):
            return _referenced(value["$ref"], base, error)
        return {key: resolve_references(item, base, error) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve_references(item, base, error) for item in value]
    return value


def _referenced(reference: str, base: Path, error: type[ValueError]) -> Any:
    file_name, _, pointer = reference.partition("#")
    target = read_json(base / file_name, f"file referenced by {reference!r}", error)
    for token in pointer.split("/")[1:] if pointer else []:
        key = token.replace("~1", "/").replace("~0", "~")
        if isinstance(target, list) and key.isdigit() and int(key) < len(target):
            target = target[int(key)]
        elif isinstance(target, dict) and key in target:
            target = target[key]
        else:
            raise error(f"{base / file_name}: {reference!r} points at nothing (no {key!r})")
    return target
