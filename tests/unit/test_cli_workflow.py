"""`sma workflow validate | run | test`: output a person can read, exit codes a script can trust."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sma.cli import app

FIXTURES = Path(__file__).resolve().parents[1] / "workflow" / "fixtures"
GOOD = {"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "Result": {"Hi": "there"}, "End": True}}}
BAD = {"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "Next": "Nowhere"}}}

runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout-like folder with workflows/ holding the triage fixture suite; the working directory."""
    workflows = tmp_path / "workflows"
    workflows.mkdir()
    for path in FIXTURES.glob("triage.*.json"):
        shutil.copy(path, workflows / path.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str):
    return runner.invoke(app, ["workflow", *args])


def write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document))
    return path


# -- validate -----------------------------------------------------------------------------------------


def test_validate_defaults_to_every_workflow_file(project: Path) -> None:
    result = invoke("validate")
    assert result.exit_code == 0, result.output
    assert "✓ workflows/triage.asl.json" in result.output


def test_validate_reports_file_state_and_pointer_and_exits_1(project: Path) -> None:
    bad = write(project / "bad.asl.json", BAD)
    good = write(project / "good.asl.json", GOOD)
    result = invoke("validate", str(bad), str(good))
    assert result.exit_code == 1
    assert (
        f"error {bad}: state 'Hello' at /States/Hello/Next: no state named 'Nowhere' in this scope"
        in result.output
    )
    assert f"✓ {good}" in result.output
    assert "1 of 2 definition(s) have errors." in result.output


def test_validate_with_no_files_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("validate")
    assert result.exit_code == 0
    assert "No workflows/*.asl.json files found: nothing to validate." in result.output


def test_validate_missing_file_is_a_usage_error(project: Path) -> None:
    result = invoke("validate", "nothere.asl.json")
    assert result.exit_code == 2
    assert result.output.strip() == "error: nothere.asl.json: no such file"


def test_validate_applies_substitutions(project: Path) -> None:
    task = {"Type": "Task", "Resource": "${Fn}", "End": True}
    path = write(project / "sub.asl.json", {"StartAt": "T", "States": {"T": task}})
    assert invoke("validate", str(path)).exit_code == 0
    result = invoke("validate", str(path), "-s", "Fn=not-an-arn")
    assert result.exit_code == 1 and "unknown resource 'not-an-arn'" in result.output
    assert invoke("validate", str(path), "-s", "Fn").exit_code == 2


# -- run ----------------------------------------------------------------------------------------------


def test_run_prints_trace_and_output(project: Path) -> None:
    path = write(project / "hello.asl.json", GOOD)
    result = invoke("run", str(path), "--input", '{"a": 1}')
    assert result.exit_code == 0, result.output
    assert "Hello" in result.output and "Pass" in result.output and "succeeded" in result.output
    assert "Status: SUCCEEDED" in result.output
    assert '"Hi": "there"' in result.output


def test_run_with_mock_config_shows_retries_and_exits_1_on_failure(project: Path) -> None:
    ok = invoke(
        "run",
        "workflows/triage.asl.json",
        "--input",
        '{"Text": "bad"}',
        "--mock-config",
        "workflows/triage.mock.json",
        "--case",
        "ThrottledThenNegative",
    )
    assert ok.exit_code == 0, ok.output
    detect_row = next(line for line in ok.output.splitlines() if "DetectSentiment" in line)
    assert "│ 2 " in detect_row.replace("  ", " ")  # two retries before the mocked success
    failed = invoke(
        "run",
        "workflows/triage.asl.json",
        "--input",
        '{"Text": "x"}',
        "--mock-config",
        "workflows/triage.mock.json",
        "--case",
        "Unavailable",
    )
    assert failed.exit_code == 1
    assert "Status: FAILED" in failed.output
    assert "Error: Comprehend.InternalServerException" in failed.output
    assert "caught → AnalysisFailed" in failed.output


