"""The JSON Schemas (draft 2020-12) of the domain events' `detail`, and a validator for them.

Each detail-type on the Plumbing bus has a schema file here (the same documents go to the EventBridge
Schema Registry on AWS). `schema_for("MESSAGE_RECEIVED")` returns one; `validate_event(detail_type,
detail)` raises `EventValidationError` listing every problem with its JSON path. Raw X activities,
`TWITTER_<TYPE>`, share one permissive schema: X owns their shape.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

SCHEMA_DIR = Path(__file__).resolve().parent
SCHEMA_FILES: dict[str, str] = {
    "MESSAGE_RECEIVED": "message-received.schema.json",
    "MESSAGE_DUPLICATE": "message-duplicate.schema.json",
    "MESSAGE_ANALYSED": "message-analysed.schema.json",
    "MESSAGE_ANALYSIS_FAILED": "message-analysis-failed.schema.json",
    "SEND_TWEET": "send-tweet.schema.json",
    "TWEET_SENT": "tweet-sent.schema.json",
    "TWEET_FAILED": "tweet-failed.schema.json",
}
TWITTER_SCHEMA_FILE = "twitter-activity.schema.json"
_TWITTER_DETAIL_TYPE = re.compile(r"^TWITTER_[A-Z][A-Z0-9_]*$")
_MAX_REPORTED = 20

__all__ = ["EventValidationError", "UnknownDetailType", "detail_types", "schema_for", "validate_event"]


class UnknownDetailType(LookupError):
    """No schema exists for the detail-type."""


class EventValidationError(ValueError):
    """A detail does not match its detail-type's schema; `problems` lists `<json path>: <message>`."""

    def __init__(self, detail_type: str, problems: list[str]) -> None:
        self.detail_type = detail_type
        self.problems = problems
        super().__init__(f"{detail_type} detail is invalid: " + "; ".join(problems))


def detail_types() -> tuple[str, ...]:
    """The domain detail-types with a schema of their own (`TWITTER_<TYPE>` aside)."""
    return tuple(SCHEMA_FILES)


def _file_for(detail_type: str) -> str:
    if detail_type in SCHEMA_FILES:
        return SCHEMA_FILES[detail_type]
    if _TWITTER_DETAIL_TYPE.match(detail_type):
        return TWITTER_SCHEMA_FILE
    known = ", ".join([*SCHEMA_FILES, "TWITTER_<TYPE>"])
    raise UnknownDetailType(f"no schema for detail-type {detail_type!r} (known: {known})")


@functools.cache
def _documents() -> dict[str, dict[str, Any]]:
    return {
        path.name: json.loads(path.read_text(encoding="utf-8")) for path in SCHEMA_DIR.glob("*.schema.json")
    }


@functools.cache
def _registry() -> Registry:
    resources = [(document["$id"], Resource.from_contents(document)) for document in _documents().values()]
    return Registry().with_resources(resources)


@functools.cache
def _validator(file_name: str) -> Draft202012Validator:
    return Draft202012Validator(
        _documents()[file_name], registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def schema_for(detail_type: str) -> dict[str, Any]:
    """A copy of the schema of `detail_type`'s detail; `UnknownDetailType` when there is none."""
    return copy.deepcopy(_documents()[_file_for(detail_type)])


def validate_event(detail_type: str, detail: Any) -> None:
    """Return when `detail` is a valid `detail_type` detail; raise `EventValidationError` otherwise."""
    validator = _validator(_file_for(detail_type))
    errors = sorted(validator.iter_errors(detail), key=lambda error: error.json_path)
    if errors:
        problems = [f"{error.json_path}: {error.message}" for error in errors[:_MAX_REPORTED]]
        if len(errors) > _MAX_REPORTED:
            problems.append(f"... and {len(errors) - _MAX_REPORTED} more")
        raise EventValidationError(detail_type, problems)
