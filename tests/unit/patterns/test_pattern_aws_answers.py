"""Patterns and filter policies answer as AWS answers: what matches, what is refused and in which words.

Sources: AWS's EventBridge user guide ("Content filtering in Amazon EventBridge event patterns",
"Considerations when creating event patterns" in "Amazon EventBridge event patterns", the TestEventPattern
API reference), AWS's SNS developer guide ("Filter policy constraints in Amazon SNS", "Amazon SNS message
filtering" and its payload-based filtering pages), and AWS's recorded answers to TestEventPattern,
Subscribe and SetSubscriptionAttributes in localstack's validated snapshots
(tests/aws/services/events/test_events_patterns.snapshot.json,
tests/aws/services/sns/test_sns_filter_policy.snapshot.json). The events and patterns below are written
for these tests in the documented shapes.
"""

from __future__ import annotations

from typing import Any

import pytest

from integrations.errors import ServiceError
from integrations.patterns import compile_filter_policy, compile_pattern, test_event_pattern
from integrations.patterns.filter_policy import combinations
from integrations.patterns.wildcard import complexity


def envelope(detail: dict[str, Any] | None = None, **members: Any) -> dict[str, Any]:
    """An event as TestEventPattern takes it: id, account, source, time, region, detail-type; no
    `resources` (AWS's API reference lists it, but AWS matches events without it)."""
    event = {
        "id": "7f0b1c2e",
        "account": "210987654321",
        "source": "shop.orders",
        "time": "2026-03-04T05:06:07Z",
        "region": "eu-central-1",
        "detail-type": "OrderPlaced",
        **members,
    }
    if detail is not None:
        event["detail"] = detail
    return event


def refusal(pattern: Any) -> str:
    with pytest.raises(ServiceError) as raised:
        compile_pattern(pattern)
    assert raised.value.code == "InvalidEventPatternException"
    return raised.value.message.removeprefix("Event pattern is not valid. Reason: ")


# -- 1. the envelope's optional members ----------------------------------------------------------------
def test_an_event_without_resources_or_detail_is_tested() -> None:
    assert test_event_pattern({"source": ["shop.orders"]}, envelope()) is True
    assert test_event_pattern({"source": ["shop.refunds"]}, envelope()) is False
    assert test_event_pattern({"detail": {"total": [{"exists": False}]}}, envelope()) is True


@pytest.mark.parametrize("missing", ["id", "account", "source", "time", "region", "detail-type"])
def test_each_mandatory_member_is_still_required(missing: str) -> None:
    event = {key: value for key, value in envelope().items() if key != missing}
    with pytest.raises(ServiceError) as raised:
        test_event_pattern({"source": ["shop.orders"]}, event)
    assert (raised.value.code, raised.value.message) == (
        "ValidationException",
        "Parameter Event is not valid.",
    )


# -- 2. dotted keys --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("pattern", "detail", "expected"),
    [
        ({"order.state": ["paid"]}, {"order": {"state": "paid"}}, True),
        ({"order.state": ["paid"]}, {"order": {"state": "open"}}, False),
        ({"order": {"state": ["paid"]}}, {"order.state": "paid"}, True),
        ({"order": {"state": ["paid"]}}, {"order.state": "open"}, False),
        ({"a.b.c": [1]}, {"a": {"b.c": 1}}, True),
        ({"a": {"b.c": [1]}}, {"a.b": {"c": 1}}, True),
        ({"order.state": [{"exists": False}]}, {"order": {"total": 3}}, True),
    ],
)
def test_nested_keys_join_with_dots_on_both_sides(pattern: Any, detail: Any, expected: bool) -> None:
    assert test_event_pattern({"detail": pattern}, envelope(detail)) is expected


def test_sns_message_body_joins_dotted_keys_too() -> None:
    policy = compile_filter_policy({"parcel.size.unit": ["cm"]}, "MessageBody")
    for body in (
        '{"parcel": {"size": {"unit": "cm"}}}',
        '{"parcel.size.unit": "cm"}',
        '{"parcel.size": {"unit": "cm"}}',
        '{"parcel": {"size.unit": "cm"}}',
    ):
        assert policy.matches(body), body
    assert not policy.matches('{"parcel": {"size": {"unit": "in"}}}')
    nested = compile_filter_policy({"parcel": {"size.unit": ["cm"]}}, "MessageBody")
    assert nested.matches('{"parcel.size.unit": "cm"}')


