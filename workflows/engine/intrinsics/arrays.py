"""Intrinsics for arrays: States.Array, ArrayPartition, ArrayContains, ArrayRange, ArrayGetItem,
ArrayLength, ArrayUnique."""

from __future__ import annotations

from typing import Any

from workflows.engine.intrinsics.arguments import Arguments, json_equal

ARRAY_RANGE_LIMIT = 1000


def array(args: Arguments) -> list[Any]:
    return list(args.values)


def array_partition(args: Arguments) -> list[list[Any]]:
    args.expect_count(2)
    items, size = args.array(0), args.rounded(1)
    if size <= 0:
        raise args.fail(f"the chunk size must be a positive integer, got {size}")
    return [items[start : start + size] for start in range(0, len(items), size)]


def array_contains(args: Arguments) -> bool:
    args.expect_count(2)
    wanted = args.values[1]
    return any(json_equal(item, wanted) for item in args.array(0))


def array_range(args: Arguments) -> list[int]:
    args.expect_count(3)
    start, end, step = args.rounded(0), args.rounded(1), args.rounded(2)
    if step == 0:
        raise args.fail("the step must not be 0")
    # The end is inclusive: States.ArrayRange(1, 9, 2) is [1, 3, 5, 7, 9].
    values = range(start, end + (1 if step > 0 else -1), step)
    if len(values) > ARRAY_RANGE_LIMIT:
        raise args.fail(f"the range would have {len(values)} items; at most {ARRAY_RANGE_LIMIT} are allowed")
    return list(values)


def array_get_item(args: Arguments) -> Any:
    args.expect_count(2)
    items, index = args.array(0), args.integer(1)
    if not 0 <= index < len(items):
        raise args.fail(f"index {index} is out of bounds for an array of {len(items)} items")
    return items[index]


def array_length(args: Arguments) -> int:
    args.expect_count(1)
    return len(args.array(0))


def array_unique(args: Arguments) -> list[Any]:
    args.expect_count(1)
    unique: list[Any] = []
    for item in args.array(0):
        if not any(json_equal(item, seen) for seen in unique):
            unique.append(item)
    return unique
