"""Malformed patterns fail with InvalidEventPatternException and a message saying what is wrong."""

from __future__ import annotations

from typing import Any

import pytest

from integrations.errors import ServiceError
from integrations.patterns import compile_pattern, test_event_pattern


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ('{"source": ["a"]', "Filter is not valid JSON"),
        ("[1]", "Filter is not an object"),
        ("17", "Filter is not an object"),
        ({}, "Empty objects are not allowed"),
        ({"detail": {}}, "Empty objects are not allowed"),
        ({"source": "aws.ec2"}, '"source" must be an object or an array'),
        ({"detail": {"n": 5}}, '"n" must be an object or an array'),
        ({"source": []}, "Empty arrays are not allowed"),
        ({"source": [["a"]]}, "Match value must be String, number, true, false, or null"),
        ({"source": [{"regex": "a.*"}]}, "Unrecognized match type regex"),
        ({"source": [{"prefix": "a", "suffix": "b"}]}, "Only one key allowed in match expression"),
        ({"source": [{}]}, "Match expression name not found"),
        ({"source": [{"prefix": 5}]}, "prefix match pattern must be a string"),
        ({"source": [{"suffix": None}]}, "suffix match pattern must be a string"),
        ({"source": [{"prefix": {"other": "a"}}]}, "Unsupported prefix pattern"),
        ({"source": [{"equals-ignore-case": 1}]}, "equals-ignore-case match pattern must be a string"),
        ({"source": [{"exists": "true"}]}, "exists match pattern must be either true or false."),
        ({"source": [{"wildcard": "a**b"}]}, "Consecutive wildcard characters at pos 2"),
        ({"source": [{"wildcard": "a\\b"}]}, "Invalid escape character at pos 2"),
        ({"source": [{"wildcard": 3}]}, "wildcard match pattern must be a string"),
        ({"source": [{"cidr": "10.0.0.300/24"}]}, "Nonstandard IP address: 10.0.0.300"),
        ({"source": [{"cidr": "nope"}]}, "Malformed CIDR, one '/' required"),
        ({"n": [{"numeric": 5}]}, "Value of numeric must be an array."),
        ({"n": [{"numeric": []}]}, "Invalid member in numeric match: ]"),
        ({"n": [{"numeric": [">"]}]}, "Value of > must be numeric"),
        ({"n": [{"numeric": ["~", 1]}]}, "Unrecognized numeric range operator: ~"),
        ({"n": [{"numeric": [">", "1"]}]}, "Value of > must be numeric"),
        ({"n": [{"numeric": [">", 5, "<", 1]}]}, "Bottom must be less than top"),
        ({"n": [{"numeric": [">", 5, "<", 5]}]}, "Bottom must be less than top"),
        ({"n": [{"numeric": [">", 1, ">", 3]}]}, "Bad numeric range operator"),
        ({"n": [{"numeric": ["<", 5, ">", 1]}]}, "Too many elements in numeric expression"),
        ({"n": [{"numeric": ["=", 1, "<", 3]}]}, "Too many elements in numeric expression"),
        ({"n": [{"anything-but": []}]}, "either all values are number or string"),
        ({"n": [{"anything-but": [None]}]}, "start|null|boolean is not supported"),
        (
            {"n": [{"anything-but": True}]},
            "Value of anything-but must be an array or single string/number value.",
        ),
        ({"n": [{"anything-but": {"numeric": [">", 1]}}]}, "Unsupported anything-but pattern: numeric"),
        ({"n": [{"anything-but": {"prefix": "a", "suffix": "b"}}]}, "Only one key allowed"),
        ({"$or": [{"a": ["1"]}]}, "at least 2 Objects in $or"),
        ({"$or": [{"a": ["1"]}, {}]}, "Empty objects are not allowed"),
    ],
)
def test_malformed_patterns_are_rejected(pattern: dict[str, Any] | str, reason: str) -> None:
    with pytest.raises(ServiceError) as raised:
        compile_pattern(pattern)
    error = raised.value
    assert (error.service, error.code, error.status_code) == ("events", "InvalidEventPatternException", 400)
    assert error.message.startswith("Event pattern is not valid. Reason: ")
    assert reason in error.message


def test_deeply_nested_patterns_fail_cleanly() -> None:
    pattern: dict[str, Any] = {"leaf": ["x"]}
    for _ in range(99):
        pattern = {"a": pattern}
    assert compile_pattern(pattern)  # 100 levels
    for _ in range(5000):
        pattern = {"a": pattern}
    with pytest.raises(ServiceError) as raised:
        compile_pattern(pattern)
    assert raised.value.code == "InvalidEventPatternException"
    assert "nested too deeply" in raised.value.message


ENVELOPE = {
    "id": "1", "account": "123456789012", "source": "a", "time": "2026-01-01T00:00:00Z",
    "region": "eu-west-2", "resources": [], "detail-type": "X", "detail": {},
}  # fmt: skip


@pytest.mark.parametrize(
    "event",
    [
        "[1, 2]",
        "not json",
        "{}",
        # `resources` and `detail` may be left out; the other members may not (recorded TestEventPattern
        # answers: localstack tests/aws/services/events/test_events_patterns.snapshot.json).
        *(
            {k: v for k, v in ENVELOPE.items() if k != field}
            for field in ENVELOPE
            if field not in ("detail", "resources")
        ),
    ],
)
def test_test_event_pattern_wants_a_whole_event(event: Any) -> None:
    with pytest.raises(ServiceError) as raised:
        test_event_pattern({"source": ["a"]}, event)
    assert raised.value.code == "ValidationException"
    assert raised.value.message == "Parameter Event is not valid."


def test_test_event_pattern_checks_the_pattern_first() -> None:
    with pytest.raises(ServiceError) as raised:
        test_event_pattern({"source": "a"}, "not json")
    assert raised.value.code == "InvalidEventPatternException"


def test_an_envelope_without_detail_is_enough() -> None:
    envelope = {k: v for k, v in ENVELOPE.items() if k != "detail"}
    assert test_event_pattern({"source": ["a"]}, envelope)
