"""Intrinsic functions (`States.Format(...)` and friends), grouped as the Developer Guide groups them."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from workflows.engine.intrinsics import arrays, encoding, json_data, math, strings
from workflows.engine.intrinsics.arguments import Arguments
from workflows.engine.intrinsics.parser import Call, Literal, PathArgument, parse_intrinsic
from workflows.engine.jsonpath import Path

FUNCTIONS: dict[str, Callable[[Arguments], Any]] = {
    "States.Format": strings.format_,
    "States.StringSplit": strings.string_split,
    "States.UUID": strings.uuid_,
    "States.StringToJson": json_data.string_to_json,
    "States.JsonToString": json_data.json_to_string,
    "States.JsonMerge": json_data.json_merge,
    "States.Array": arrays.array,
    "States.ArrayPartition": arrays.array_partition,
    "States.ArrayContains": arrays.array_contains,
    "States.ArrayRange": arrays.array_range,
    "States.ArrayGetItem": arrays.array_get_item,
    "States.ArrayLength": arrays.array_length,
    "States.ArrayUnique": arrays.array_unique,
    "States.Base64Encode": encoding.base64_encode,
    "States.Base64Decode": encoding.base64_decode,
    "States.Hash": encoding.hash_,
    "States.MathRandom": math.math_random,
    "States.MathAdd": math.math_add,
}


def evaluate_intrinsic(call: Call, resolve: Callable[[Path], Any], generator: random.Random) -> Any:
    """Evaluate a parsed call; `resolve` reads a path argument (and raises if it points at nothing)."""
    values: list[Any] = []
    raw: list[str | None] = []
    for argument in call.arguments:
        if type(argument) is Literal:
            values.append(argument.value)
            raw.append(argument.raw)
        elif type(argument) is PathArgument:
            values.append(resolve(argument.path))
            raw.append(None)
        else:
            values.append(evaluate_intrinsic(argument, resolve, generator))  # type: ignore[arg-type]
            raw.append(None)
    return FUNCTIONS[call.name](Arguments(call.name, values, raw, generator))


__all__ = ["FUNCTIONS", "Call", "evaluate_intrinsic", "parse_intrinsic"]
