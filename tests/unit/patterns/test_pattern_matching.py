"""EventBridge event patterns match as the EventBridge User Guide and the Event Ruler README describe."""

from __future__ import annotations

import json
from typing import Any

import pytest

from integrations.patterns import compile_pattern, test_event_pattern

EVENT: dict[str, Any] = {
    "version": "0",
    "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "111122223333",
    "time": "2017-12-22T18:43:48Z",
    "region": "us-west-1",
    "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
    "detail": {
        "instance-id": "i-1234567890abcdef0",
        "state": "terminated",
        "c-count": 5,
        "d-count": 3.0e2,
        "x-limit": 301.8,
        "source-ip": "10.0.0.123",
        "ipv6": "2001:db8::1",
        "nothing": None,
        "enabled": True,
        "location": {"city": "Seattle"},
        "tags": ["blue", "production"],
        "users": [{"name": "ana", "role": "admin"}, {"name": "bo", "role": "reader"}],
        "filename": "photo.PNG",
        "url": "https://example.com/a/b",
    },
}


def matches(pattern: dict[str, Any], event: dict[str, Any] | None = None) -> bool:
    return compile_pattern(pattern).matches(EVENT if event is None else event)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ({"source": ["aws.ec2"]}, True),
        ({"source": ["aws.s3"]}, False),
        ({"source": ["aws.s3", "aws.ec2"]}, True),
        ({"detail": {"state": ["terminated"]}}, True),
        ({"detail": {"state": ["Terminated"]}}, False),
        ({"detail": {"location": {"city": ["Seattle"]}}}, True),
        ({"detail": {"c-count": [5]}}, True),
        ({"detail": {"c-count": ["5"]}}, False),  # a string never equals a number
        ({"detail": {"d-count": [300]}}, True),  # numeric equality: 300 == 3.0e2
        ({"detail": {"d-count": [3e2]}}, True),
        ({"detail": {"nothing": [None]}}, True),
        ({"detail": {"state": [None]}}, False),
        ({"detail": {"missing": [None]}}, False),  # null is a value, absent is not null
        ({"detail": {"enabled": [True]}}, True),
        ({"detail": {"enabled": [1]}}, False),  # booleans are not numbers
        ({"detail": {"c-count": [True]}}, False),
        ({"detail": {"location": ["Seattle"]}}, False),  # objects are not leaves
        ({"source": ["aws.ec2"], "detail": {"state": ["running"]}}, False),  # fields are ANDed
    ],
)
def test_exact_values(pattern: dict[str, Any], expected: bool) -> None:
    assert matches(pattern) is expected


@pytest.mark.parametrize(
    ("condition", "field", "expected"),
    [
        ({"prefix": "i-12"}, "instance-id", True),
        ({"prefix": "i-99"}, "instance-id", False),
        ({"prefix": ""}, "instance-id", True),
        ({"prefix": {"equals-ignore-case": "I-123"}}, "instance-id", True),
        ({"suffix": ".png"}, "filename", False),
        ({"suffix": {"equals-ignore-case": ".png"}}, "filename", True),
        ({"suffix": ".PNG"}, "filename", True),
        ({"equals-ignore-case": "TERMINATED"}, "state", True),
        ({"equals-ignore-case": "running"}, "state", False),
        ({"prefix": "5"}, "c-count", False),  # string operators never match numbers
        ({"wildcard": "https://*.com/*"}, "url", True),
        ({"wildcard": "https://*.org/*"}, "url", False),
        ({"wildcard": "*"}, "state", True),
        ({"wildcard": "term*ted"}, "state", True),
        ({"wildcard": "terminated"}, "state", True),
        ({"wildcard": "term*"}, "c-count", False),
        ({"numeric": [">", 0, "<=", 5]}, "c-count", True),
        ({"numeric": [">", 0, "<", 5]}, "c-count", False),
        ({"numeric": [">=", 5]}, "c-count", True),
        ({"numeric": ["<", 5]}, "c-count", False),
        ({"numeric": ["<=", 5]}, "c-count", True),
        ({"numeric": ["=", 300]}, "d-count", True),
        ({"numeric": ["=", 3.01e2]}, "d-count", False),
        ({"numeric": [">", 301, "<", 302]}, "x-limit", True),
        ({"numeric": [">", 0]}, "enabled", False),  # true is not 1
        ({"numeric": [">", 0]}, "state", False),
        ({"cidr": "10.0.0.0/24"}, "source-ip", True),
        ({"cidr": "10.0.1.0/24"}, "source-ip", False),
        ({"cidr": "10.0.0.123/32"}, "source-ip", True),
        ({"cidr": "2001:db8::/32"}, "ipv6", True),
        ({"cidr": "2001:db9::/32"}, "ipv6", False),
        ({"cidr": "2001:db8::/32"}, "source-ip", False),
        ({"cidr": "10.0.0.0/8"}, "state", False),
        ({"exists": True}, "state", True),
        ({"exists": True}, "nothing", True),  # null is a present leaf
        ({"exists": True}, "missing", False),
        ({"exists": False}, "missing", True),
        ({"exists": False}, "state", False),
        ({"exists": True}, "location", False),  # exists works on leaves only
        ({"exists": False}, "location", True),
    ],
)
def test_operators(condition: dict[str, Any], field: str, expected: bool) -> None:
    assert matches({"detail": {field: [condition]}}) is expected


