"""Intrinsics for math: States.MathRandom, MathAdd."""

from __future__ import annotations

import random

from workflows.engine.intrinsics.arguments import Arguments

_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


def math_random(args: Arguments) -> int:
    args.expect_count(2, 3)
    start, end = args.rounded(0), args.rounded(1)
    if end <= start:
        raise args.fail(f"the end ({end}) must be greater than the start ({start})")
    generator = random.Random(args.rounded(2)) if len(args.values) == 3 else args.random
    return generator.randrange(start, end)  # start inclusive, end exclusive


def math_add(args: Arguments) -> int:
    args.expect_count(2)
    # AWS rounds each argument to the nearest integer, halves up (1.5 + 1.51 = 4, -2.5 + 0 = -2).
    first, second = args.rounded(0), args.rounded(1)
    for value in (first, second):
        if not _INT_MIN <= value <= _INT_MAX:
            raise args.fail(f"{value} is outside the 32-bit integer range")
    return first + second
