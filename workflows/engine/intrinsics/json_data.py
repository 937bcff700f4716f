"""Intrinsics for JSON data: States.JsonMerge, StringToJson, JsonToString."""

from __future__ import annotations

import json
from typing import Any

from workflows.engine.intrinsics.arguments import Arguments


def json_merge(args: Arguments) -> dict[str, Any]:
    args.expect_count(3)
    left, right, deep = args.object(0), args.object(1), args.boolean(2)
    if deep:
        raise args.fail("only shallow merging is supported; pass false as the third argument")
    return {**left, **right}


def string_to_json(args: Arguments) -> Any:
    args.expect_count(1)
    text = args.string(0)
    if not text.strip():
        return None  # AWS answers null for an empty or blank string
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise args.fail(f"the string is not valid JSON ({exc})") from None


def json_to_string(args: Arguments) -> str:
    args.expect_count(1)
    return json.dumps(args.values[0], separators=(",", ":"), ensure_ascii=False)