@pytest.mark.parametrize(
    ("condition", "field", "expected"),
    [
        ({"anything-but": "running"}, "state", True),
        ({"anything-but": "terminated"}, "state", False),
        ({"anything-but": ["stopped", "terminated"]}, "state", False),
        ({"anything-but": ["stopped", "pending"]}, "state", True),
        ({"anything-but": 5}, "c-count", False),
        ({"anything-but": [300]}, "d-count", False),
        ({"anything-but": [1, 2]}, "c-count", True),
        ({"anything-but": "x"}, "c-count", True),  # a number is anything but the string "x"
        ({"anything-but": {"prefix": "term"}}, "state", False),
        ({"anything-but": {"prefix": "run"}}, "state", True),
        ({"anything-but": {"suffix": "ated"}}, "state", False),
        ({"anything-but": {"suffix": "ing"}}, "state", True),
        ({"anything-but": {"equals-ignore-case": "TERMINATED"}}, "state", False),
        ({"anything-but": {"equals-ignore-case": ["RUNNING", "STOPPED"]}}, "state", True),
        ({"anything-but": {"wildcard": "*nated"}}, "state", False),
        ({"anything-but": {"wildcard": ["*ing", "stop*"]}}, "state", True),
        ({"anything-but": "x"}, "missing", False),  # anything-but needs a value
        ({"anything-but": "blue"}, "tags", True),  # "production" is anything but blue
    ],
)
def test_anything_but(condition: dict[str, Any], field: str, expected: bool) -> None:
    assert matches({"detail": {field: [condition]}}) is expected


def test_wildcard_escapes_match_literal_star_and_backslash() -> None:
    event = {"detail": {"path": "a*b\\c"}}
    assert matches({"detail": {"path": [{"wildcard": "a\\*b\\\\c"}]}}, event)
    assert matches({"detail": {"path": [{"wildcard": "a\\**"}]}}, event)
    assert not matches({"detail": {"path": [{"wildcard": "a\\*c*"}]}}, event)
    assert not matches({"detail": {"path": [{"wildcard": "a\\*b"}]}}, event)


def test_wildcard_is_not_a_regex() -> None:
    assert not matches({"detail": {"p": [{"wildcard": "a.c*"}]}}, {"detail": {"p": "abcd"}})
    assert matches({"detail": {"p": [{"wildcard": "a.c*"}]}}, {"detail": {"p": "a.cd"}})


def test_arrays_match_if_any_element_matches() -> None:
    assert matches({"detail": {"tags": ["production"]}})
    assert not matches({"detail": {"tags": ["staging"]}})
    assert matches({"resources": [{"prefix": "arn:aws:ec2:"}]})
    assert matches({"detail": {"n": [3]}}, {"detail": {"n": [[1, 2], [3]]}})


