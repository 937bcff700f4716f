"""Choice rules read as words on the diagrams."""

from __future__ import annotations

import json

from infra.diagrams.conditions import describe
from infra.topology import WORKFLOWS


def _choices(workflow: str, state: str) -> list[dict]:
    """A Choice state's rules, found anywhere in a workflow's definition."""
    found: list[dict] = []

    def walk(states: dict) -> None:
        for name, body in states.items():
            if name == state:
                found.extend(body["Choices"])
            for branch in body.get("Branches", []):
                walk(branch["States"])
            processor = body.get("ItemProcessor") or body.get("Iterator")
            if processor:
                walk(processor["States"])

    walk(json.loads((WORKFLOWS / f"{workflow}.asl.json").read_text())["States"])
    return found


def test_and_rule() -> None:
    rule = {
        "And": [
            {"Variable": "$.Kind", "StringEquals": "TWEETED"},
            {"Variable": "$.Api", "StringEquals": "AAA"},
        ],
        "Next": "IsTweetFromSomeoneElse",
    }
    assert describe(rule) == "Kind is TWEETED and Api is AAA"


def test_or_rule_of_the_analyse_workflow() -> None:
    assert describe(_choices("analyse", "IsThereSomeone")[0]) == "HasPerson is true or HasFace is true"


def test_presence_and_path_comparisons() -> None:
    assert describe({"Variable": "$.Photo", "IsPresent": True}) == "Photo is present"
    assert describe({"Variable": "$.Photo", "IsPresent": False}) == "Photo is absent"
    rule = {"Variable": "$.Item.user.id_str", "StringEqualsPath": "$.ForUserId"}
    assert describe(rule) == "Item.user.id_str is ForUserId"
    assert describe({"Variable": "$.n", "NumericGreaterThanEquals": 3}) == "n ≥ 3"


def test_empty_strings_are_quoted_so_they_can_be_seen() -> None:
    assert describe({"Variable": "$.Text", "StringEquals": ""}) == 'Text is ""'


def test_nested_rules_keep_their_grouping() -> None:
    rule = {
        "And": [
            {"Variable": "$.a", "BooleanEquals": True},
            {"Or": [{"Variable": "$.b", "IsNull": True}, {"Not": {"Variable": "$.c", "StringEquals": "x"}}]},
        ]
    }
    assert describe(rule) == "a is true and (b is null or not (c is x))"


def test_jsonata_conditions_are_shown_as_their_expression() -> None:
    assert describe({"Condition": "{% $states.input.Count > 1 %}", "Next": "X"}) == "$states.input.Count > 1"
