"""Ingress: API Gateway REST `GET/POST /twitter` in front of the webhook Lambda, which records each
authenticated delivery on the Kinesis stream."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra.aws.functions import build_function
from infra.aws.references import References
from infra.topology import TOPOLOGY, X_SECRET_ID


class IngressStack(Stack):
    def __init__(
        self, scope: Construct, construct_id: str, *, references: References, **kwargs: object
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        spec = TOPOLOGY.stream
        # On demand: no shards to size, and no shard-hours while the account is quiet.
        self.stream = kinesis.Stream(
            self,
            spec.name,
            stream_mode=kinesis.StreamMode.ON_DEMAND,
            retention_period=Duration.hours(spec.retention_hours),
            encryption=kinesis.StreamEncryption.MANAGED,
        )
        references.register("stream", spec.name, name=self.stream.stream_name, arn=self.stream.stream_arn)
        function = TOPOLOGY.function("Ingress")
        self.function = build_function(self, function, references)
        self.stream.grant_write(self.function)
        # The secret is created out of band (README): the stack only names it.
        secret = secretsmanager.Secret.from_secret_name_v2(self, "XCredentials", X_SECRET_ID)
        secret.grant_read(self.function)

        access_logs = logs.LogGroup(
            self,
            "ApiAccessLogs",
            retention=logs.RetentionDays.THREE_MONTHS,
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.api = apigateway.RestApi(
            self,
            "Webhook",
            description="X's Account Activity / Activity API webhook.",
            endpoint_types=[apigateway.EndpointType.REGIONAL],
            cloud_watch_role=True,
            cloud_watch_role_removal_policy=RemovalPolicy.DESTROY,
            deploy_options=apigateway.StageOptions(
                stage_name="live",
                throttling_rate_limit=50,
                throttling_burst_limit=100,
                logging_level=apigateway.MethodLoggingLevel.ERROR,
                tracing_enabled=True,
                access_log_destination=apigateway.LogGroupLogDestination(access_logs),
                access_log_format=apigateway.AccessLogFormat.json_with_standard_fields(
                    caller=False,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=False,
                ),
            ),
        )
        integration = apigateway.LambdaIntegration(self.function)
        for route in function.routes:
            self.api.root.resource_for_path(route.path).add_method(route.method, integration)
