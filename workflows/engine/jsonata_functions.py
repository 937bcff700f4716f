"""The JSONata functions Step Functions adds to the language: $partition, $range, $hash, $random, $uuid
and $parse (guide: "Transforming data with JSONata", section "JSONata functions provided by Step
Functions"). They share their checks and limits with the matching intrinsic functions.

Also $now and $millis, rebound to the execution's clock so that they agree with the context object's
timestamps (and are deterministic under a ManualClock).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import datetime
from typing import Any

from jsonata.functions import Functions
from jsonata.jsonata import Jsonata

from workflows.engine.errors import StatesQueryEvaluationError
from workflows.engine.intrinsics import FUNCTIONS
from workflows.engine.intrinsics.arguments import Arguments


def functions_for(generator: random.Random) -> dict[str, Any]:
    """The functions, bound to one execution's random generator, ready to pass as JSONata bindings."""
    from workflows.engine.jsonata_eval import from_jsonata, to_jsonata

    def via_intrinsic(name: str) -> Callable[..., Any]:
        def call(*values: Any) -> Any:
            plain = [from_jsonata(value) for value in values]
            return to_jsonata(FUNCTIONS[name](Arguments(name, plain, [None] * len(plain), generator)))

        return call

    def random_number(seed: Any = None) -> float:
        return (random.Random(from_jsonata(seed)) if seed is not None else generator).random()

    def parse(text: Any) -> Any:
        try:
            return to_jsonata(json.loads(from_jsonata(text)))
        except (TypeError, json.JSONDecodeError) as exc:
            raise StatesQueryEvaluationError(f"$parse needs a JSON string ({exc})") from None

    return {
        "partition": Jsonata.JLambda(via_intrinsic("States.ArrayPartition")),
        "range": Jsonata.JLambda(via_intrinsic("States.ArrayRange")),
        "hash": Jsonata.JLambda(via_intrinsic("States.Hash")),
        "uuid": Jsonata.JLambda(via_intrinsic("States.UUID")),
        "random": Jsonata.JLambda(random_number),
        "parse": Jsonata.JLambda(parse),
    }


def clock_functions(moment: datetime) -> dict[str, Any]:
    """$now([picture[, timezone]]) and $millis() at `moment` (the evaluating branch's clock time)."""
    millis = int(moment.timestamp() * 1000)

    def now(picture: Any = None, timezone: Any = None) -> Any:
        return Functions.datetime_from_millis(millis, picture, timezone)

    return {"now": Jsonata.JLambda(now), "millis": Jsonata.JLambda(lambda: millis)}
