"""One Python: the tests run on the Python the Lambdas deploy on (infra.topology.PYTHON_VERSION)."""

from __future__ import annotations

import sys
import tomllib

from infra.topology import PYTHON_VERSION, ROOT


def test_the_tests_run_on_the_lambdas_python() -> None:
    assert f"{sys.version_info.major}.{sys.version_info.minor}" == PYTHON_VERSION


def test_pyproject_and_ruff_name_the_same_python() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    major, minor = PYTHON_VERSION.split(".")
    assert project["project"]["requires-python"] == f">={major}.{minor},<{major}.{int(minor) + 1}"
    assert project["tool"]["ruff"]["target-version"] == f"py{major}{minor}"