def test_sns_message_attributes_match_dotted_attribute_names() -> None:
    policy = compile_filter_policy({"order.kind": ["gift"]})
    assert policy.matches("m", {"order.kind": {"DataType": "String", "StringValue": "gift"}})
    assert not policy.matches("m", {"order.kind": {"DataType": "String", "StringValue": "plain"}})


# -- 3. anything-but and the other operators ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("condition", "value", "expected"),
    [
        ({"anything-but": {"prefix": ["tmp-", "test-"]}}, "prod-7", True),
        ({"anything-but": {"prefix": ["tmp-", "test-"]}}, "test-7", False),
        ({"anything-but": {"prefix": ["tmp-", "test-"]}}, None, True),
        ({"anything-but": {"prefix": ["tmp-", "test-"]}}, 42, True),
        ({"anything-but": {"suffix": [".tmp", ".bak"]}}, "report.pdf", True),
        ({"anything-but": {"suffix": [".tmp", ".bak"]}}, "report.bak", False),
        ({"anything-but": {"equals-ignore-case": ["Draft", "void"]}}, "DRAFT", False),
        ({"anything-but": {"equals-ignore-case": ["Draft", "void"]}}, "sent", True),
        ({"anything-but": {"wildcard": ["*/cache/*", "*.log"]}}, "/srv/cache/x", False),
        ({"anything-but": {"wildcard": ["*/cache/*", "*.log"]}}, "/srv/data/x", True),
        ({"anything-but": [3, 4]}, 5, True),
        ({"anything-but": [3, 4]}, 4.0, False),
        ({"numeric": [">=", 0, "<", 10]}, 9.99, True),
        ({"cidr": "10.8.0.0/16"}, "10.8.200.1", True),
        ({"cidr": "10.8.0.0/16"}, "10.9.0.1", False),
    ],
)
def test_operators_select_as_documented(condition: dict[str, Any], value: Any, expected: bool) -> None:
    pattern = {"detail": {"field": [condition]}}
    assert test_event_pattern(pattern, envelope({"field": value})) is expected
    # anything-but never matches a field the event does not have
    if "anything-but" in condition:
        assert test_event_pattern(pattern, envelope({"other": value})) is False


