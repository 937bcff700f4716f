"""The topology is consistent: every reference resolves, every ASL file gets exactly the substitutions it
uses, every pattern is valid EventBridge, and the rules route each domain event where the design says."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from infra.topology import ROOT, TOPOLOGY, Ref, StateMachine
from integrations.bus.transform import DeliveryContext, TargetInput
from integrations.patterns import compile_pattern

SUBSTITUTION = re.compile(r"\$\{([A-Za-z0-9_]+)\}")


def _declared(kind: str) -> set[str]:
    groups = {
        "bus": [TOPOLOGY.bus],
        "bucket": TOPOLOGY.buckets,
        "function": TOPOLOGY.functions,
        "state_machine": TOPOLOGY.state_machines,
        "table": TOPOLOGY.tables,
        "topic": TOPOLOGY.topics,
        "bot": [TOPOLOGY.bot],
        "stream": [TOPOLOGY.stream],
    }
    return {item.name for item in groups[kind]}


def _refs() -> list[Ref]:
    found: list[Ref] = []
    for machine in TOPOLOGY.state_machines:
        found.extend(machine.substitutions.values())
    for function in TOPOLOGY.functions:
        found.extend(value for value in function.environment.values() if isinstance(value, Ref))
    return found


@pytest.mark.parametrize("ref", _refs(), ids=lambda ref: f"{ref.kind}:{ref.name}")
def test_every_reference_resolves(ref: Ref) -> None:
    assert ref.name in _declared(ref.kind)


@pytest.mark.parametrize("machine", TOPOLOGY.state_machines, ids=lambda machine: machine.name)
def test_each_workflow_gets_exactly_the_substitutions_it_uses(machine: StateMachine) -> None:
    text = machine.path.read_text()
    json.loads(text)
    assert set(SUBSTITUTION.findall(text)) == set(machine.substitutions)


def test_every_rule_target_and_pipe_end_is_declared() -> None:
    kinds = {"state_machine": "state_machine", "topic": "topic"}
    for rule in TOPOLOGY.rules:
        for target in rule.targets:
            if target.kind in kinds:
                assert target.resource in _declared(kinds[target.kind]), rule.name
            elif target.kind == "delivery_stream":
                assert target.resource == TOPOLOGY.delivery_stream.name
    assert TOPOLOGY.pipe.source == TOPOLOGY.stream.name
    assert TOPOLOGY.pipe.target in _declared("state_machine")
    assert TOPOLOGY.delivery_stream.bucket in _declared("bucket")


def test_a_target_must_name_exactly_one_resource() -> None:
    from infra.topology import Target

    with pytest.raises(ValueError, match="exactly one"):
        _ = Target(state_machine="A", topic="B").kind
    with pytest.raises(ValueError, match="exactly one"):
        _ = Target().kind


def test_bot_and_content_files_exist_and_fit_a_tweet() -> None:
    bot = json.loads((ROOT / TOPOLOGY.bot.definition).read_text())
    assert any(locale["LocaleId"] == TOPOLOGY.bot.locale for locale in bot["BotLocales"])
    seeded = [bucket for bucket in TOPOLOGY.buckets if bucket.seed_folder]
    for bucket in seeded:
        for name, least in (
            ("jokes.json", 10),
            ("facts.json", 10),
            ("greetings.json", 3),
            ("other-languages.json", 3),
            ("handed-over.json", 3),
        ):
            items = json.loads((ROOT / bucket.seed_folder / name).read_text())
            assert len(items) >= least, name
            # '@' + a 15-character screen name + a space leaves 263 characters of X's 280.
            assert all(isinstance(item, str) and 0 < len(item) <= 250 for item in items), name


def _event(detail_type: str, detail: dict[str, Any], source: str = "BOT", **extra: Any) -> dict[str, Any]:
    return {
        "version": "0",
        "id": "0d079340-135a-c8c6-95c2-41fb8f496c53",
        "detail-type": detail_type,
        "source": source,
        "account": "123456789012",
        "time": "2026-11-22T10:00:00Z",
        "region": "eu-west-2",
        "resources": [],
        "detail": detail,
        **extra,
    }


def _routes(event: dict[str, Any]) -> set[str]:
    return {rule.name for rule in TOPOLOGY.rules if compile_pattern(rule.pattern).matches(event)}


ALWAYS = {"LogEverything", "DeliverEverythingToTheLake"}
ABUSIVE = {"AlertOnAbusiveMessages", "RespondToText"}
NEGATIVE = {"AlertOnNegativeMessages", "RespondToText"}


def _analysed(sentiment: str, toxicity: dict[str, Any]) -> dict[str, Any]:
    return _event(
        "MESSAGE_ANALYSED",
        {
            "Author": "dana",
            "Text": "@SmaBot grr",
            "Twitter": {"TweetId": "1870000000000000042", "UserId": "7"},
            "Analysis": {"TextSentiment": sentiment, "Toxicity": toxicity, "Images": []},
        },
    )


PHOTO = {"Key": "media/1/0.jpg", "Analysis": {"Labels": [], "TextDetections": [], "CelebrityFaces": []}}


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (_event("MESSAGE_RECEIVED", {"Text": "hi"}, source="TWITTER"), {"AnalyseReceivedMessages"}),
        (_event("TWITTER_FAVOURITED", {"id": 1}, source="TWITTER"), set()),
        (
            _event("MESSAGE_ANALYSED", {"Analysis": {"TextSentiment": "NEGATIVE", "Images": []}}),
            {"AlertOnNegativeMessages", "RespondToText"},
        ),
        (
            _event("MESSAGE_ANALYSED", {"Analysis": {"TextSentiment": "POSITIVE", "Images": []}}),
            {"RespondToText"},
        ),
        (
            _event("MESSAGE_ANALYSED", {"Analysis": {"TextSentiment": "NEUTRAL", "Images": [PHOTO]}}),
            {"RespondToPhotos"},
        ),
        (_event("SEND_TWEET", {"Text": "@a hi"}), {"SendTweets"}),
        (_event("SEND_TWEET", {"Text": "@a hi"}, source="TWITTER"), set()),
        # Abusive (toxicity >= 0.5): the abuse alert, not the negative one too, so the owner hears once.
        (_analysed("NEGATIVE", {"Toxicity": 0.93, "Labels": [], "AbusiveLabels": "INSULT"}), ABUSIVE),
        (_analysed("MIXED", {"Toxicity": 0.5, "Labels": [], "AbusiveLabels": "INSULT"}), ABUSIVE),
        # Checked and not abusive, or the check failed: a negative message still alerts as negative.
        (_analysed("NEGATIVE", {"Toxicity": 0.49, "Labels": [], "AbusiveLabels": "INSULT"}), NEGATIVE),
        (_analysed("NEGATIVE", {"Error": "Comprehend.AccessDeniedException"}), NEGATIVE),
        (
            _analysed("MIXED", {"Toxicity": 0.12, "Labels": [], "AbusiveLabels": "PROFANITY"}),
            {"RespondToText"},
        ),
    ],
)
def test_rules_route_each_event_where_the_design_says(event: dict[str, Any], expected: set[str]) -> None:
    assert _routes(event) == expected | ALWAYS


def test_the_abuse_alert_names_the_labels() -> None:
    # EventBridge InputTransformer: a placeholder inside a JSON string gets the value's text
    # (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html).
    (target,) = TOPOLOGY.rule("AlertOnAbusiveMessages").targets
    assert target.topic == "Alerts" and target.input_transformer is not None
    spec = target.input_transformer
    transformer = TargetInput(input_transformer={"InputPathsMap": spec.paths, "InputTemplate": spec.template})
    event = _analysed("NEGATIVE", {"Toxicity": 0.93, "Labels": [], "AbusiveLabels": "INSULT, PROFANITY"})
    alert = transformer.render(
        event, DeliveryContext("AlertOnAbusiveMessages", "arn:x", "2026-11-22T10:00:00Z")
    )
    assert (
        alert
        == "You have received an abusive message (INSULT, PROFANITY; toxicity 0.93) from @dana: @SmaBot grr"
        " (https://x.com/i/web/status/1870000000000000042)"
    )


def test_replays_reach_the_workflows_but_not_the_lake_twice() -> None:
    replayed = _event("MESSAGE_RECEIVED", {"Text": "hi"}, source="TWITTER", **{"replay-name": "redrive"})
    assert _routes(replayed) == {"AnalyseReceivedMessages", "LogEverything"}
