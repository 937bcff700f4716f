"""Target input: the event, Input, InputPath and InputTransformer with AWS's quoting rules."""

from __future__ import annotations

import json
from typing import Any

import pytest

from integrations.bus import EventBus
from integrations.bus.transform import DeliveryContext, TargetInput
from integrations.errors import ServiceError

EVENT: dict[str, Any] = {
    "version": "0",
    "id": "e-1",
    "detail-type": "MESSAGE_ANALYSED",
    "source": "BOT",
    "account": "123456789012",
    "time": "2026-01-01T00:00:00Z",
    "region": "eu-west-2",
    "resources": [],
    "detail": {
        "Author": "ana",
        "Text": 'he said "hi"\nbye',
        "Score": 0.25,
        "Tags": ["a", "b"],
        "Analysis": {"TextSentiment": "NEGATIVE"},
    },
}
CONTEXT = DeliveryContext(
    "alerts", "arn:aws:events:eu-west-2:123456789012:rule/Plumbing/alerts", "2026-01-01T00:00:01Z"
)


def render(**config: Any) -> Any:
    return TargetInput(**config).render(EVENT, CONTEXT)


def transformer(template: str, paths: dict[str, str] | None = None) -> Any:
    return render(input_transformer={"InputPathsMap": paths or {}, "InputTemplate": template})


def test_default_is_the_whole_event() -> None:
    assert render() == EVENT


def test_constant_input() -> None:
    assert render(input_json='{"fixed": [1, 2]}') == {"fixed": [1, 2]}


def test_input_path_selects_part_of_the_event() -> None:
    assert render(input_path="$.detail.Analysis") == {"TextSentiment": "NEGATIVE"}
    assert render(input_path="$.detail-type") == "MESSAGE_ANALYSED"
    assert render(input_path="$.detail.Tags[1]") == "b"
    assert render(input_path="$['detail']['Author']") == "ana"
    assert render(input_path="$") == EVENT
    assert render(input_path="$.detail.nothing") is None


def test_values_outside_quotes_are_inserted_as_json() -> None:
    result = transformer(
        '{"analysis": <a>, "score": <s>, "tags": <t>, "author": <who>}',
        {"a": "$.detail.Analysis", "s": "$.detail.Score", "t": "$.detail.Tags", "who": "$.detail.Author"},
    )
    assert result == {
        "analysis": {"TextSentiment": "NEGATIVE"},
        "score": 0.25,
        "tags": ["a", "b"],
        "author": "ana",
    }


def test_values_inside_quotes_are_inserted_raw_and_escaped() -> None:
    result = transformer(
        '{"line": "<who> wrote: <text> (score <s>)"}',
        {"who": "$.detail.Author", "text": "$.detail.Text", "s": "$.detail.Score"},
    )
    assert result == {"line": 'ana wrote: he said "hi"\nbye (score 0.25)'}


def test_a_string_template_yields_a_string() -> None:
    assert (
        transformer('"Negative message from <who>"', {"who": "$.detail.Author"})
        == "Negative message from ana"
    )


def test_a_plain_text_template_yields_the_text() -> None:
    # The InputTransformer API reference's own example is such a template ("<instance> is in state
    # <status>"); values outside quotes are written as JSON.
    assert transformer(
        "Alert: <who> is <s>", {"who": "$.detail.Author", "s": "$.detail.Analysis.TextSentiment"}
    ) == ('Alert: "ana" is "NEGATIVE"')


def test_predefined_placeholders() -> None:
    result = transformer(
        '{"arn": "<aws.events.rule-arn>", "name": <aws.events.rule-name>, '
        '"at": "<aws.events.event.ingestion-time>", "meta": <aws.events.event>, '
        '"all": <aws.events.event.json>}'
    )
    assert result["arn"] == CONTEXT.rule_arn
    assert result["name"] == "alerts"
    assert result["at"] == "2026-01-01T00:00:01Z"
    assert "detail" not in result["meta"] and result["meta"]["id"] == "e-1"
    assert result["all"] == EVENT


def test_missing_paths_are_empty_strings_inside_and_outside_quotes() -> None:
    # Recorded: '{"command": <command>}' with $.detail.notinmessage gave {"command": ""}, and a string
    # template gave "... info extracted from detail " (localstack test_events_inputs.snapshot.json).
    assert transformer('{"a": <x>, "b": "[<x>]"}', {"x": "$.detail.absent"}) == {"a": "", "b": "[]"}
    assert transformer('"from <x>."', {"x": "$.detail.absent"}) == "from ."