def test_run_reads_input_from_a_file(project: Path) -> None:
    path = write(
        project / "hello.asl.json", {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}}
    )
    write(project / "input.json", {"from": "file"})
    result = invoke("run", str(path), "--input", "@input.json")
    assert result.exit_code == 0, result.output
    assert '"from": "file"' in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.asl.json"], "error: missing.asl.json: state machine definition not found"),
        (["hello.asl.json", "--input", "{nope"], "error: --input is not valid JSON (line 1, column 2"),
        (["hello.asl.json", "--input", "@absent.json"], "error: --input file absent.json not found"),
        (["hello.asl.json", "--case", "X"], "error: --mock-config and --case go together"),
        (["hello.asl.json", "--type", "BATCH"], "error: --type must be STANDARD or EXPRESS, got 'BATCH'"),
        (
            ["workflows/triage.asl.json", "--mock-config", "workflows/triage.mock.json", "--case", "Sunny"],
            "error: workflows/triage.mock.json: state machine 'triage' has no test case 'Sunny'",
        ),
        (
            ["hello.asl.json", "--mock-config", "none.json", "--case", "A"],
            "error: none.json: mock config file not found",
        ),
    ],
)
def test_run_usage_errors_are_one_line_exit_2(project: Path, args: list[str], message: str) -> None:
    write(project / "hello.asl.json", GOOD)
    result = invoke("run", *args)
    assert result.exit_code == 2, result.output
    assert result.output.startswith(message)
    assert len(result.output.strip().splitlines()) == 1


# -- test ---------------------------------------------------------------------------------------------


def test_test_runs_every_case_and_reports_pass_per_case(project: Path) -> None:
    result = invoke("test", "triage")
    assert result.exit_code == 0, result.output
    for case in ("Negative", "Positive", "ThrottledThenNegative", "Unavailable", "OutOfMocks", "Hybrid"):
        assert f"PASS triage #{case}" in result.output
    assert "7 passed, 0 failed" in result.output


def test_test_one_case_and_a_failing_expectation(project: Path) -> None:
    tests = json.loads((project / "workflows" / "triage.tests.json").read_text())
    tests["TestCases"]["Positive"]["ExpectedPath"] = ["DetectSentiment", "Done"]
    write(project / "workflows" / "triage.tests.json", tests)
    result = invoke("test", "triage", "--case", "Positive")
    assert result.exit_code == 1
    assert "FAIL triage #Positive" in result.output
    assert "-Done" not in result.output and "+IsNegative" in result.output
    assert "0 passed, 1 failed" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nothing"], "error: workflows/nothing.asl.json: no such state machine definition"),
        (["triage", "--case", "Sunny"], "error: state machine 'triage' has no test case 'Sunny'"),
    ],
)
def test_test_usage_errors_exit_2(project: Path, args: list[str], message: str) -> None:
    result = invoke("test", *args)
    assert result.exit_code == 2
    assert result.output.startswith(message)


def test_test_without_mock_config_says_how_to_add_one(project: Path) -> None:
    (project / "workflows" / "triage.mock.json").unlink()
    result = invoke("test", "triage")
    assert result.exit_code == 2
    assert "triage.mock.json: no mock config for 'triage'; create one to give it test cases" in result.output


def test_validate_prints_warnings_but_passes(project: Path) -> None:
    rule = {"Variable": "$.a", "IsNull": True, "Next": "Done"}
    definition = {
        "StartAt": "C",
        "States": {"C": {"Type": "Choice", "Choices": [rule]}, "Done": {"Type": "Succeed"}},
    }
    path = write(project / "choice.asl.json", definition)
    result = invoke("validate", str(path))
    assert result.exit_code == 0
    assert f"warning {path}: state 'C' at /States/C: no Default" in result.output


def test_validate_reports_bad_json_as_an_error(project: Path) -> None:
    path = project / "broken.asl.json"
    path.write_text("{")
    result = invoke("validate", str(path))
    assert result.exit_code == 1
    assert f"error {path}: at /: not valid JSON" in result.output


def test_run_refuses_a_definition_the_engine_cannot_run(project: Path) -> None:
    path = write(project / "bad.asl.json", BAD)
    result = invoke("run", str(path))
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {path}: cannot run:")
    assert f"sma workflow validate {path}" in result.output


def test_test_verbose_prints_each_trace(project: Path) -> None:
    result = invoke("test", "triage", "--case", "ThrottledThenNegative", "-v")
    assert result.exit_code == 0
    assert "Trace" in result.output and "DetectSentiment" in result.output
    assert "PASS triage #ThrottledThenNegative" in result.output


