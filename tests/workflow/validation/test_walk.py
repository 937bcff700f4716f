"""The one walker over nested states (workflows.validation.walk), which the validator, the engine's
checks, the harness and the diagrams share. Nesting as the ASL specification defines it
(https://states-language.net/spec.html: Parallel "Branches", Map "ItemProcessor"/"Iterator")."""

from __future__ import annotations

from workflows.validation import validate
from workflows.validation.walk import nested_scopes, walk_states

PASS = {"Type": "Pass", "End": True}
DEFINITION = {
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "A", "States": {"A": PASS}},
                {
                    "StartAt": "Each",
                    "States": {
                        "Each": {
                            "Type": "Map",
                            "ItemProcessor": {"StartAt": "Inner", "States": {"Inner": PASS}},
                            "End": True,
                        }
                    },
                },
            ],
            "Next": "Old",
        },
        "Old": {"Type": "Map", "Iterator": {"StartAt": "Legacy", "States": {"Legacy": PASS}}, "End": True},
    },
}


def test_walk_visits_every_state_depth_first_with_pointer_and_engine_path():
    walked = [(w.name, w.at, w.path) for w in walk_states(DEFINITION)]
    assert walked == [
        ("Fan", "/States/Fan", "Fan"),
        ("A", "/States/Fan/Branches/0/States/A", "Fan/A"),
        ("Each", "/States/Fan/Branches/1/States/Each", "Fan/Each"),
        ("Inner", "/States/Fan/Branches/1/States/Each/ItemProcessor/States/Inner", "Fan/Each/Inner"),
        ("Old", "/States/Old", "Old"),
        ("Legacy", "/States/Old/Iterator/States/Legacy", "Old/Legacy"),
    ]


def test_nested_scopes_name_each_branch_and_processor():
    fan = DEFINITION["States"]["Fan"]
    assert [(s.at, s.kind, s.index) for s in nested_scopes(fan)] == [
        ("/Branches/0", "Parallel branch", 0),
        ("/Branches/1", "Parallel branch", 1),
    ]
    assert [(s.at, s.kind) for s in nested_scopes(DEFINITION["States"]["Old"])] == [
        ("/Iterator", "Map Iterator")
    ]
    assert nested_scopes(PASS) == []


def test_walk_skips_malformed_parts_that_the_validator_reports():
    broken = {"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [7], "End": True}, "X": 3}}
    assert [w.name for w in walk_states(broken)] == ["P"]
    assert any("Parallel branch must be an object" in p.message for p in validate(broken))
