"""What every stack shares: the references registry, the rules a stack owns, and secure buckets."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import RemovalPolicy
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.aws.references import References
from infra.aws.rules import RuleTargets
from infra.topology import TOPOLOGY, Rule, Target


def rules_targeting(targets: RuleTargets) -> list[Rule]:
    """The topology's rules whose every target is one of `targets` (a rule lives with its targets)."""

    def owned(target: Target) -> bool:
        names: Mapping[str, object] | None = {
            "state_machine": targets.state_machines,
            "topic": targets.topics,
            "delivery_stream": targets.delivery_streams,
            "log_group": targets.log_groups,
        }[target.kind]
        return bool(names) and target.resource in (names or {})

    return [rule for rule in TOPOLOGY.rules if all(owned(target) for target in rule.targets)]


def bucket(scope: Construct, name: str, references: References, **options: object) -> s3.Bucket:
    """A private, encrypted, TLS-only bucket, registered under its topology name."""
    created = s3.Bucket(
        scope,
        name,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        versioned=False,
        removal_policy=RemovalPolicy.RETAIN,
        **options,  # type: ignore[arg-type]
    )
    references.register("bucket", name, name=created.bucket_name, arn=created.bucket_arn)
    return created
