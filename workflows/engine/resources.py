"""Task Resource ARNs taken apart, and the service names Step Functions puts in error names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# Step Functions names aws-sdk errors after the service's AWS SDK for Java v2 client (S3Exception,
# DynamoDbException, ...): the prefix is the service's name as that SDK spells it.
SDK_SERVICE_NAMES: Final = {
    "comprehend": "Comprehend",
    "rekognition": "Rekognition",
    "lexruntimev2": "LexRuntimeV2",
    "lexmodelsv2": "LexModelsV2",
    "s3": "S3",
    "dynamodb": "DynamoDb",
    "eventbridge": "EventBridge",
    "sns": "Sns",
    "sqs": "Sqs",
    "sfn": "Sfn",
    "lambda": "Lambda",
    "secretsmanager": "SecretsManager",
    "firehose": "Firehose",
    "kinesis": "Kinesis",
    "athena": "Athena",
    "glue": "Glue",
    "ssm": "Ssm",
    "cloudwatch": "CloudWatch",
    "cloudwatchlogs": "CloudWatchLogs",
    "ec2": "Ec2",
    "iam": "Iam",
    "sts": "Sts",
    "kms": "Kms",
    "ecs": "Ecs",
    "translate": "Translate",
    "textract": "Textract",
    "polly": "Polly",
    "bedrockruntime": "BedrockRuntime",
    "apigateway": "ApiGateway",
}
# Optimised integrations use the service's product name instead.
OPTIMISED_SERVICE_NAMES: Final = {
    "lambda": "Lambda",
    "dynamodb": "DynamoDB",
    "sns": "SNS",
    "sqs": "SQS",
    "events": "EventBridge",
    "states": "StepFunctions",
    "s3": "S3",
    "ecs": "ECS",
    "batch": "Batch",
    "glue": "Glue",
    "athena": "Athena",
    "sagemaker": "SageMaker",
    "codebuild": "CodeBuild",
    "eks": "EKS",
    "apigateway": "ApiGateway",
    "bedrock": "Bedrock",
    "http": "Http",
    "emr": "EMR",
}
# Optimised integrations call through the AWS SDK for Java v1, whose messages name the client this way.
SDK_V1_CLIENT_NAMES: Final = {
    "lambda": "AWSLambda",
    "dynamodb": "AmazonDynamoDBv2",
    "sns": "AmazonSNS",
    "sqs": "AmazonSQS",
    "states": "AWSStepFunctions",
    "events": "AmazonCloudWatchEvents",
    "batch": "AWSBatch",
    "glue": "AWSGlue",
    "ecs": "AmazonECS",
    "s3": "Amazon S3",
    "athena": "AmazonAthena",
    "codebuild": "AWSCodeBuild",
}
PATTERNS: Final = ("waitForTaskToken", "sync:2", "sync")


@dataclass(frozen=True, slots=True)
class Resource:
    """A Task's Resource ARN, taken apart the way the history and error names need it."""

    arn: str
    kind: str  # "lambda" (plain function ARN), "aws-sdk", "optimised" or "activity"
    service: str
    action: str
    pattern: str  # "" (request-response), "sync", "sync:2" or "waitForTaskToken"
    function_name: str | None = None

    @property
    def resource_type(self) -> str:
        """`resourceType` in task history events: "lambda", "aws-sdk:comprehend", "events", ..."""
        return f"aws-sdk:{self.service}" if self.kind == "aws-sdk" else self.service

    @property
    def resource_name(self) -> str:
        """`resource` in task history events: the action with its pattern suffix."""
        return f"{self.action}.{self.pattern}" if self.pattern else self.action

    def error_prefix(self) -> str:
        if self.kind == "aws-sdk":
            return SDK_SERVICE_NAMES.get(self.service, self.service[:1].upper() + self.service[1:])
        return OPTIMISED_SERVICE_NAMES.get(self.service, self.service[:1].upper() + self.service[1:])


def parse_resource(arn: str) -> Resource:
    """Take a Resource apart; ValueError with a one-line reason when it is not one Step Functions knows."""
    parts = arn.split(":")
    if len(parts) >= 7 and parts[:3] == ["arn", "aws", "lambda"] and parts[5] == "function":
        return Resource(arn, "lambda", "lambda", "invoke", "", parts[6])
    if len(parts) >= 7 and parts[:3] == ["arn", "aws", "states"] and parts[5] == "activity":
        return Resource(arn, "activity", "activity", parts[6], "")
    if len(parts) >= 6 and parts[:3] == ["arn", "aws", "states"] and parts[3] == parts[4] == "":
        if parts[5] == "aws-sdk" and len(parts) >= 8:
            action, pattern = _split_pattern(":".join(parts[7:]))
            return Resource(arn, "aws-sdk", parts[6], action, pattern)
        if len(parts) >= 7:
            action, pattern = _split_pattern(":".join(parts[6:]))
            return Resource(arn, "optimised", parts[5], action, pattern)
    raise ValueError(
        f"unsupported Resource {arn!r}: expected arn:aws:states:::<service>:<action>, "
        "arn:aws:states:::aws-sdk:<service>:<action> or arn:aws:lambda:<region>:<account>:function:<name>"
    )


def _split_pattern(action: str) -> tuple[str, str]:
    for pattern in PATTERNS:
        if action.endswith("." + pattern):
            return action[: -len(pattern) - 1], pattern
    return action, ""
