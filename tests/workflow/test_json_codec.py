"""`workflows.json_codec.dumps` writes what `json.dumps(value, separators=(",", ":"), ensure_ascii=False)`
writes, faster, with the differences its docstring names; what orjson refuses is json's to write.

JSON text: RFC 8259 (https://www.rfc-editor.org/rfc/rfc8259). orjson's documented behaviour
(https://github.com/ijl/orjson#serialize): UTF-8 output, integers limited to 64 bits, strings must be
valid UTF-8, `default` is called for unsupported types and for those passed through
(`OPT_PASSTHROUGH_DATETIME`, `OPT_PASSTHROUGH_DATACLASS`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.json_codec import dumps, loads, round_trip

# Floats whose shortest text has no exponent in either writer: every float of ordinary size.
ORDINARY_FLOATS = st.floats(allow_nan=False, allow_infinity=False).filter(
    lambda number: number == 0 or 1e-4 <= abs(number) < 1e16
)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | ORDINARY_FLOATS
    | st.text(st.characters(exclude_categories=["Cs"]), max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4)
    ),
    max_leaves=20,
)


def _standard(value: Any, default: Any = None) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=default)


@settings(max_examples=400, deadline=None)
@given(value=JSON)
def test_writes_what_the_standard_library_writes(value: Any) -> None:
    assert dumps(value) == _standard(value)


@settings(max_examples=200, deadline=None)
@given(value=JSON)
def test_reads_back_as_the_same_value(value: Any) -> None:
    assert json.loads(dumps(value)) == value


@pytest.mark.parametrize(
    "value",
    [
        2**64,  # beyond 64 bits: orjson refuses, json writes it
        -(2**63) - 1,
        {"a": [1, 2**100]},
        "lone \ud800 surrogate",  # what the JSON "\ud800" parses to: orjson refuses it
        {1: "integer key", 2.5: "float key"},  # json writes keys as strings
    ],
)
def test_what_orjson_refuses_is_written_by_json(value: Any) -> None:
    assert dumps(value) == _standard(value)


def test_small_and_large_floats_read_back_the_same() -> None:
    for number in (1e-05, -2.5e-07, 1e16, 1.7976931348623157e308, 5e-324):
        assert json.loads(dumps([number])) == [number]
    assert dumps(0.00001) == "0.00001"  # json writes 1e-05: the difference the module names


def test_datetimes_and_dataclasses_go_to_default_as_with_json() -> None:
    @dataclass
    class Point:
        x: int

    moment = datetime(2026, 12, 3, 17, 0, 0, 123000, tzinfo=UTC)
    assert dumps({"at": moment}, default=str) == _standard({"at": moment}, default=str)
    assert dumps([Point(1)], default=repr) == _standard([Point(1)], default=repr)


def test_what_json_cannot_write_fails_as_json_fails() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        dumps({"x": object()})
    circular: list[Any] = []
    circular.append(circular)
    with pytest.raises(ValueError, match="Circular reference"):
        dumps(circular)


@settings(max_examples=200, deadline=None)
@given(
    moment=st.datetimes(timezones=st.sampled_from([None, UTC])),
    surrogate=st.booleans(),
)
def test_datetimes_are_written_as_isoformat_writes_them(moment: Any, surrogate: bool) -> None:
    # An execution's history is written this way (its clocks are UTC); `sma execution` reads its
    # timestamps back with datetime.fromisoformat. The lone surrogate sends the value down json's path.
    value = {"timestamp": moment, "text": "\ud800" if surrogate else "plain"}
    assert json.loads(dumps(value, datetimes=True).encode("utf-8", "surrogatepass"))["timestamp"] == (
        moment.isoformat()
    )


ANY_FLOATS = st.floats(allow_nan=False, allow_infinity=False)
WIDE_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()  # beyond 64 bits too: json's path
    | ANY_FLOATS
    | st.text(max_size=8),  # lone surrogates too: json's path
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(value=WIDE_JSON)
def test_round_trip_reads_back_what_json_would(value: Any) -> None:
    text, copy = round_trip(value)
    assert text == dumps(value)
    assert copy == json.loads(text) == value
    assert _types(copy) == _types(json.loads(text))  # an integer stays an integer


def _types(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _types(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_types(item) for item in value]
    return type(value).__name__


@pytest.mark.parametrize("text", ["NaN", '{"a": Infinity}', "[-Infinity]", "{not json"])
def test_loads_refuses_what_is_not_json(text: str) -> None:
    with pytest.raises(ValueError):
        loads(text)


def test_loads_reads_json_as_json_does() -> None:
    text = '{"big": 123456789012345678901234567890, "lone": "\\ud800", "x": [1.5, null, true]}'
    assert loads(text) == json.loads(text)
