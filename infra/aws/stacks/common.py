"""What every stack shares: the references registry, the rules a stack owns, secure buckets and tables."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.aws.references import References
from infra.aws.rules import RuleTargets
from infra.topology import TOPOLOGY, Rule, Table, Target


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


def table(scope: Construct, spec: Table, references: References) -> dynamodb.TableV2:
    """An on-demand table with its TTL and point-in-time recovery, registered under its topology name."""
    created = dynamodb.TableV2(
        scope,
        spec.name,
        partition_key=dynamodb.Attribute(name=spec.partition_key, type=dynamodb.AttributeType.STRING),
        billing=dynamodb.Billing.on_demand(),
        time_to_live_attribute=spec.ttl_attribute,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True
        ),
        removal_policy=RemovalPolicy.DESTROY,
    )
    references.register("table", spec.name, name=created.table_name, arn=created.table_arn)
    return created
