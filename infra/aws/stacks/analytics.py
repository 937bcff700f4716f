"""Analytics: the catch-all rule into Data Firehose (newline-delimited, partitioned by detail-type and
day), the S3 data lake with lifecycle rules, the Glue table with the lake's explicit schema and
partition projection, the Athena view over it that keeps each event once, and an Athena workgroup
holding the seeds' queries (which read the view). The table and the stream's
destination both come from the topology's one declaration of the lake."""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_athena as athena
from aws_cdk import aws_glue as glue
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesisfirehose as firehose
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.aws.named_queries import NAMED_QUERIES
from infra.aws.references import References
from infra.aws.rules import RuleTargets, add_rule
from infra.aws.stacks.common import bucket, rules_targeting
from infra.topology import BUS, TOPOLOGY

WORKGROUP = "sma-analytics"
_RESULTS_PREFIX = "athena-results/"


class AnalyticsStack(Stack):
    def __init__(
        self, scope: Construct, construct_id: str, *, references: References, **kwargs: object
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        spec = TOPOLOGY.delivery_stream
        self.lake = bucket(
            self,
            spec.bucket,
            references,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="events-age-into-cheaper-storage",
                    prefix=spec.table.location,
                    transitions=[
                        s3.Transition(
                            storage_class=s3.StorageClass.INFREQUENT_ACCESS,
                            transition_after=Duration.days(90),
                        ),
                        s3.Transition(
                            storage_class=s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
                            transition_after=Duration.days(365),
                        ),
                    ],
                ),
                s3.LifecycleRule(id="errors-expire", prefix=spec.error_prefix, expiration=Duration.days(30)),
                s3.LifecycleRule(
                    id="query-results-expire", prefix=_RESULTS_PREFIX, expiration=Duration.days(7)
                ),
                s3.LifecycleRule(
                    id="abort-incomplete-uploads", abort_incomplete_multipart_upload_after=Duration.days(1)
                ),
            ],
        )
        role = iam.Role(self, f"{spec.name}Role", assumed_by=iam.ServicePrincipal("firehose.amazonaws.com"))
        self.lake.grant_read_write(role)
        self.delivery_stream = firehose.CfnDeliveryStream(
            self,
            spec.name,
            delivery_stream_name=spec.name,
            delivery_stream_type="DirectPut",
            delivery_stream_encryption_configuration_input=firehose.CfnDeliveryStream.DeliveryStreamEncryptionConfigurationInputProperty(
                key_type="AWS_OWNED_CMK"
            ),
        )
        # The same ExtendedS3DestinationConfiguration the local Firehose is created with.
        self.delivery_stream.add_property_override(
            "ExtendedS3DestinationConfiguration",
            {**spec.destination(self.lake.bucket_arn), "RoleARN": role.role_arn},
        )
        self.delivery_stream.node.add_dependency(role)

        self._catalog()
        self.queues: dict[str, sqs.Queue] = {}
        targets = RuleTargets(delivery_streams={spec.name: self.delivery_stream.attr_arn})
        for rule in rules_targeting(targets):
            add_rule(self, rule, references.name("bus", BUS), targets, self.queues)

    def _catalog(self) -> None:
        database = glue.CfnDatabase(
            self,
            "LakeDatabase",
            catalog_id=self.account,
            database_input=glue.CfnDatabase.DatabaseInputProperty(name=TOPOLOGY.lake.database),
        )
        lake = TOPOLOGY.lake
        table = glue.CfnTable(
            self,
            "LakeTable",
            catalog_id=self.account,
            database_name=lake.database,
            table_input=glue.CfnTable.TableInputProperty(name=lake.name),
        )
        # The topology's TableInput whole (columns, partition keys, their projection): Glue's shape is
        # CloudFormation's, and the local Athena reads the same document (infra/local/lake.py).
        table.add_property_override("TableInput", lake.table_input(self.lake.bucket_name))
        table.add_resource_dependency(database)
        # The view queries read (each event once), in the form Athena's own CREATE VIEW stores in Glue.
        view = glue.CfnTable(
            self,
            "LakeView",
            catalog_id=self.account,
            database_name=lake.database,
            table_input=glue.CfnTable.TableInputProperty(name=TOPOLOGY.lake_view.name),
        )
        view.add_property_override("TableInput", TOPOLOGY.lake_view.table_input())
        view.add_resource_dependency(table)
        workgroup = athena.CfnWorkGroup(
            self,
            "Workgroup",
            name=WORKGROUP,
            description="The data lake's queries (the seeds' named queries).",
            recursive_delete_option=True,
            work_group_configuration=athena.CfnWorkGroup.WorkGroupConfigurationProperty(
                enforce_work_group_configuration=True,
                publish_cloud_watch_metrics_enabled=True,
                result_configuration=athena.CfnWorkGroup.ResultConfigurationProperty(
                    output_location=f"s3://{self.lake.bucket_name}/{_RESULTS_PREFIX}",
                    encryption_configuration=athena.CfnWorkGroup.EncryptionConfigurationProperty(
                        encryption_option="SSE_S3"
                    ),
                ),
            ),
        )
        for name, query in NAMED_QUERIES.items():
            named = athena.CfnNamedQuery(
                self,
                f"Query-{name}",
                name=name,
                database=TOPOLOGY.lake.database,
                query_string=query,
                work_group=workgroup.name,
            )
            named.add_resource_dependency(workgroup)
            named.add_resource_dependency(database)
