"""Task resources: the accepted ARN forms, and `${Name}` substitutions."""

from __future__ import annotations

import pytest


def task(resource):
    return {"Type": "Task", "Resource": resource, "End": True}


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:states:::lambda:invoke",
        "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "arn:aws:states:::events:putEvents",
        "arn:aws:states:::states:startExecution.sync:2",
        "arn:aws:states:::ecs:runTask.sync",
        "arn:aws:states:::aws-sdk:comprehend:detectSentiment",
        "arn:aws:states:::aws-sdk:lexruntimev2:recognizeText",
        "arn:aws:states:::aws-sdk:s3:putObject.waitForTaskToken",
        "arn:aws:states:::http:invoke",
        "arn:aws:lambda:eu-west-2:123456789012:function:post-tweet",
        "arn:aws:lambda:eu-west-2:123456789012:function:post-tweet:live",
        "arn:aws:states:eu-west-2:123456789012:activity:approve",
        "${PostTweetFunctionArn}",
    ],
)
def test_accepted_resource_forms(machine, errors_of, resource) -> None:
    assert errors_of(machine(A=task(resource))) == []


@pytest.mark.parametrize(
    ("resource", "message"),
    [
        ("arn:aws:states:::lambda", "unknown resource 'arn:aws:states:::lambda'; expected"),
        ("arn:aws:states:::lambda:invoke.async", "unknown resource"),
        ("arn:aws:sqs:eu-west-2:123456789012:queue", "unknown resource"),
        (
            "arn:aws:states:::aws-sdk:comprehend:DetectSentiment",
            "is not arn:aws:states:::aws-sdk:<service>:<camelCaseAction>",
        ),
        (
            "arn:aws:states:::aws-sdk:comprehend:detectSentiment.sync",
            "AWS SDK integrations do not support .sync",
        ),
        ("arn:aws:lambda:eu-west-2:12345:function:f", "unknown resource"),
        (42, "Resource must be an ARN string, got int"),
    ],
)
def test_rejected_resource_forms(machine, errors_of, resource, message) -> None:
    [(at, found)] = errors_of(machine(A=task(resource)))
    assert at == "/States/A/Resource" and message in found


def test_substitutions_are_applied_before_checking(machine, errors_of) -> None:
    definition = machine(A=task("${FunctionArn}"))
    good = {"FunctionArn": "arn:aws:lambda:eu-west-2:123456789012:function:overlay"}
    assert errors_of(definition, substitutions=good) == []
    [(at, message)] = errors_of(definition, substitutions={"FunctionArn": "overlay"})
    assert at == "/States/A/Resource" and message.startswith("unknown resource 'overlay'")


def test_a_substitution_without_a_value_is_a_warning(machine) -> None:
    from workflows import validate

    definition = machine(A=task("${FunctionArn}"))
    [problem] = validate(definition, substitutions={"Other": "x"})
    assert (problem.severity.value, problem.state, problem.pointer) == ("warning", None, "")
    assert (
        problem.message == "substitution ${FunctionArn} has no value; it stays in the definition as written"
    )
