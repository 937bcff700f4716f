"""cfn-lint on every synthesized template: resource types, properties and values as CloudFormation
defines them, offline (cfn-lint ships the resource specifications)."""

from __future__ import annotations

import pytest
from cfnlint.api import lint

STACKS = (
    "Sma-Plumbing",
    "Sma-Ingress",
    "Sma-Ingest",
    "Sma-Analysis",
    "Sma-Alerting",
    "Sma-Responding",
    "Sma-Egress",
    "Sma-Analytics",
    "Sma-Observability",
)
# W3005: CDK adds DependsOn the role beside the GetAtt of the role, so that the role's policy (a separate
# resource, also in DependsOn) exists before the resource that uses it. Redundant for the role, needed
# for the policy; not a defect.
IGNORED = {"W3005"}


def test_one_stack_per_microservice(synthesized) -> None:
    assert sorted(synthesized.templates) == sorted(STACKS)


@pytest.mark.parametrize("stack", STACKS)
def test_template_passes_cfn_lint(synthesized, stack: str) -> None:
    path = synthesized.directory / f"{stack}.template.json"
    matches = [
        m for m in lint(path.read_text(), regions=["eu-west-2", "us-east-1"]) if m.rule.id not in IGNORED
    ]
    assert [f"{m.rule.id} {m.message} ({'/'.join(map(str, m.path))})" for m in matches] == []
