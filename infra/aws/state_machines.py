"""State machines from the topology: the ASL file inlined as the DefinitionString, each `${Name}`
substitution resolved to a CDK token, logging and X-Ray on, and a role whose permissions are read off the
definition's own Task resources (so a new integration in the ASL cannot silently lack, or over-reach, a
permission).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.aws.references import References
from infra.topology import StateMachine
from workflows.validation.walk import walk_states

_INTEGRATION = "arn:aws:states:::"
# Step Functions' optimised integrations name their action after the service's API, not IAM's.
_OPTIMISED: dict[str, list[str]] = {
    "events:putEvents": ["events:PutEvents"],
    "lambda:invoke": ["lambda:InvokeFunction"],
    "dynamodb:putItem": ["dynamodb:PutItem"],
    "dynamodb:deleteItem": ["dynamodb:DeleteItem"],
    "dynamodb:getItem": ["dynamodb:GetItem"],
    "dynamodb:updateItem": ["dynamodb:UpdateItem"],
    "sns:publish": ["sns:Publish"],
}
# SDK actions that IAM does not know by their own name: a transaction is authorised item by item, by the
# actions its members perform ("Using IAM with DynamoDB transactions", DynamoDB Developer Guide).
_SDK_AS_IAM: dict[str, list[str]] = {
    "dynamodb:transactWriteItems": [
        "dynamodb:ConditionCheckItem",
        "dynamodb:DeleteItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
    ],
}
# IAM's service prefix where it differs from the SDK integration's.
_IAM_PREFIX = {"lexruntimev2": "lex"}
# Services whose actions take no resource-level permissions (AWS documents "*" for them).
_UNSCOPED = {"comprehend", "rekognition"}


def task_resources(definition: dict[str, Any]) -> Iterator[str]:
    """Every Task state's Resource, nested Map and Parallel states included (the one walker over nested
    states, `workflows.validation.walk`, finds them)."""
    for walked in walk_states(definition):
        if walked.state.get("Type") == "Task":
            yield walked.state["Resource"]


def iam_actions(resource: str) -> list[str]:
    """The IAM actions one Task resource needs (`arn:aws:states:::aws-sdk:s3:getObject` -> s3:GetObject)."""
    integration = resource.removeprefix(_INTEGRATION).split(".")[0]  # drop .sync / .waitForTaskToken
    if integration.startswith("aws-sdk:"):
        _, service, action = integration.split(":")
        if f"{service}:{action}" in _SDK_AS_IAM:
            return _SDK_AS_IAM[f"{service}:{action}"]
        return [f"{_IAM_PREFIX.get(service, service)}:{action[0].upper()}{action[1:]}"]
    return _OPTIMISED[integration]


def build_state_machine(
    scope: Construct, spec: StateMachine, references: References, resources: dict[str, list[str]]
) -> sfn.StateMachine:
    """`resources` maps an IAM service prefix to the ARNs its actions may touch (absent: not allowed)."""
    text = spec.path.read_text()
    definition = json.loads(text)
    log_group = logs.LogGroup(
        scope,
        f"{spec.name}Logs",
        # The vended-logs prefix keeps Step Functions' log resource policy small (AWS's advice).
        log_group_name=f"/aws/vendedlogs/states/sma-{spec.name}-{Stack.of(scope).stack_name}",
        retention=logs.RetentionDays.ONE_MONTH,
        removal_policy=RemovalPolicy.DESTROY,
    )
    machine = sfn.StateMachine(
        scope,
        spec.name,
        comment=spec.description,
        definition_body=sfn.DefinitionBody.from_string(text),
        definition_substitutions={key: references.resolve(ref) for key, ref in spec.substitutions.items()},
        state_machine_type=sfn.StateMachineType[spec.type],
        logs=sfn.LogOptions(
            destination=log_group, level=sfn.LogLevel[spec.log_level], include_execution_data=True
        ),
        tracing_enabled=True,
    )
    actions = sorted({action for resource in task_resources(definition) for action in iam_actions(resource)})
    by_service: dict[str, list[str]] = {}
    for action in actions:
        by_service.setdefault(action.split(":")[0], []).append(action)
    for service, service_actions in by_service.items():
        arns = ["*"] if service in _UNSCOPED else resources[service]
        machine.add_to_role_policy(iam.PolicyStatement(actions=service_actions, resources=arns))
    return machine
