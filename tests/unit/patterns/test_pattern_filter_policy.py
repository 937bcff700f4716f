"""SNS filter policies: the EventBridge grammar applied to attributes or the body, with SNS's limits."""

from __future__ import annotations

import json
from typing import Any

import pytest

from integrations.errors import ServiceError
from integrations.patterns import compile_filter_policy

ATTRIBUTES = {
    "store": {"DataType": "String", "StringValue": "example_corp"},
    "price_usd": {"DataType": "Number", "StringValue": "210.75"},
    "quantity": {"DataType": "Number", "StringValue": "3"},
    "customer_interests": {"DataType": "String.Array", "StringValue": '["soccer", "rugby", "hockey"]'},
    "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
}


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ({"store": ["example_corp"]}, True),
        ({"store": ["other"]}, False),
        ({"store": [{"prefix": "example"}]}, True),
        ({"store": [{"suffix": "_corp"}]}, True),
        ({"store": [{"equals-ignore-case": "EXAMPLE_CORP"}]}, True),
        ({"store": [{"anything-but": ["example_corp"]}]}, False),
        ({"store": [{"anything-but": {"prefix": "ex"}}]}, False),
        ({"price_usd": [{"numeric": [">=", 100, "<", 300]}]}, True),
        ({"price_usd": [{"numeric": ["=", 210.75]}]}, True),
        ({"quantity": [3]}, True),
        ({"quantity": ["3"]}, False),  # a Number attribute is not the string "3"
        ({"store": [{"numeric": [">", 0]}]}, False),
        ({"customer_interests": ["rugby"]}, True),
        ({"customer_interests": ["baseball"]}, False),
        ({"missing": [{"exists": False}]}, True),
        ({"store": [{"exists": False}]}, False),
        ({"blob": [{"exists": True}]}, False),  # binary attributes are never matched
        ({"store": ["example_corp"], "quantity": [{"numeric": [">", 5]}]}, False),
        ({"$or": [{"store": ["x"]}, {"quantity": [3]}]}, True),
    ],
)
def test_attribute_policies(policy: dict[str, Any], expected: bool) -> None:
    assert compile_filter_policy(policy).matches("any message", ATTRIBUTES) is expected


def test_body_policies_match_the_json_message_with_nesting() -> None:
    policy = compile_filter_policy(
        {"Analysis": {"TextSentiment": ["NEGATIVE"], "Score": [{"numeric": [">", 0.5]}]}}, "MessageBody"
    )
    body = {"Analysis": {"TextSentiment": "NEGATIVE", "Score": 0.9}}
    assert policy.matches(json.dumps(body))
    assert not policy.matches(json.dumps({"Analysis": {"TextSentiment": "POSITIVE", "Score": 0.9}}))
    assert not policy.matches("plain text is not a JSON object")
    assert not policy.matches("[1, 2]")


def test_body_scope_ignores_attributes_and_attribute_scope_ignores_body() -> None:
    by_body = compile_filter_policy({"store": ["example_corp"]}, "MessageBody")
    assert not by_body.matches("{}", ATTRIBUTES)
    by_attributes = compile_filter_policy({"store": ["example_corp"]})
    assert not by_attributes.matches('{"store": "example_corp"}', {})


@pytest.mark.parametrize(
    ("policy", "scope", "reason"),
    [
        ({"url": [{"wildcard": "*.com"}]}, "MessageAttributes", "Unrecognized match type wildcard"),
        # Recorded: "Invalid parameter: Filter policy scope MessageAttributes does not support nested
        # filter policy" (no "FilterPolicy:" part; localstack test_sns_filter_policy.snapshot.json).
        (
            {"a": {"b": ["c"]}},
            "MessageAttributes",
            "Invalid parameter: Filter policy scope MessageAttributes",
        ),
        ({k: ["v"] for k in "abcdef"}, "MessageAttributes", "can not have more than 5 keys"),
        ({"a": [str(i) for i in range(13)], "b": [str(i) for i in range(12)]}, "MessageBody", "too complex"),
        ({"n": [{"numeric": [">", 2e9]}]}, "MessageAttributes", "between -1.0E9 and 1.0E9"),
        ({"n": "x"}, "MessageAttributes", '"n" must be an object or an array'),
        ("{nope", "MessageAttributes", "was expecting double-quote to start field name"),
    ],
)
def test_malformed_policies_are_invalid_parameters(policy: Any, scope: str, reason: str) -> None:
    with pytest.raises(ServiceError) as raised:
        compile_filter_policy(policy, scope)
    assert (raised.value.service, raised.value.code) == ("sns", "InvalidParameter")
    assert raised.value.message.startswith("Invalid parameter: ")
    assert reason in raised.value.message


def test_unknown_scope_is_rejected() -> None:
    with pytest.raises(ServiceError, match="FilterPolicyScope"):
        compile_filter_policy({"a": ["b"]}, "Headers")
