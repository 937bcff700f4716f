"""Alerting: the SNS topic negative messages go to, shaped by the rule's input transformer; an email
subscription when the `sma:alert-email` context value is set."""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.aws.references import References
from infra.aws.rules import RuleTargets, add_rule
from infra.aws.stacks.common import rules_targeting
from infra.topology import BUS, TOPOLOGY

ALERT_EMAIL_CONTEXT_KEY = "sma:alert-email"


class AlertingStack(Stack):
    def __init__(
        self, scope: Construct, construct_id: str, *, references: References, **kwargs: object
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.topics: dict[str, sns.Topic] = {}
        for spec in TOPOLOGY.topics:
            topic = sns.Topic(self, spec.name, display_name=spec.description, enforce_ssl=True)
            references.register("topic", spec.name, name=topic.topic_name, arn=topic.topic_arn)
            self.topics[spec.name] = topic
        email = self.node.try_get_context(ALERT_EMAIL_CONTEXT_KEY)
        if email:
            for topic in self.topics.values():
                topic.add_subscription(subscriptions.EmailSubscription(email))
        self.queues: dict[str, sqs.Queue] = {}
        targets = RuleTargets(topics=self.topics)
        for rule in rules_targeting(targets):
            add_rule(self, rule, references.name("bus", BUS), targets, self.queues)
