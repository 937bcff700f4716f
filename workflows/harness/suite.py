"""The test suite of one state machine, by file-name convention, as `sma workflow test NAME` runs it.

    workflows/<name>.asl.json    the definition (the same file CDK deploys)
    workflows/<name>.mock.json   a Step Functions Local MockConfigFile whose StateMachines has <name>
    workflows/<name>.tests.json  optional: per test case the input and what to expect

`<name>.tests.json` is ours (the MockConfigFile stays strictly Step Functions Local's format):

    {"Substitutions": {"EventBusName": "Plumbing"},
     "TestCases": {"HappyPath": {"Input": {...}, "ExpectedStatus": "SUCCEEDED", "ExpectedOutput": {...},
                                 "ExpectedPath": ["A", "B"], "ExpectedError": "...", "ExpectedCause": "..."}}}

In `Input` and `ExpectedOutput`, `{"$ref": "../examples/x.json#/pointer"}` stands for that file's JSON (or
the part the RFC 6901 pointer names), relative to the tests file: cases use example files as they are.

Every test case of the mock config runs; one not in `<name>.tests.json` gets the input `{}` and passes
when the execution succeeds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workflows.engine import Execution
from workflows.harness.assertions import assert_failed, assert_path, assert_succeeded
from workflows.harness.definition import load_definition
from workflows.harness.files import read_json, resolve_references
from workflows.harness.mock_config import MockConfig, load_mock_config
from workflows.harness.runner import run_test_case

DEFINITION_SUFFIX = ".asl.json"
MOCK_SUFFIX = ".mock.json"
TESTS_SUFFIX = ".tests.json"
CASE_FIELDS = frozenset(
    {"Input", "ExpectedStatus", "ExpectedOutput", "ExpectedPath", "ExpectedError", "ExpectedCause", "Comment"}
)
STATUSES = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


class SuiteError(ValueError):
    """The suite's files are missing or malformed; the one-line message says which and how."""


@dataclass(frozen=True)
class CaseSpec:
    """What one test case feeds in and expects; the output is compared only when `checks_output`."""

    name: str
    input: Any = field(default_factory=dict)
    expected_status: str = "SUCCEEDED"
    expected_output: Any = None
    checks_output: bool = False
    expected_path: list[str] | None = None
    expected_error: str | None = None
    expected_cause: str | None = None


@dataclass(frozen=True)
class CaseResult:
    case: CaseSpec
    execution: Execution
    failures: list[str]

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class Suite:
    name: str
    definition: dict[str, Any]
    mock_config: MockConfig
    cases: dict[str, CaseSpec]
    substitutions: dict[str, str] | None = None

    def run(self, case: str, **execute_options: Any) -> CaseResult:
        if case not in self.cases:
            raise SuiteError(
                f"state machine {self.name!r} has no test case {case!r} (known: {', '.join(self.cases)})"
            )
        spec = self.cases[case]
        if self.substitutions is not None:
            execute_options.setdefault("substitutions", self.substitutions)
        execution = run_test_case(
            self.definition, self.name, case, spec.input, self.mock_config, **execute_options
        )
        return CaseResult(spec, execution, check_expectations(spec, execution))


def check_expectations(spec: CaseSpec, execution: Execution) -> list[str]:
    """Each expectation the execution does not meet, as a readable message."""
    checks = []
    if spec.expected_status == "SUCCEEDED" and spec.checks_output:
        checks.append(lambda: assert_succeeded(execution, spec.expected_output))
    elif spec.expected_status == "SUCCEEDED":
        checks.append(lambda: assert_succeeded(execution))
    elif spec.expected_status == "FAILED":
        checks.append(lambda: assert_failed(execution, spec.expected_error, spec.expected_cause))
    else:
        checks.append(lambda: _assert_status(execution, spec.expected_status))
    if spec.expected_path is not None:
        checks.append(lambda: assert_path(execution, spec.expected_path or []))
    failures = []
    for check in checks:
        try:
            check()
        except AssertionError as exc:
            failures.append(str(exc))
    return failures


def _assert_status(execution: Execution, status: str) -> None:
    if execution.status != status:
        raise AssertionError(f"expected status {status}, got {execution.status}")


def machine_name(definition_path: Path) -> str:
    """`workflows/analyse.asl.json` -> `analyse`: the name its mock config lists it under."""
    return definition_path.name.removesuffix(DEFINITION_SUFFIX).removesuffix(".json")


