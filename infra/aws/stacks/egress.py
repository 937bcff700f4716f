"""Egress: the Express `Egress` workflow, its own idempotency guard table (with a TTL) and the post Lambda,
which reads the X credentials secret created out of band."""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.aws.functions import build_function
from infra.aws.references import References
from infra.aws.rules import RuleTargets, add_rule
from infra.aws.stacks.common import rules_targeting, table
from infra.aws.state_machines import build_state_machine
from infra.topology import BUS, TOPOLOGY, X_SECRET_ID


class EgressStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        references: References,
        media: s3.IBucket,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.tables: dict[str, dynamodb.TableV2] = {
            spec.name: table(self, spec, references) for spec in TOPOLOGY.tables if not spec.shared
        }
        post = build_function(self, TOPOLOGY.function("PostTweet"), references)
        media.grant_read(post)
        secretsmanager.Secret.from_secret_name_v2(self, "XCredentials", X_SECRET_ID).grant_read(post)
        references.register("function", "PostTweet", name=post.function_name, arn=post.function_arn)
        self.machine = build_state_machine(
            self,
            TOPOLOGY.state_machine("Egress"),
            references,
            {
                "events": [references.arn("bus", BUS)],
                "lambda": [post.function_arn],
                "dynamodb": [t.table_arn for t in self.tables.values()],
                "s3": [media.arn_for_objects("*")],
            },
        )
        self.queues: dict[str, sqs.Queue] = {}
        targets = RuleTargets(state_machines={"Egress": self.machine.state_machine_arn})
        for rule in rules_targeting(targets):
            add_rule(self, rule, references.name("bus", BUS), targets, self.queues)
