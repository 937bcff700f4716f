"""The example suite under examples/stepfunctions-local, written as AWS's Step Functions Local samples
are (boto3 with endpoint_url, `#TestCase` executions, assertions on get_execution_history), passes
against `sma stepfunctions serve`: `make test` runs it here, in its own pytest process, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "stepfunctions-local"


def test_the_example_suite_passes():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(EXAMPLE / "tests"),
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 passed" in result.stdout
