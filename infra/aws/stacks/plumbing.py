"""Plumbing: the custom bus and its archive, the catch-all log, the media bucket the analysis, responding
and egress services share, and the shared tables (the idempotency records every service may claim)."""

from __future__ import annotations

import json

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_eventschemas as eventschemas
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.aws.event_schemas import REGISTRY_NAME, registry_schemas
from infra.aws.references import References
from infra.aws.rules import EVENTS, RuleTargets, add_rule
from infra.aws.stacks.common import bucket, rules_targeting, table
from infra.topology import MEDIA, TOPOLOGY


class PlumbingStack(Stack):
    def __init__(
        self, scope: Construct, construct_id: str, *, references: References, **kwargs: object
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        spec = TOPOLOGY.bus
        self.bus = events.EventBus(self, spec.name, event_bus_name=spec.name)
        references.register("bus", spec.name, name=self.bus.event_bus_name, arn=self.bus.event_bus_arn)
        archive = spec.archive
        events.CfnArchive(
            self,
            archive.name,
            archive_name=archive.name,
            source_arn=self.bus.event_bus_arn,
            retention_days=archive.retention_days,
            event_pattern=archive.pattern,  # absent: every event is archived
        )
        registry = eventschemas.CfnRegistry(
            self, "EventSchemas", registry_name=REGISTRY_NAME, description="The domain events' contracts."
        )
        for detail_type, document in registry_schemas().items():
            schema = eventschemas.CfnSchema(
                self,
                f"Schema{detail_type}",
                registry_name=REGISTRY_NAME,
                schema_name=f"sma@{detail_type}",
                type="JSONSchemaDraft4",
                content=json.dumps(document),
                description=document["description"][:256],
            )
            schema.add_resource_dependency(registry)
        self.media: s3.Bucket = bucket(self, MEDIA, references)
        self.tables: dict[str, dynamodb.TableV2] = {
            spec.name: table(self, spec, references) for spec in TOPOLOGY.tables if spec.shared
        }
        self.log_groups: dict[str, logs.LogGroup] = {}
        for rule in TOPOLOGY.rules:
            for target in rule.targets:
                if target.kind == "log_group" and target.resource not in self.log_groups:
                    self.log_groups[target.resource] = logs.LogGroup(
                        self,
                        f"{rule.name}Logs",
                        log_group_name=target.resource,
                        retention=logs.RetentionDays.THREE_MONTHS,
                        removal_policy=RemovalPolicy.DESTROY,
                    )
        for name, group in self.log_groups.items():
            # EventBridge writes to a log group through the group's resource policy, not a role.
            logs.ResourcePolicy(
                self,
                f"EventsWriteTo{name.strip('/').replace('/', '-')}",
                policy_statements=[
                    iam.PolicyStatement(
                        actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                        principals=[EVENTS, iam.ServicePrincipal("delivery.logs.amazonaws.com")],
                        resources=[f"{group.log_group_arn}"],
                    )
                ],
            )
        self.queues: dict[str, sqs.Queue] = {}
        targets = RuleTargets(log_groups=self.log_groups)
        for rule in rules_targeting(targets):
            add_rule(self, rule, self.bus.event_bus_name, targets, self.queues)
