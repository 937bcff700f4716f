"""Lambda functions from the topology: arm64, the tests' Python (3.11), JSON logs into a log group with a
retention, X-Ray on, the handler and environment exactly as declared.

The code asset is the repository's `lambdas/` package as it is, without bundling (no Docker at synth
time). Its third-party imports (Pillow for overlay and download-images, tweepy, requests and
requests-oauthlib for post-tweet) are not in the Lambda runtime: they come from a layer, built by pip on
this machine when `sma:build-dependencies-layer` is set (`infra/aws/layer.py`), or built out of band and
named by the `sma:dependencies-layer-arn` context value (see the README).
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.aws.layer import BUILD_CONTEXT_KEY, LAMBDA_RUNTIME, dependencies_layer
from infra.aws.references import References
from infra.topology import ROOT, Function

LAYER_CONTEXT_KEY = "sma:dependencies-layer-arn"
# Only the lambdas package goes into the asset: handlers are `lambdas.<name>.handler.handler`.
_ASSET_EXCLUDE = ["*", "!lambdas", "!lambdas/**", "**/__pycache__", "**/*.pyc", "lambdas/README.md"]


def lambdas_code() -> lambda_.Code:
    return lambda_.Code.from_asset(str(ROOT), exclude=_ASSET_EXCLUDE)


def build_function(scope: Construct, spec: Function, references: References) -> lambda_.Function:
    log_group = logs.LogGroup(
        scope,
        f"{spec.name}Logs",
        retention=logs.RetentionDays.ONE_MONTH,
        removal_policy=RemovalPolicy.DESTROY,
    )
    layers: list[lambda_.ILayerVersion] = []
    layer_arn = scope.node.try_get_context(LAYER_CONTEXT_KEY)
    if layer_arn:
        layers.append(
            lambda_.LayerVersion.from_layer_version_arn(scope, f"{spec.name}Dependencies", layer_arn)
        )
    elif scope.node.try_get_context(BUILD_CONTEXT_KEY) in (True, "true"):
        layers.append(dependencies_layer(scope))
    return lambda_.Function(
        scope,
        f"{spec.name}Function",
        description=spec.description,
        runtime=LAMBDA_RUNTIME,
        architecture=lambda_.Architecture.ARM_64,
        handler=spec.handler,
        code=lambdas_code(),
        environment={key: references.value(value) for key, value in spec.environment.items()},
        timeout=Duration.seconds(spec.timeout_seconds),
        memory_size=spec.memory_mb,
        logging_format=lambda_.LoggingFormat.JSON,
        log_group=log_group,
        tracing=lambda_.Tracing.ACTIVE,
        layers=layers,
    )