def test_a_placeholder_not_in_the_paths_map_is_refused() -> None:
    # Recorded PutTargets answer: "InputTemplate for target <id> contains invalid placeholder <name>."
    with pytest.raises(ServiceError) as raised:
        TargetInput(
            input_transformer={
                "InputPathsMap": {"who": "$.detail.Author"},
                "InputTemplate": '"<b>bold</b> <who>"',
            },
            target_id="alerts-topic",
        )
    assert (raised.value.code, raised.value.message) == (
        "ValidationException",
        "InputTemplate for target alerts-topic contains invalid placeholder b.",
    )


def test_escaped_quotes_do_not_toggle_the_quoting_state() -> None:
    assert transformer('{"q": "say \\"<who>\\"", "v": <who>}', {"who": "$.detail.Author"}) == {
        "q": 'say "ana"',
        "v": "ana",
    }


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"input_json": "{", "input_path": None}, "Input is not valid JSON."),
        ({"input_json": "{}", "input_path": "$.a"}, "Only one of Input, InputPath, or InputTransformer"),
        ({"input_path": "detail.a"}, "must start with"),
        ({"input_path": "$.a[x]"}, "Invalid JSON path"),
        ({"input_transformer": {"InputTemplate": ""}}, "InputTemplate is a required argument"),
        ({"input_transformer": {"InputTemplate": "x" * 8193}}, "at most 8192"),
        ({"input_transformer": {"InputPathsMap": {"aws.x": "$.a"}, "InputTemplate": "<x>"}}, "invalid key"),
        ({"input_transformer": {"InputPathsMap": {"a b": "$.a"}, "InputTemplate": "<x>"}}, "invalid key"),
        (
            {
                "input_transformer": {
                    "InputPathsMap": {f"k{i}": "$.a" for i in range(101)},
                    "InputTemplate": "x",
                }
            },
            "at most 100",
        ),
    ],
)
def test_bad_target_input_is_a_validation_error(config: dict[str, Any], message: str) -> None:
    with pytest.raises(ServiceError, match=message) as raised:
        TargetInput(**config)
    assert raised.value.code == "ValidationException"


def test_transformer_end_to_end_through_a_rule(bus: EventBus, recorder) -> None:
    bus.put_rule(Name="alerts", EventPattern={"detail": {"Analysis": {"TextSentiment": ["NEGATIVE"]}}})
    bus.register_target("arn:aws:sns:eu-west-2:123456789012:alerts", recorder)
    bus.put_targets(
        Rule="alerts",
        Targets=[
            {
                "Id": "topic",
                "Arn": "arn:aws:sns:eu-west-2:123456789012:alerts",
                "InputTransformer": {
                    "InputPathsMap": {"who": "$.detail.Author"},
                    "InputTemplate": '{"Subject": "Negative", '
                    '"Message": "From <who> via <aws.events.rule-name>"}',
                },
            }
        ],
    )
    bus.put_events(
        Entries=[{"Source": "BOT", "DetailType": "MESSAGE_ANALYSED", "Detail": json.dumps(EVENT["detail"])}]
    )
    assert bus.drain() == 1
    assert recorder.received == [{"Subject": "Negative", "Message": "From ana via alerts"}]


# -- AWS's renderings, as its recorded deliveries show them (localstack
#    tests/aws/services/events/test_events_inputs.snapshot.json) and AWS's "Amazon EventBridge input
#    transformation" page describes them. The event below is written for these tests. -------------------
ORDER: dict[str, Any] = {
    **EVENT,
    "detail": {
        "order": {"ref": "o-19", "desk": "north"},
        "states": ["OPEN", "HELD"],
        "one": ["X"],
        "ok": False,
    },
}
PATHS = {
    "order": "$.detail.order",
    "ref": "$.detail.order.ref",
    "states": "$.detail.states",
    "one": "$.detail.one",
}