def mock_config_path(definition_path: Path) -> Path:
    """The mock config beside a definition: `analyse.asl.json` -> `analyse.mock.json`."""
    return definition_path.with_name(machine_name(definition_path) + MOCK_SUFFIX)


def definition_paths(directory: str | Path = "workflows") -> list[Path]:
    return sorted(Path(directory).glob(f"*{DEFINITION_SUFFIX}"))


def mock_config_paths(directory: str | Path = "workflows") -> list[Path]:
    return sorted(Path(directory).glob(f"*{MOCK_SUFFIX}"))


def suite_names(directory: str | Path = "workflows") -> list[str]:
    """The state machines in `directory` that have both a definition and a mock config."""
    return [machine_name(path) for path in definition_paths(directory) if mock_config_path(path).is_file()]


def load_suite(name: str, directory: str | Path = "workflows") -> Suite:
    """The suite of state machine `name` from its files in `directory`."""
    directory = Path(directory)
    definition_path = directory / f"{name}{DEFINITION_SUFFIX}"
    mock_path = directory / f"{name}{MOCK_SUFFIX}"
    if not definition_path.is_file():
        raise SuiteError(f"{definition_path}: no such state machine definition")
    if not mock_path.is_file():
        raise SuiteError(f"{mock_path}: no mock config for {name!r}; create one to give it test cases")
    definition = load_definition(definition_path)
    config = load_mock_config(mock_path)
    case_names = config.cases(name)
    tests_path = directory / f"{name}{TESTS_SUFFIX}"
    extra = _read_tests(tests_path) if tests_path.is_file() else {}
    specs = extra.get("TestCases", {})
    for case in specs:
        if case not in case_names:
            raise SuiteError(
                f"{tests_path}: test case {case!r} is not in {mock_path} (known: {', '.join(case_names)})"
            )
    cases = {case: _case_spec(tests_path, case, specs.get(case, {})) for case in case_names}
    return Suite(name, definition, config, cases, extra.get("Substitutions"))


def _read_tests(path: Path) -> Mapping[str, Any]:
    document = read_json(path, "tests file", SuiteError)
    if not isinstance(document, dict) or set(document) - {"Substitutions", "TestCases", "Comment"}:
        raise SuiteError(f"{path}: expected an object with TestCases (and optionally Substitutions)")
    if not isinstance(document.get("TestCases", {}), dict):
        raise SuiteError(f"{path}: TestCases must be an object of test case name -> input and expectations")
    substitutions = document.get("Substitutions", {})
    if not isinstance(substitutions, dict) or not all(
        isinstance(value, str) for value in substitutions.values()
    ):
        raise SuiteError(f"{path}: Substitutions must be an object of name -> string")
    return document


def _case_spec(path: Path, case: str, spec: Any) -> CaseSpec:
    if not isinstance(spec, dict):
        raise SuiteError(f"{path}: test case {case!r} must be an object")
    unknown = sorted(set(spec) - CASE_FIELDS)
    if unknown:
        raise SuiteError(
            f"{path}: test case {case!r} has unknown field {unknown[0]!r} "
            f"(known: {', '.join(sorted(CASE_FIELDS))})"
        )
    status = spec.get("ExpectedStatus", "FAILED" if "ExpectedError" in spec else "SUCCEEDED")
    if status not in STATUSES:
        raise SuiteError(f"{path}: test case {case!r}: ExpectedStatus must be one of {', '.join(STATUSES)}")
    if status != "SUCCEEDED" and "ExpectedOutput" in spec:
        raise SuiteError(f"{path}: test case {case!r}: ExpectedOutput needs ExpectedStatus SUCCEEDED")
    if status != "FAILED" and ("ExpectedError" in spec or "ExpectedCause" in spec):
        raise SuiteError(
            f"{path}: test case {case!r}: ExpectedError and ExpectedCause need ExpectedStatus FAILED"
        )
    expected_path = spec.get("ExpectedPath")
    if expected_path is not None and not (
        isinstance(expected_path, list) and all(isinstance(s, str) for s in expected_path)
    ):
        raise SuiteError(f"{path}: test case {case!r}: ExpectedPath must be a list of state names")
    return CaseSpec(
        name=case,
        input=resolve_references(spec.get("Input", {}), path.parent, SuiteError),
        expected_status=status,
        expected_output=resolve_references(spec.get("ExpectedOutput"), path.parent, SuiteError),
        checks_output="ExpectedOutput" in spec,
        expected_path=expected_path,
        expected_error=spec.get("ExpectedError"),
        expected_cause=spec.get("ExpectedCause"),
    )