@pytest.mark.parametrize(
    ("condition", "reason"),
    [
        ({"anything-but": {"prefix": ""}}, "Null prefix/suffix not allowed"),
        ({"anything-but": {"suffix": ["x", ""]}}, "Null prefix/suffix not allowed"),
        ({"anything-but": {"prefix": 7}}, "prefix/suffix match pattern must be a string"),
        ({"anything-but": {"suffix": [None, "x"]}}, "prefix/suffix match pattern must be a string"),
        (
            {"anything-but": {"prefix": {"equals-ignore-case": "x"}}},
            "Value of anything-but must be an array or single string/number value.",
        ),
        ({"anything-but": None}, "Value of anything-but must be an array or single string/number value."),
        ({"anything-but": ["a", None]}, "Inside anything but list, start|null|boolean is not supported."),
        (
            {"anything-but": {"equals-ignore-case": [1, 2]}},
            "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.",
        ),
        ({"anything-but": {"wildcard": [1, "*x"]}}, "wildcard match pattern must be a string"),
        ({"anything-but": {"exists": True}}, "Unsupported anything-but pattern: exists"),
        ({"prefix": ["a"]}, "prefix match pattern must be a string"),
        ({"suffix": 1}, "suffix match pattern must be a string"),
        ({"equals-ignore-case": ["a"]}, "equals-ignore-case match pattern must be a string"),
        ({"cidr": ["10.0.0.0/8"]}, "prefix match pattern must be a string"),
        ({"cidr": "10.0.0.0"}, "Malformed CIDR, one '/' required"),
        ({"cidr": "10.0.0.0/x"}, "Malformed CIDR, mask bits must be an integer"),
        ({"cidr": "10.0.zz.0/8"}, "Nonstandard IP address: 10.0.zz.0"),
        ({"numeric": 3}, "Value of numeric must be an array."),
        ({"numeric": []}, "Invalid member in numeric match: ]"),
        ({"numeric": [2, "<"]}, "Invalid member in numeric match: 2"),
        ({"numeric": ["between"]}, "Unrecognized numeric range operator: between"),
        ({"numeric": ["=", "2"]}, "Value of equals must be numeric"),
        ({"numeric": ["<"]}, "Value of < must be numeric"),
        ({"numeric": ["<", 9, ">", 1]}, "Too many elements in numeric expression"),
        ({"numeric": [">", 1, ">=", 9]}, "Bad numeric range operator: >="),
        ({"numeric": [">", 1, 9]}, "Bad value in numeric range: 9"),
        ({"numeric": [">", 1, "<"]}, "Value of < must be numeric"),
        ({"numeric": [">", 9, "<=", 1]}, "Bottom must be less than top"),
        ({"numeric": [">", 1, "<", 9, "<", 20]}, "Too many terms in numeric range expression"),
        ({"Numeric": [">", 1]}, "Unrecognized match type Numeric"),
        # the position counts from 1 where Event Ruler reads the value inside its quotes: the first `*`
        ({"wildcard": "a**"}, "Consecutive wildcard characters at pos 2"),
    ],
)
def test_refusals_are_worded_as_aws_words_them(condition: dict[str, Any], reason: str) -> None:
    assert refusal({"detail": {"field": [condition]}}) == reason


def test_wildcards_too_non_deterministic_are_refused() -> None:
    # AWS refuses "*:*:*:*:*:event-bus/*" as too complex and accepts a pattern with one `*` and
    # repeated sequences after it (recorded TestEventPattern answers); Event Ruler's own examples give
    # the complexity figures ("a*bbb" is 4, "a*aaa" with "aa*aa" is 7).
    assert complexity(["a*bbb"]) == 4
    assert complexity(["a*aaa", "aa*aa"]) == 7
    assert refusal({"arn": [{"wildcard": "*-*-*-*-*-bus/*"}]}).startswith("Rule is too complex")
    assert compile_pattern({"path": [{"wildcard": "/home/*/src/src/src/src/src/main.py"}]})
    # the values of one path are weighed together, also across $or branches
    many = [{"wildcard": f"*{c}*{c}*"} for c in "abcd"]
    assert refusal({"$or": [{"k": many[:2]}, {"k": many[2:]}]}).startswith("Rule is too complex")


# -- SNS -------------------------------------------------------------------------------------------------
def sns_refusal(policy: Any, scope: str = "MessageAttributes") -> str:
    with pytest.raises(ServiceError) as raised:
        compile_filter_policy(policy, scope)
    assert (raised.value.service, raised.value.code) == ("sns", "InvalidParameter")
    return raised.value.message


@pytest.mark.parametrize(
    ("condition", "reason"),
    [
        ({"anything-but": {"suffix": ".tmp"}}, "Unsupported anything-but pattern: suffix"),
        ({"anything-but": {"wildcard": "*x"}}, "Unsupported anything-but pattern: wildcard"),
        ({"anything-but": {"prefix": False}}, "prefix match pattern must be a string"),
        ({"anything-but": {"prefix": ["a", "b"]}}, "prefix match pattern must be a string"),
        ({"wildcard": "*x"}, "Unrecognized match type wildcard"),
        ({"numeric": [">=", 5, "<", 2]}, "Bottom must be less than top"),
    ],
)
def test_sns_refuses_what_sns_refuses(condition: dict[str, Any], reason: str) -> None:
    assert sns_refusal({"field": [condition]}) == f"Invalid parameter: FilterPolicy: {reason}"


def test_sns_accepts_anything_but_with_one_prefix() -> None:
    policy = compile_filter_policy({"field": [{"anything-but": {"prefix": "tmp-"}}]})
    assert policy.matches("m", {"field": {"DataType": "String", "StringValue": "prod"}})
    assert not policy.matches("m", {"field": {"DataType": "String", "StringValue": "tmp-1"}})


