"""The workflow test harness: Step Functions Local mock configs, run on the local engine.

    config = load_mock_config("workflows/analyse.mock.json")
    execution = run_test_case(definition, "analyse", "HappyPath", {"Text": "..."}, config)
    assert_succeeded(execution, output={...}); assert_path(execution, ["Detect", "Publish"])

The mock file is Step Functions Local's own `MockConfigFile.json` format, so the same file also runs
against Step Functions Local (see workflows/README.md).
"""

from workflows.harness.assertions import assert_failed, assert_path, assert_succeeded
from workflows.harness.mock_config import MockConfig, MockConfigError, load_mock_config, parse_mock_config
from workflows.harness.mocking import MockedServices
from workflows.harness.runner import run_test_case
from workflows.harness.suite import Suite, SuiteError, load_suite
from workflows.harness.trace import TraceRow, trace

__all__ = [
    "MockConfig",
    "MockConfigError",
    "MockedServices",
    "Suite",
    "SuiteError",
    "TraceRow",
    "assert_failed",
    "assert_path",
    "assert_succeeded",
    "load_mock_config",
    "load_suite",
    "parse_mock_config",
    "run_test_case",
    "trace",
]