def test_fields_inside_arrays_of_objects_match_per_element() -> None:
    assert matches({"detail": {"users": {"name": ["bo"]}}})
    assert matches({"detail": {"users": {"name": ["ana"], "role": ["admin"]}}})
    # ana is no reader: the fields must hold in the same element
    assert not matches({"detail": {"users": {"name": ["ana"], "role": ["reader"]}}})


def test_empty_event_array_counts_as_absent() -> None:
    event = {"detail": {"tags": []}}
    assert matches({"detail": {"tags": [{"exists": False}]}}, event)
    assert not matches({"detail": {"tags": [{"exists": True}]}}, event)


def test_exists_false_on_a_missing_parent() -> None:
    assert matches({"detail": {"nope": {"x": [{"exists": False}]}}})
    assert not matches({"detail": {"nope": {"x": [{"exists": True}]}}})


def test_or_at_the_top_and_nested() -> None:
    top = {"$or": [{"source": ["aws.s3"]}, {"detail": {"c-count": [{"numeric": [">", 1]}]}}]}
    assert matches(top)
    nested = {
        "source": ["aws.ec2"],
        "detail": {"$or": [{"state": ["running"]}, {"location": {"city": ["Seattle"]}}]},
    }
    assert matches(nested)
    neither = {"detail": {"$or": [{"state": ["running"]}, {"location": {"city": ["Paris"]}}]}}
    assert not matches(neither)
    deeper = {"detail": {"$or": [{"state": ["x"]}, {"$or": [{"c-count": [9]}, {"d-count": [300]}]}]}}
    assert matches(deeper)


def test_or_with_literal_values_is_an_ordinary_field_name() -> None:
    assert matches({"detail": {"$or": ["x"]}}, {"detail": {"$or": "x"}})


def test_replays_can_be_excluded() -> None:
    pattern = compile_pattern({"source": ["aws.ec2"], "replay-name": [{"exists": False}]})
    assert pattern.matches(EVENT)
    assert not pattern.matches({**EVENT, "replay-name": "nightly"})


def test_multiple_conditions_in_one_array_are_ored() -> None:
    pattern = {"detail": {"state": [{"prefix": "run"}, "terminated", {"exists": False}]}}
    assert matches(pattern)
    assert matches(pattern, {"detail": {}})
    assert not matches(pattern, {"detail": {"state": "stopped"}})


def test_json_text_patterns_and_events() -> None:
    assert test_event_pattern('{"source": ["aws.ec2"]}', json.dumps(EVENT))
    assert not test_event_pattern({"source": ["aws.ec2"]}, {**EVENT, "source": "aws.s3"})


def test_a_compiled_pattern_is_reusable_and_keeps_its_source() -> None:
    source = {"source": ["aws.ec2"]}
    pattern = compile_pattern(source)
    assert pattern.source == source
    assert [pattern.matches(EVENT), pattern.matches({"source": "x"}), pattern(EVENT)] == [True, False, True]
    assert not pattern.matches("not an event")  # type: ignore[arg-type]


