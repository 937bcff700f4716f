"""The CDK app synthesized once per test session (no AWS credentials, no network): templates by stack."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# jsii prints a banner when the machine's Node is past its end of life (`make synth` still shows it);
# the tests' output is not the place for it.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20")
# Environment-agnostic synthesis: whatever a developer's shell holds must not leak into the templates.
for _variable in ("CDK_DEFAULT_ACCOUNT", "CDK_DEFAULT_REGION"):
    os.environ.pop(_variable, None)


@dataclass(frozen=True)
class Synthesized:
    directory: Path
    templates: dict[str, dict[str, Any]]  # stack name -> CloudFormation template

    def resources(self, kind: str) -> list[tuple[str, str, dict[str, Any]]]:
        """(stack, logical id, properties) of every resource of `kind` in every stack."""
        return [
            (stack, logical_id, resource.get("Properties", {}))
            for stack, template in self.templates.items()
            for logical_id, resource in template["Resources"].items()
            if resource["Type"] == kind
        ]


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    from aws_cdk import App

    from infra.aws.app import build

    directory = tmp_path_factory.mktemp("cdk.out")
    system = build(App(outdir=str(directory)))
    system.app.synth()  # raises if a cdk-nag finding is not acknowledged
    templates = {
        name: json.loads((directory / stack.template_file).read_text())
        for name, stack in system.stacks.items()
    }
    return Synthesized(directory, templates)
