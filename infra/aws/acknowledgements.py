"""cdk-nag AwsSolutions findings this system accepts, each with the reason it is accepted.

Every entry was a finding of a synth; a finding not listed here fails synthesis (and the infra tests).
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, Stack, Validations

REASONS: dict[str, str] = {
    "AwsSolutions-L1": (
        "Functions run Python 3.11, the one Python the handlers are tested on (infra.topology."
        "PYTHON_VERSION: the project's machines have no newer CPython); the BucketDeployment provider's "
        "runtime is chosen by aws-cdk-lib."
    ),
    "AwsSolutions-S1": (
        "Server access logs would need a logging bucket that grows with every request; CloudTrail data "
        "events can be enabled when an audit needs them. The buckets are private, TLS-only and encrypted."
    ),
    "AwsSolutions-SQS3": (
        "These queues are the rules' dead-letter queues themselves: a DLQ of a DLQ would only move the "
        "problem. Their depth raises an alarm (Observability)."
    ),
    "AwsSolutions-APIG2": (
        "X's webhook bodies are authenticated and validated by the ingress Lambda (HMAC-SHA256 over the "
        "raw body, size limits): API Gateway's model validation would need the raw body parsed first."
    ),
    "AwsSolutions-APIG3": (
        "X calls the webhook from its own addresses; a WAF web ACL costs money while idle, and every "
        "request is authenticated by its signature and throttled at the stage."
    ),
    "AwsSolutions-APIG4": (
        "X cannot present IAM, Cognito or Lambda-authorizer credentials; the webhook authenticates each "
        "request by X's signature (x-twitter-webhooks-signature) in the ingress Lambda."
    ),
    "AwsSolutions-COG4": "As AwsSolutions-APIG4: X signs its webhook requests; it has no Cognito identity.",
    "AwsSolutions-SF1": (
        "The workflows log at ERROR with execution data: every failed execution's events, input and output "
        "included, reach CloudWatch Logs, so failures stay debuggable; logging ALL events of every "
        "successful run would make log ingestion one of the largest costs per message (sma cost)."
    ),
}


_MANAGED = (
    "AWS's narrow service-role policy for exactly the log writing this role does; an inline copy would "
    "only drift from it."
)
_BUCKET_OBJECTS = "Object keys are message ids: the grant is scoped to the one bucket's objects."
_GRANT_ACTIONS = "A CDK grant helper's action group, on one bucket and its objects only."
_NO_RESOURCE_LEVEL = (
    "These actions have no resource-level permissions: Comprehend and Rekognition detection APIs, X-Ray "
    "PutTraceSegments and the CloudWatch Logs delivery APIs Step Functions logging needs."
)

# cdk-nag reports some rules once per wildcard: each such finding is acknowledged by its own id.
FINDINGS: dict[str, str] = {
    "IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]": _MANAGED,
    "IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]": (
        _MANAGED
    ),
    "IAM5[Action::s3:Abort*]": _GRANT_ACTIONS,
    "IAM5[Action::s3:DeleteObject*]": _GRANT_ACTIONS,
    "IAM5[Action::s3:GetBucket*]": _GRANT_ACTIONS,
    "IAM5[Action::s3:GetObject*]": _GRANT_ACTIONS,
    "IAM5[Action::s3:List*]": _GRANT_ACTIONS,
    "IAM5[Resource::*]": _NO_RESOURCE_LEVEL,
    "IAM5[Resource::<Content88381566.Arn>/*]": _BUCKET_OBJECTS,
    "IAM5[Resource::<Lake5F1B88EA.Arn>/*]": _BUCKET_OBJECTS,
    "IAM5[Resource::Sma-Plumbing:ExportsOutputFnGetAttMediaA721A567ArnB9989168/*]": _BUCKET_OBJECTS,
    "IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]": (
        "The BucketDeployment provider reads its own asset from the CDK bootstrap bucket."
    ),
}


def acknowledge(stack: Stack) -> None:
    reasons = {**REASONS, **{f"AwsSolutions-{finding}": reason for finding, reason in FINDINGS.items()}}
    Validations.of(stack).acknowledge(
        *(Acknowledgment(id=f"AwsSolutions::{rule_id}", reason=reason) for rule_id, reason in reasons.items())
    )