# The example event of the Event Ruler README, and rules in the style of its examples.
RULER_EVENT: dict[str, Any] = {
    "version": "0",
    "id": "ddddd4-aaaa-7777-4444-345499998888",
    "detail-type": "Example Detail Type",
    "source": "com.example.source",
    "account": "123456789012",
    "time": "2019-05-09T00:00:00Z",
    "region": "us-east-1",
    "resources": [],
    "detail": {
        "Image": {
            "Width": 800,
            "Height": 600,
            "Title": "View from 15th Floor",
            "Thumbnail": {"Url": "http://www.example.com/image/481989943", "Height": 125, "Width": 100},
            "Animated": False,
            "IDs": [116, 943, 234, 38793],
        }
    },
}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ({"detail-type": ["Example Detail Type"], "detail": {"Image": {"Width": [800]}}}, True),
        ({"detail": {"Image": {"Width": [800], "Title": [{"prefix": "View"}]}}}, True),
        ({"detail": {"Image": {"Width": [800], "Title": [{"prefix": "view"}]}}}, False),
        ({"detail": {"Image": {"Title": [{"equals-ignore-case": "view from 15th floor"}]}}}, True),
        ({"detail": {"Image": {"Thumbnail": {"Height": [{"numeric": [">", 120, "<=", 125]}]}}}}, True),
        ({"detail": {"Image": {"Thumbnail": {"Height": [{"numeric": [">", 125]}]}}}}, False),
        ({"detail": {"Image": {"IDs": [38793]}}}, True),
        ({"detail": {"Image": {"IDs": [{"numeric": [">", 40000]}]}}}, False),
        ({"detail": {"Image": {"Animated": [False]}}}, True),
        ({"detail": {"Image": {"Animated": [0]}}}, False),
        ({"detail": {"Image": {"Thumbnail": {"Url": [{"wildcard": "http://*.example.com/*"}]}}}}, True),
        ({"detail": {"Image": {"Thumbnail": {"Url": [{"suffix": "943"}]}}}}, True),
        ({"detail": {"Image": {"Title": [{"anything-but": {"prefix": "View"}}]}}}, False),
        (
            {
                "detail": {
                    "Image": {"Depth": [{"exists": False}]},
                    "$or": [{"source": ["x"]}, {"Kind": ["y"]}],
                }
            },
            False,
        ),
        (
            {"detail": {"Image": {"Depth": [{"exists": False}], "$or": [{"Width": [800]}, {"Kind": ["y"]}]}}},
            True,
        ),
        ({"$or": [{"detail": {"Image": {"Width": [1]}}}, {"detail": {"Image": {"Height": [600]}}}]}, True),
        (
            {
                "source": [{"prefix": "com.example"}],
                "detail": {"Image": {"Thumbnail": {"Width": [100, 200]}}},
            },
            True,
        ),
    ],
)
def test_event_ruler_readme_examples(pattern: dict[str, Any], expected: bool) -> None:
    assert compile_pattern(pattern).matches(RULER_EVENT) is expected


def test_null_values_and_empty_strings() -> None:
    # From "Matching null values and empty strings" in the EventBridge User Guide.
    event = {"detail": {"eventVersion": "", "responseElements": None}}
    assert matches({"detail": {"eventVersion": [""], "responseElements": [None]}}, event)
    assert not matches({"detail": {"eventVersion": [None]}}, event)
    assert not matches({"detail": {"responseElements": [""]}}, event)


@pytest.mark.parametrize(
    ("images", "expected"),
    [
        (None, True),  # no Images at all
        ([], True),
        ([{"Error": "unreadable"}], True),
        ([{"Key": "a.jpg"}], False),
        ([{"Error": "unreadable"}, {"Key": "a.jpg"}], False),  # one image has a Key: the path exists
        ([{"Key": "a.jpg"}, {"Key": "b.jpg"}], False),
    ],
)
def test_exists_false_inside_arrays_means_absent_from_every_element(images: Any, expected: bool) -> None:
    pattern = {"detail": {"Analysis": {"Images": {"Key": [{"exists": False}]}}}}
    analysis = {} if images is None else {"Images": images}
    assert matches(pattern, {"detail": {"Analysis": analysis}}) is expected


def test_absence_and_presence_inside_arrays_of_objects() -> None:
    event = {"users": [{"name": "ana", "role": "admin"}, {"name": "bo"}]}
    # bo has no role, but ana has one: the path users.role exists in the event
    assert not matches({"users": {"name": ["bo"], "role": [{"exists": False}]}}, event)
    assert matches({"users": {"name": ["bo"], "team": [{"exists": False}]}}, event)
    assert not matches({"users": {"name": ["cy"], "team": [{"exists": False}]}}, event)
    nested = {"a": [{"b": [{"c": 1}, {"d": 2}]}, {"b": [{"d": 3}]}]}
    assert not matches({"a": {"b": {"c": [{"exists": False}]}}}, nested)
    assert matches({"a": {"b": {"e": [{"exists": False}], "d": [3]}}}, nested)


def test_objects_in_nested_arrays_are_matched() -> None:
    event = {"a": [[{"b": None}], [[{"b": "x"}]]]}
    assert matches({"a": {"b": [None]}}, event)
    assert matches({"a": {"b": ["x"]}}, event)
    assert not matches({"a": {"b": [{"exists": False}]}}, event)
