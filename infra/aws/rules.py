"""EventBridge rules exactly as the topology declares them: pattern, targets, input transformer, retry
policy and SQS dead-letter queue.

Rules are L1 `CfnRule`s on purpose: the topology's patterns are EventBridge JSON already (the L2
`EventPattern` renames keys and cannot say `replay-name`), and the L2 Firehose target has no retry
policy or dead-letter queue. The permissions the L2 targets would add are added here, each scoped to the
one rule. A rule lives in the stack of its targets, so no stack depends on a later one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aws_cdk import Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.topology import Rule, Target

EVENTS = iam.ServicePrincipal("events.amazonaws.com")


@dataclass(frozen=True)
class RuleTargets:
    """The resources a stack's rules may target, by the topology's names."""

    state_machines: Mapping[str, str] | None = None  # name -> state machine ARN
    topics: Mapping[str, sns.ITopic] | None = None
    delivery_streams: Mapping[str, str] | None = None  # name -> delivery stream ARN
    log_groups: Mapping[str, logs.ILogGroup] | None = None


def dead_letter_queue(scope: Construct, name: str) -> sqs.Queue:
    """An SQS queue for events a rule could not deliver: encrypted, TLS only, kept the longest SQS allows."""
    return sqs.Queue(
        scope,
        name,
        retention_period=Duration.days(14),
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
    )


def add_rule(
    scope: Construct,
    rule: Rule,
    bus_name: str,
    targets: RuleTargets,
    queues: dict[str, sqs.Queue],
) -> events.CfnRule:
    """Create `rule` on the bus; dead-letter queues are created once per name in `queues`."""
    stack = Stack.of(scope)
    rule_arn = stack.format_arn(service="events", resource="rule", resource_name=f"{bus_name}/{rule.name}")
    role: iam.Role | None = None
    cfn_targets: list[events.CfnRule.TargetProperty] = []
    for index, target in enumerate(rule.targets):
        arn = _target_arn(target, targets)
        if target.kind in ("state_machine", "delivery_stream"):
            role = role or iam.Role(scope, f"{rule.name}Role", assumed_by=EVENTS)
            role.add_to_policy(_invoke_statement(target, arn))
        elif target.kind == "topic":
            topic = (targets.topics or {})[target.resource]
            topic.add_to_resource_policy(
                iam.PolicyStatement(
                    actions=["sns:Publish"],
                    principals=[EVENTS],
                    resources=[topic.topic_arn],
                    conditions={"ArnEquals": {"aws:SourceArn": rule_arn}},
                )
            )
        dead_letter: events.CfnRule.DeadLetterConfigProperty | None = None
        if target.dead_letter_queue:
            queue = queues.get(target.dead_letter_queue)
            if queue is None:
                queue = queues[target.dead_letter_queue] = dead_letter_queue(scope, target.dead_letter_queue)
            queue.add_to_resource_policy(
                iam.PolicyStatement(
                    actions=["sqs:SendMessage"],
                    principals=[EVENTS],
                    resources=[queue.queue_arn],
                    conditions={"ArnEquals": {"aws:SourceArn": rule_arn}},
                )
            )
            dead_letter = events.CfnRule.DeadLetterConfigProperty(arn=queue.queue_arn)
        transformer = target.input_transformer
        cfn_targets.append(
            events.CfnRule.TargetProperty(
                id=f"{target.kind}-{index}",
                arn=arn,
                role_arn=role.role_arn
                if role and target.kind in ("state_machine", "delivery_stream")
                else None,
                retry_policy=events.CfnRule.RetryPolicyProperty(
                    maximum_retry_attempts=target.retry_policy.maximum_retry_attempts,
                    maximum_event_age_in_seconds=target.retry_policy.maximum_event_age_seconds,
                ),
                dead_letter_config=dead_letter,
                input_transformer=events.CfnRule.InputTransformerProperty(
                    input_paths_map=dict(transformer.paths), input_template=transformer.template
                )
                if transformer
                else None,
            )
        )
    return events.CfnRule(
        scope,
        rule.name,
        name=rule.name,
        description=rule.description,
        event_bus_name=bus_name,
        event_pattern=rule.pattern,
        state="ENABLED",
        targets=cfn_targets,
    )


def _target_arn(target: Target, targets: RuleTargets) -> str:
    name = target.resource
    if target.kind == "state_machine":
        return (targets.state_machines or {})[name]
    if target.kind == "topic":
        return (targets.topics or {})[name].topic_arn
    if target.kind == "delivery_stream":
        return (targets.delivery_streams or {})[name]
    return (targets.log_groups or {})[name].log_group_arn


def _invoke_statement(target: Target, arn: str) -> iam.PolicyStatement:
    if target.kind == "state_machine":
        return iam.PolicyStatement(actions=["states:StartExecution"], resources=[arn])
    return iam.PolicyStatement(actions=["firehose:PutRecord", "firehose:PutRecordBatch"], resources=[arn])
