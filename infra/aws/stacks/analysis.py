"""Analysis: the Standard `Analyse` workflow (Comprehend, and Rekognition over the downloaded photos),
the download Lambda, and the rule that starts it for every received message."""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.aws.functions import build_function
from infra.aws.references import References
from infra.aws.rules import RuleTargets, add_rule
from infra.aws.stacks.common import rules_targeting
from infra.aws.state_machines import build_state_machine
from infra.topology import BUS, IDEMPOTENCY, TOPOLOGY


class AnalysisStack(Stack):
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
        download = build_function(self, TOPOLOGY.function("DownloadImages"), references)
        media.grant_put(download)
        references.register(
            "function", "DownloadImages", name=download.function_name, arn=download.function_arn
        )
        photos = media.arn_for_objects("*")
        self.machine = build_state_machine(
            self,
            TOPOLOGY.state_machine("Analyse"),
            references,
            {
                "events": [references.arn("bus", BUS)],
                "lambda": [download.function_arn],
                "s3": [photos],
                "dynamodb": [references.arn("table", IDEMPOTENCY)],
            },
        )
        # Rekognition reads the photos from S3 with the caller's permissions, not its own.
        self.machine.add_to_role_policy(iam.PolicyStatement(actions=["s3:GetObject"], resources=[photos]))
        self.queues: dict[str, sqs.Queue] = {}
        targets = RuleTargets(state_machines={"Analyse": self.machine.state_machine_arn})
        for rule in rules_targeting(targets):
            add_rule(self, rule, references.name("bus", BUS), targets, self.queues)
