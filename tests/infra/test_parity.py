"""The parity test: the templates hold exactly the topology's rules, with its patterns, targets, input
transformers, retry policies and dead-letter queues; nothing more, nothing less."""

from __future__ import annotations

from typing import Any

from infra.topology import TOPOLOGY, Target

# The CloudFormation type each topology target kind must point at (via Ref/GetAtt of its ARN).
TARGET_TYPES = {
    "state_machine": "AWS::StepFunctions::StateMachine",
    "topic": "AWS::SNS::Topic",
    "delivery_stream": "AWS::KinesisFirehose::DeliveryStream",
    "log_group": "AWS::Logs::LogGroup",
}


def _rules(synthesized) -> dict[str, tuple[str, dict[str, Any]]]:
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for stack, _, properties in synthesized.resources("AWS::Events::Rule"):
        assert properties["Name"] not in found, f"rule {properties['Name']} is defined twice"
        found[properties["Name"]] = (stack, properties)
    return found


def _referenced(template: dict[str, Any], value: Any) -> dict[str, Any]:
    """The resource a target's Arn names (Ref or Fn::GetAtt to a resource of the same stack)."""
    logical_id = value["Ref"] if "Ref" in value else value["Fn::GetAtt"][0]
    return template["Resources"][logical_id]


def test_exactly_the_topology_rules(synthesized) -> None:
    assert sorted(_rules(synthesized)) == sorted(rule.name for rule in TOPOLOGY.rules)


def test_every_rule_has_the_topology_pattern_bus_and_description(synthesized) -> None:
    rules = _rules(synthesized)
    bus = synthesized.resources("AWS::Events::EventBus")
    assert [properties["Name"] for _, _, properties in bus] == [TOPOLOGY.bus.name]
    for rule in TOPOLOGY.rules:
        _, properties = rules[rule.name]
        assert properties["EventPattern"] == rule.pattern, rule.name
        assert properties["Description"] == rule.description
        assert properties["State"] == "ENABLED"
        bus_name = properties["EventBusName"]
        # The bus is imported from the Plumbing stack, or is the Plumbing stack's own.
        assert "Fn::ImportValue" in bus_name or "Ref" in bus_name, bus_name


def _expected_target(target: Target) -> dict[str, Any]:
    expected: dict[str, Any] = {
        "RetryPolicy": {
            "MaximumRetryAttempts": target.retry_policy.maximum_retry_attempts,
            "MaximumEventAgeInSeconds": target.retry_policy.maximum_event_age_seconds,
        }
    }
    if target.input_transformer:
        expected["InputTransformer"] = {
            "InputPathsMap": target.input_transformer.paths,
            "InputTemplate": target.input_transformer.template,
        }
    return expected


def test_every_target_is_the_topology_target(synthesized) -> None:
    rules = _rules(synthesized)
    for rule in TOPOLOGY.rules:
        stack, properties = rules[rule.name]
        template = synthesized.templates[stack]
        targets = properties["Targets"]
        assert len(targets) == len(rule.targets), rule.name
        for declared, target in zip(rule.targets, targets, strict=True):
            resource = _referenced(template, target["Arn"])
            assert resource["Type"] == TARGET_TYPES[declared.kind], rule.name
            name_property = {
                "AWS::StepFunctions::StateMachine": None,
                "AWS::SNS::Topic": None,
                "AWS::KinesisFirehose::DeliveryStream": "DeliveryStreamName",
                "AWS::Logs::LogGroup": "LogGroupName",
            }[resource["Type"]]
            if name_property:
                assert resource["Properties"][name_property] == declared.resource
            else:  # state machines and topics get physical names from CloudFormation: match by logical id
                assert target["Arn"].get("Ref", "").startswith(declared.resource), target["Arn"]
            for key, value in _expected_target(declared).items():
                assert target[key] == value, (rule.name, key)
            assert ("InputTransformer" in target) == (declared.input_transformer is not None)
            if declared.dead_letter_queue:
                queue = _referenced(template, target["DeadLetterConfig"]["Arn"])
                assert queue["Type"] == "AWS::SQS::Queue"
                assert target["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0].startswith(
                    declared.dead_letter_queue
                )
            else:
                assert "DeadLetterConfig" not in target


def test_dead_letter_queues_are_the_topology_queues(synthesized) -> None:
    declared = {t.dead_letter_queue for rule in TOPOLOGY.rules for t in rule.targets if t.dead_letter_queue}
    declared.add(TOPOLOGY.pipe.dead_letter_queue)  # the ingest pipe's
    queues = {logical_id for _, logical_id, _ in synthesized.resources("AWS::SQS::Queue")}
    assert len(queues) == len(declared)
    assert all(any(q.startswith(name) for q in queues) for name in declared)


def test_the_archive_keeps_every_event(synthesized) -> None:
    [(_, _, archive)] = synthesized.resources("AWS::Events::Archive")
    assert archive["ArchiveName"] == TOPOLOGY.bus.archive.name
    assert archive["RetentionDays"] == TOPOLOGY.bus.archive.retention_days
    assert "EventPattern" not in archive