def values(count: int) -> list[str]:
    return [f"v{i}" for i in range(count)]


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        # the SNS guide's worked example: 3x4 (three levels, four values) x 2x3 x 1x3
        ({"p": {"q": {"r": values(4)}}, "s": {"t": values(3)}, "u": values(3)}, 216),
        ({"a.b": values(2), "c": values(5)}, 20),  # a dotted key is as deep as its parts
        # $or expands into alternatives that add up: 4 x (6 + 4 x (4 + 4)) = 152
        (
            {
                "w": values(4),
                "$or": [{"x": values(6)}, {"y": values(4), "$or": [{"z": values(4)}, {"v": values(4)}]}],
            },
            152,
        ),
        # nested $or: (3 + 2) x (2x2) x (1x2 + 3x2) = 160
        (
            {
                "$or": [{"m": values(3)}, {"n": values(2)}],
                "d": {"s": values(2), "$or": [{"o": values(1)}, {"t": values(3)}]},
            },
            160,
        ),
    ],
)
def test_sns_complexity_is_counted_as_sns_counts_it(policy: dict[str, Any], expected: int) -> None:
    assert combinations(policy) == expected
    if expected > 150:
        assert (
            sns_refusal(policy, "MessageBody")
            == "Invalid parameter: FilterPolicy: Filter policy is too complex"
        )


def test_sns_accepts_a_policy_of_exactly_150_combinations() -> None:
    # 3 x (6 + 4 x (4 + 7)) = 150, accepted in AWS's recorded answers
    policy = {
        "w": values(3),
        "$or": [{"x": values(6)}, {"y": values(4), "$or": [{"z": values(4)}, {"v": values(7)}]}],
    }
    assert combinations(policy) == 150
    assert compile_filter_policy(policy)
    assert sns_refusal({"k": values(151)}).endswith(": Filter policy is too complex")


def test_sns_scope_errors_are_worded_as_recorded() -> None:
    assert sns_refusal({"x": ["y"]}, "Everything") == (
        "Invalid parameter: FilterPolicyScope: Invalid value [Everything]. "
        "Please use either MessageBody or MessageAttributes"
    )
    assert sns_refusal({"a": {"b": ["c"]}}) == (
        "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy"
    )
    # a malformed policy is refused for its syntax before its scope is looked at
    assert (
        sns_refusal({"a": {"suffix": "x"}})
        == 'Invalid parameter: FilterPolicy: "suffix" must be an object or an array'
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("these words are no JSON", "Unrecognized token 'these': was expecting (JSON String, Number, Array, "
         "Object or token 'null', 'true' or 'false')"),
        ("{'single': 'quotes'}", "Unexpected character (''' (code 39)): was expecting double-quote to start "
         "field name"),
        ('{"a": unquoted text"', "Unrecognized token 'unquoted': was expecting (JSON String, Number, Array, "
         "Object or token 'null', 'true' or 'false')"),
        ('[{"a": ["b"]}]', "Filter is not an object"),
    ],
)  # fmt: skip
def test_text_that_is_not_a_json_object_is_refused_in_jacksons_words(text: str, reason: str) -> None:
    # AWS's recorded answers to TestEventPattern with such patterns (test_invalid_json_event_pattern).
    assert refusal(text) == reason


def test_sns_counts_only_top_level_keys_of_a_payload_policy() -> None:
    # "Filter policy constraints in Amazon SNS", Key counting: in payload-based filtering only the
    # top-level keys count towards the five; in attribute-based filtering every key does (AWS's
    # recorded answer to six flat keys: "Filter policy can not have more than 5 keys").
    payload = {"a": ["x"], "b": ["x"], "c": ["x"], "finding": {"d": ["x"], "e": ["x"], "f": ["x"]}}
    assert compile_filter_policy(payload, "MessageBody")
    flat = {key: ["x"] for key in "abcdef"}
    for scope in ("MessageBody", "MessageAttributes"):
        assert (
            sns_refusal(flat, scope)
            == "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys"
        )
