"""Compact JSON text, written by orjson: the one encoder of the engine's payloads and histories and of
the local services' records.

Why orjson: a text message's payloads are written as JSON a few dozen times on their way through the
local cloud (each state's input and output, each task's arguments and result, the execution's history,
each event for the lake and the log), and the standard library's encoder was a tenth of the interpreter
time of a text burst (`benchmarks/README.md`); orjson writes the same text about eight times faster.

The text is what `json.dumps(value, separators=(",", ":"), ensure_ascii=False)` writes, except:

* floats: both write the shortest text that reads back as the same number, but orjson writes a
  number below 1e-4 positionally and a large one without the exponent's sign (`0.00001` and `1e16`
  where json writes `1e-05` and `1e+16`); AWS's services write these their own way again;
* NaN and the infinities become `null` (json writes `NaN`, which is no JSON: `loads` refuses it, and
  so do StartExecution and PutEvents, as AWS does);
* orjson also writes `uuid.UUID` and `enum.Enum` values, which json refuses.

What orjson refuses is written by json, so the text (or the error) is json's: integers beyond 64 bits,
strings holding a lone surrogate (a JSON `"\\ud800"` parses to one), keys that are not strings.

It lives outside `workflows.engine` so that the local services can import it without loading the
engine. Text of unknown origin is read with `json.loads`: orjson reads an integer beyond 64 bits as a
float. `round_trip` reads with orjson only the text orjson has just written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

import orjson

# datetime and dataclass values go to `default` as they do with json (orjson would write its own form).
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_ISO_DATETIMES = orjson.OPT_PASSTHROUGH_DATACLASS

Default = Callable[[Any], Any]


def dumps(value: Any, default: Default | None = None, *, datetimes: bool = False) -> str:
    """`value` as compact JSON text, non-ASCII characters as they are (lone surrogates included).

    `datetimes` writes datetime values as `isoformat()` writes them (an execution's history holds one
    per event: handing each to a Python `default` took most of the history's encoding time); otherwise
    they go to `default`, as with json. For datetimes in UTC or without a zone, as the engine's clocks
    make them: orjson writes an offset to the minute (some historical zones' offsets have seconds), and
    orjson 3.13 drops a zero from some microseconds of `datetime.time` values (`00:00:00.10000`)."""
    try:
        return orjson.dumps(value, default=default, option=_ISO_DATETIMES if datetimes else _OPTIONS).decode()
    except orjson.JSONEncodeError:
        return json_dumps(value, default, datetimes=datetimes)


def json_dumps(
    value: Any, default: Default | None = None, *, datetimes: bool = False, ascii_only: bool = False
) -> str:
    """The standard library's compact text of `value`, for what orjson refuses (`datetimes` as `dumps`
    takes it; `ascii_only` escapes every non-ASCII character, lone surrogates included)."""
    return json.dumps(
        value,
        separators=(",", ":"),
        ensure_ascii=ascii_only,
        default=_iso_datetimes(default) if datetimes else default,
    )


def _iso_datetimes(default: Default | None) -> Default:
    """A json `default` that writes datetime, date and time values in ISO 8601, others as `default` does."""

    def write(value: Any) -> Any:
        if isinstance(value, datetime | date | time):
            return value.isoformat()
        if default is None:
            raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
        return default(value)

    return write


def round_trip(value: Any) -> tuple[str, Any]:
    """`value`'s text (as `dumps` writes it) and the value read back from that text: what a service
    that received the text would hold (a task's arguments and result, an execution's input and output).

    Text orjson wrote is read back by orjson, which reads every number and string it can write exactly
    as json would; text json wrote (what orjson refuses) is read back by json."""
    try:
        data = orjson.dumps(value, option=_OPTIONS)
    except orjson.JSONEncodeError:
        text = json_dumps(value)
        return text, json.loads(text)
    return data.decode(), orjson.loads(data)


def loads(text: str | bytes) -> Any:
    """JSON text read as json reads it, refusing what Python's json accepts beyond JSON (`NaN`,
    `Infinity`, `-Infinity`: RFC 8259 has no such values): a ValueError, as for any malformed text."""
    return json.loads(text, parse_constant=_not_json)


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not a JSON value")