def test_test_refuses_a_definition_the_engine_cannot_run(project: Path) -> None:
    write(
        project / "workflows" / "triage.asl.json", {"StartAt": "Gone", "States": {"Detect": {"Type": "Pass"}}}
    )
    result = invoke("test", "triage")
    assert result.exit_code == 2
    assert result.output.startswith("error: ")
    assert len(result.output.strip().splitlines()) == 1


def test_validate_checks_the_mock_config_beside_the_definition(project: Path) -> None:
    mocks = json.loads((project / "workflows" / "triage.mock.json").read_text())
    mocks["StateMachines"]["triage"]["TestCases"]["Positive"] = {"DetectSentimnet": "PositiveSentiment"}
    mocks["StateMachines"]["triage"]["TestCases"]["Choosy"] = {"IsNegative": "PositiveSentiment"}
    write(project / "workflows" / "triage.mock.json", mocks)
    result = invoke("validate")
    assert result.exit_code == 1
    assert (
        "error workflows/triage.mock.json: test case 'Positive' mocks state 'DetectSentimnet', "
        "which the definition does not have" in result.output
    )
    assert (
        "test case 'Choosy' mocks state 'IsNegative', a Choice state; only Task states are mocked"
        in result.output
    )


def test_validate_reports_an_unreadable_mock_config(project: Path) -> None:
    (project / "workflows" / "triage.mock.json").write_text("{")
    result = invoke("validate")
    assert result.exit_code == 1
    assert "error workflows/triage.mock.json: not valid JSON (line 1, column 2" in result.output
    (project / "workflows" / "triage.mock.json").write_text('{"StateMachines": {"other": {}}}')
    result = invoke("validate")
    assert result.exit_code == 1
    assert (
        "error workflows/triage.mock.json: no test cases for state machine 'triage' under StateMachines"
        in (result.output)
    )


def test_test_without_a_name_runs_every_suite(project: Path) -> None:
    for path in FIXTURES.glob("images.*.json"):
        shutil.copy(path, project / "workflows" / path.name)
    result = invoke("test")
    assert result.exit_code == 1  # images' case has no tests file entry: it gets {} and cannot succeed
    assert "PASS triage #Negative" in result.output
    assert "FAIL images #TwoPhotos" in result.output
    assert "7 passed, 1 failed" in result.output


def test_test_without_suites_or_with_case_but_no_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("test")
    assert result.exit_code == 0
    assert "No workflows/*.mock.json files found: no test cases to run." in result.output
    result = invoke("test", "--case", "Negative")
    assert result.exit_code == 2
    assert result.output.strip() == "error: --case needs the state machine NAME"


def test_run_an_express_execution(project: Path) -> None:
    wait = {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 600, "End": True}}}
    path = write(project / "nap.asl.json", wait)
    assert invoke("run", str(path)).exit_code == 0
    result = invoke("run", str(path), "--type", "EXPRESS")
    assert result.exit_code == 1  # an Express execution stops after five minutes
    assert "Status: TIMED_OUT" in result.output


# -- mock-config --------------------------------------------------------------------------------------


def test_mock_config_merges_every_file_for_step_functions_local(project: Path) -> None:
    for path in FIXTURES.glob("*.mock.json"):
        shutil.copy(path, project / "workflows" / path.name)
    result = invoke("mock-config")
    assert result.exit_code == 0, result.output
    merged = json.loads(result.output)
    assert sorted(merged["StateMachines"]) == ["callback", "images", "triage"]
    assert "LabelsPerPhoto" in merged["MockedResponses"] and "AlwaysThrottled" in merged["MockedResponses"]
    written = invoke("mock-config", "-o", "MockConfigFile.json")
    assert written.exit_code == 0
    assert json.loads((project / "MockConfigFile.json").read_text()) == merged


def test_mock_config_refuses_clashing_response_ids(project: Path) -> None:
    clash = {
        "StateMachines": {"other": {"TestCases": {"A": {"S": "Published"}}}},
        "MockedResponses": {"Published": {"0": {"Return": {"MessageId": "different"}}}},
    }
    write(project / "workflows" / "other.mock.json", clash)
    result = invoke("mock-config")
    assert result.exit_code == 2
    assert result.output.startswith(
        "error: workflows/triage.mock.json: mocked response id 'Published' is also"
    )


def test_mock_config_without_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("mock-config")
    assert result.exit_code == 2
    assert result.output.strip() == "error: no workflows/*.mock.json files to merge"
