"""Event patterns in words, as the system diagram shows each rule."""

from __future__ import annotations

from infra.diagrams.patterns import describe_pattern
from infra.topology import TOPOLOGY


def test_the_topology_rules_in_words() -> None:
    words = {rule.name: describe_pattern(rule.pattern) for rule in TOPOLOGY.rules}
    assert words["AlertOnNegativeMessages"] == (
        "detail-type is MESSAGE_ANALYSED and detail.Analysis.TextSentiment is NEGATIVE and"
        " (detail.Analysis.Toxicity.Toxicity is < 0.5 or detail.Analysis.Toxicity.Toxicity does not exist)"
    )
    assert words["AlertOnAbusiveMessages"] == (
        "detail-type is MESSAGE_ANALYSED and detail.Analysis.Toxicity.Toxicity is >= 0.5"
    )
    assert (
        words["RespondToText"]
        == "detail-type is MESSAGE_ANALYSED and detail.Analysis.Images.Key does not exist"
    )
    assert words["LogEverything"] == "every event"
    assert words["DeliverEverythingToTheLake"] == "every event and replay-name does not exist"


def test_other_matchers() -> None:
    pattern = {
        "detail-type": ["A", "B"],
        "detail": {"n": [{"numeric": [">", 0, "<=", 5]}], "s": [{"anything-but": ["x", "y"]}]},
        "$or": [{"source": ["S"]}, {"account": [{"prefix": "12"}]}],
    }
    assert describe_pattern(pattern) == (
        "detail-type is A or B and detail.n is > 0 and <= 5 and detail.s is none of x, y"
        " and (source is S or account starts with 12)"
    )
