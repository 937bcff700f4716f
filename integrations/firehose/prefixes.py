"""Firehose's S3 object keys: prefix templates and the default `YYYY/MM/dd/HH/` layout.

A prefix may hold namespace expressions: `!{timestamp:<Java date pattern>}` (UTC, the arrival time of
the oldest record in the object), `!{partitionKeyFromQuery:<name>}` (dynamic partitioning),
`!{firehose:random-string}` and, in an error prefix, `!{firehose:error-output-type}`. A prefix with no
expression gets the default `YYYY/MM/dd/HH/` appended, as Firehose does. Object names follow
Firehose's `<stream>-<version>-YYYY-MM-DD-HH-MM-SS-<random>`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime

from integrations.java_dates import UnsupportedPattern, strftime_pattern

_EXPRESSION = re.compile(r"!\{([A-Za-z]+):([^}]*)\}")
DEFAULT_TIME_PREFIX = "!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/!{timestamp:HH}/"


class PrefixError(ValueError):
    """A prefix expression Firehose would refuse (or that the local cloud cannot evaluate)."""


def _java_date(pattern: str, moment: datetime) -> str:
    try:
        return moment.strftime(strftime_pattern(pattern))
    except UnsupportedPattern as error:
        raise PrefixError(f"{error} (in !{{timestamp:{pattern}}})") from None


def partition_keys_used(prefix: str) -> list[str]:
    return [value for kind, value in _EXPRESSION.findall(prefix) if kind == "partitionKeyFromQuery"]


def validate(prefix: str, *, error_prefix: bool = False) -> None:
    """Refuse expressions that could not be rendered, at configuration time rather than at delivery."""
    moment = datetime(2000, 1, 1, tzinfo=UTC)
    for kind, value in _EXPRESSION.findall(prefix):
        if kind == "timestamp":
            _java_date(value, moment)
        elif kind == "firehose" and value in ("random-string", "error-output-type"):
            if value == "error-output-type" and not error_prefix:
                raise PrefixError("!{firehose:error-output-type} is only allowed in ErrorOutputPrefix")
        elif kind != "partitionKeyFromQuery":
            raise PrefixError(f"unsupported expression !{{{kind}:{value}}}")


def render(
    prefix: str,
    moment: datetime,
    *,
    partition: Mapping[str, str] | None = None,
    random: str = "",
    error_type: str = "",
) -> str:
    """The key prefix for an object whose oldest record arrived at `moment`."""
    template = prefix if _EXPRESSION.search(prefix) else prefix + DEFAULT_TIME_PREFIX
    keys = partition or {}

    def replace(match: re.Match[str]) -> str:
        kind, value = match.groups()
        if kind == "timestamp":
            return _java_date(value, moment)
        if kind == "partitionKeyFromQuery":
            return keys[value]
        return random if value == "random-string" else error_type

    return _EXPRESSION.sub(replace, template)


def object_name(stream: str, moment: datetime, random: str, version: int = 1) -> str:
    return f"{stream}-{version}-{moment:%Y-%m-%d-%H-%M-%S}-{random}"


def utc(epoch_seconds: float) -> datetime:
    return datetime.fromtimestamp(epoch_seconds, UTC)
