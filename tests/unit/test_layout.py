"""The repository keeps the layout its README documents: each top-level area says what belongs there."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AREAS = (
    "workflows",
    "integrations",
    "lambdas",
    "infra",
    "infra/aws",
    "infra/local",
    "tests",
    "docs/diagrams",
    "examples",
    "benchmarks",
    "sma",
)


@pytest.mark.parametrize("area", AREAS)
def test_each_area_explains_itself(area: str) -> None:
    folder = ROOT / area
    readme = folder / "README.md"
    init = folder / "__init__.py"
    if readme.exists():
        assert len(readme.read_text().split()) >= 10
        return
    assert init.exists(), f"{area} has neither README.md nor __init__.py"
    docstring = ast.get_docstring(ast.parse(init.read_text()))
    assert docstring and len(docstring.split()) >= 10, f"{area}/__init__.py needs a docstring"


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test" in ci
    assert "make test" in readme and "make demo" in readme