def order_transform(template: str) -> Any:
    config = {
        "InputPathsMap": {**PATHS, "ok": "$.detail.ok", "gone": "$.detail.gone"},
        "InputTemplate": template,
    }
    return TargetInput(input_transformer=config).render(ORDER, CONTEXT)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ('"Order <order> at <ref>"', "Order {ref:o-19,desk:north} at o-19"),
        ('"<states> and <one>"', "[OPEN,HELD] and [X]"),
        ('"ok is <ok>, gone is <gone>."', "ok is false, gone is ."),
        (
            '{"path": "orders/<ref>", "body": <order>, "list": [<ref>, "fixed"]}',
            {"path": "orders/o-19", "body": {"ref": "o-19", "desk": "north"}, "list": ["o-19", "fixed"]},
        ),
        (
            '{"ids": "<ref>/<ref>", "one": <one>, "ref": <ref>}',
            {"ids": "o-19/o-19", "one": ["X"], "ref": "o-19"},
        ),
    ],
)
def test_templates_render_as_aws_renders_them(template: str, expected: Any) -> None:
    assert order_transform(template) == expected


@pytest.mark.parametrize(
    "template",
    [
        '{"body": "<order>"}',  # an object inside quotes of a JSON template
        '{"states": "<states>"}',  # a list likewise
        '{"meta": "<aws.events.event>"}',  # "its contents are not escaped"
    ],
)
def test_results_that_are_not_json_are_not_delivered(template: str) -> None:
    with pytest.raises(ServiceError) as raised:
        order_transform(template)
    assert raised.value.code == "TransformationFailed"


def test_a_text_template_of_several_lines_is_delivered_as_its_text() -> None:
    assert order_transform('"<ref> first"\n"<states> second"') == '"o-19 first"\n"[OPEN,HELD] second"'


def test_the_event_placeholders_are_the_envelope_as_aws_presents_it() -> None:
    rendered = order_transform('{"meta": <aws.events.event>, "all": <aws.events.event.json>}')
    assert list(rendered["meta"]) == [
        "id",
        "account",
        "detailType",
        "time",
        "source",
        "region",
        "resources",
        "version",
    ]
    assert rendered["meta"]["detailType"] == ORDER["detail-type"]
    assert rendered["all"] == ORDER


def test_put_targets_refuses_what_aws_refuses(bus: EventBus) -> None:
    bus.put_rule(Name="orders", EventPattern={"source": ["BOT"]})
    cases = [
        (
            {
                "Id": "t1",
                "Arn": "arn:aws:sqs:eu-west-2:123456789012:q",
                "InputTransformer": {
                    "InputPathsMap": {"ref": "$.detail.ref"},
                    "InputTemplate": '"<ref> <undefined>"',
                },
            },
            "InputTemplate for target t1 contains invalid placeholder undefined.",
        ),
        (
            {
                "Id": "t2",
                "Arn": "arn:aws:sqs:eu-west-2:123456789012:q",
                "Input": "{}",
                "InputPath": "$.detail",
            },
            "Only one of Input, InputPath, or InputTransformer must be provided for target t2.",
        ),
    ]
    for member, message in cases:
        with pytest.raises(ServiceError) as raised:
            bus.put_targets(Rule="orders", Targets=[member])
        assert (raised.value.code, raised.value.message) == ("ValidationException", message)
    assert bus.list_targets_by_rule(Rule="orders") == {"Targets": []}


def test_an_undeliverable_rendering_becomes_a_dead_letter(bus: EventBus, recorder) -> None:
    bus.put_rule(Name="orders", EventPattern={"source": ["BOT"]})
    bus.register_target("arn:aws:sqs:eu-west-2:123456789012:q", recorder)
    bus.put_targets(
        Rule="orders",
        Targets=[
            {
                "Id": "t",
                "Arn": "arn:aws:sqs:eu-west-2:123456789012:q",
                "DeadLetterConfig": {"Arn": "arn:aws:sqs:eu-west-2:123456789012:dlq"},
                "InputTransformer": {
                    "InputPathsMap": {"order": "$.detail.order"},
                    "InputTemplate": '{"o": "<order>"}',
                },
            }
        ],
    )
    bus.put_events(Entries=[{"Source": "BOT", "DetailType": "X", "Detail": json.dumps(ORDER["detail"])}])
    bus.drain()
    assert recorder.received == []  # not delivered, and not retried
    (letter,) = bus.dead_letters()
    assert letter["Body"]["detail"] == ORDER["detail"]
    assert letter["Attributes"]["EXHAUSTED_RETRY_CONDITION"] == "NonRetryableError"
    assert bus.pending() == 0
