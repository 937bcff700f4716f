"""The evaluated arguments of one intrinsic call, with the type checks every function shares."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

from workflows.engine.errors import StatesIntrinsicFailure

_TYPE_NAMES = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}


def json_type(value: Any) -> str:
    return "null" if value is None else _TYPE_NAMES.get(type(value), type(value).__name__)


@dataclass(slots=True)
class Arguments:
    name: str
    values: list[Any]
    raw: list[str | None]  # a string literal's unescaped-yet text; None for other arguments
    random: random.Random

    def fail(self, message: str) -> StatesIntrinsicFailure:
        return StatesIntrinsicFailure(f"Invalid arguments in {self.name}: {message}")

    def expect_count(self, least: int, most: int | None = None) -> None:
        most = least if most is None else most
        count = len(self.values)
        if not least <= count <= most:
            wanted = str(least) if least == most else f"{least} to {most}"
            raise self.fail(f"expected {wanted} argument(s), got {count}")

    def _typed(self, index: int, kinds: tuple[type, ...], kind_name: str) -> Any:
        value = self.values[index]
        if type(value) not in kinds:
            raise self.fail(f"argument {index + 1} must be {kind_name}, got {json_type(value)}")
        return value

    def string(self, index: int) -> str:
        return self._typed(index, (str,), "a string")

    def array(self, index: int) -> list[Any]:
        return self._typed(index, (list,), "an array")

    def object(self, index: int) -> dict[str, Any]:
        return self._typed(index, (dict,), "an object")

    def boolean(self, index: int) -> bool:
        return self._typed(index, (bool,), "a boolean")

    def rounded(self, index: int) -> int:
        """A number rounded to the nearest integer (halves up), as AWS treats ArrayPartition, ArrayRange
        and MathRandom arguments."""
        value = self._typed(index, (int, float), "a number")
        return value if type(value) is int else math.floor(value + 0.5)

    def integer(self, index: int) -> int:
        value = self._typed(index, (int, float), "an integer")
        if type(value) is float:
            if not value.is_integer():
                raise self.fail(f"argument {index + 1} must be an integer, got {value}")
            return int(value)
        return value


def json_equal(left: Any, right: Any) -> bool:
    """Equality of JSON values: 1 == 1.0, but true is not 1 (Python's bool is an int)."""
    if type(left) is bool or type(right) is bool:
        return type(left) is type(right) and left == right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    if type(left) is not type(right):
        return False
    if type(left) is list:
        return len(left) == len(right) and all(json_equal(a, b) for a, b in zip(left, right, strict=True))
    if type(left) is dict:
        return left.keys() == right.keys() and all(json_equal(left[key], right[key]) for key in left)
    return bool(left == right)
