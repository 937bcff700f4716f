"""The JSONata functions Step Functions adds to the language: $partition, $range, $hash, $random, $uuid
and $parse (guide: "Transforming data with JSONata", section "JSONata functions provided by Step
Functions"), with AWS's observed edge behaviour: fractional arguments are truncated towards zero, and
several unusable arguments make the function yield nothing (undefined) rather than fail, which then
fails the field it was written in.

$now and $millis are rebound to the execution's clock so that they agree with the context object's
timestamps (and are deterministic under a ManualClock); $eval is disabled, as on AWS.
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from jsonata.functions import Functions
from jsonata.jexception import JException
from jsonata.jsonata import Jsonata

from workflows.engine.errors import StatesQueryEvaluationError

_ALGORITHMS = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512"}
RANGE_LIMIT = 360_145  # the most elements AWS lets $range build
MEMORY_LIMIT = "Expression evaluation memory limit exceeded"


def _plain(value: Any) -> Any:
    from workflows.engine.jsonata_eval import from_jsonata

    return from_jsonata(value)


def _number(value: Any, name: str) -> int:
    plain = _plain(value)
    if type(plain) not in (int, float):
        raise StatesQueryEvaluationError(f"{name} needs numbers, got {json.dumps(plain)}")
    return int(plain)  # towards zero, as AWS does


def partition(items: Any = None, size: Any = None) -> Any:
    array = _plain(items)
    if not isinstance(array, list):
        raise StatesQueryEvaluationError(f"$partition needs an array, got {json.dumps(array)}")
    chunk = _number(size, "$partition")
    if not array or chunk == 0:
        return None
    if chunk < 0:
        raise StatesQueryEvaluationError(f"$partition needs a positive chunk size, got {chunk}")
    from workflows.engine.jsonata_eval import to_jsonata

    return to_jsonata([array[start : start + chunk] for start in range(0, len(array), chunk)])


def range_(start: Any = None, end: Any = None, step: Any = None) -> Any:
    if step is None:
        return None
    first, last, stride = _number(start, "$range"), _number(end, "$range"), _number(step, "$range")
    if stride == 0 or (stride > 0 and first > last) or (stride < 0 and first < last):
        return None
    values = range(first, last + (1 if stride > 0 else -1), stride)
    if len(values) > RANGE_LIMIT:
        raise StatesQueryEvaluationError(MEMORY_LIMIT)
    return values[0] if len(values) == 1 else list(values)  # one element collapses, as JSONata does


def hash_(value: Any = None, algorithm: Any = None) -> Any:
    if algorithm is None:
        return None
    text, name = _plain(value), _plain(algorithm)
    if not isinstance(text, str) or name not in _ALGORITHMS:
        wanted = ", ".join(_ALGORITHMS)
        raise StatesQueryEvaluationError(f"$hash needs a string and one of {wanted}, got {json.dumps(name)}")
    return hashlib.new(_ALGORITHMS[name], text.encode()).hexdigest()


def parse(text: Any = None) -> Any:
    from workflows.engine.jsonata_eval import to_jsonata

    try:
        return to_jsonata(json.loads(_plain(text)))
    except (TypeError, json.JSONDecodeError) as exc:
        raise StatesQueryEvaluationError(f"$parse needs a JSON string ({exc})") from None


def _disabled(*_: Any) -> Any:
    raise JException("T1006", 0)  # "Attempted to invoke a non-function", what AWS answers to $eval


def functions_for(generator: random.Random) -> dict[str, Any]:
    """The functions, bound to one execution's random generator, ready to pass as JSONata bindings."""

    def random_number(seed: Any = None) -> float:
        return (random.Random(_number(seed, "$random")) if seed is not None else generator).random()

    def new_uuid() -> str:
        return str(uuid.UUID(int=generator.getrandbits(128), version=4))

    table: dict[str, Callable[..., Any]] = {
        "partition": partition,
        "range": range_,
        "hash": hash_,
        "parse": parse,
        "random": random_number,
        "uuid": new_uuid,
        "eval": _disabled,
    }
    return {name: Jsonata.JLambda(function) for name, function in table.items()}


def clock_functions(moment: datetime) -> dict[str, Any]:
    """$now([picture[, timezone]]) and $millis() at `moment` (the evaluating branch's clock time)."""
    millis = int(moment.timestamp() * 1000)

    def now(picture: Any = None, timezone: Any = None) -> Any:
        return Functions.datetime_from_millis(millis, picture, timezone)

    return {"now": Jsonata.JLambda(now), "millis": Jsonata.JLambda(lambda: millis)}
