"""A state machine's suite by file-name convention: NAME.asl.json, NAME.mock.json, NAME.tests.json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from workflows.harness import SuiteError, load_suite


@pytest.fixture
def suite_dir(tmp_path: Path, fixtures: Path) -> Path:
    for path in fixtures.glob("triage.*.json"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def write_tests(directory: Path, document: object) -> None:
    (directory / "triage.tests.json").write_text(json.dumps(document))


def test_every_case_of_the_mock_config_is_in_the_suite(fixtures: Path) -> None:
    suite = load_suite("triage", fixtures)
    assert list(suite.cases) == [
        "Negative",
        "Positive",
        "ThrottledThenNegative",
        "Unavailable",
        "ThrottledTooOften",
        "OutOfMocks",
        "Hybrid",
    ]
    assert suite.cases["Unavailable"].expected_status == "FAILED"
    results = [suite.run(case) for case in suite.cases]
    assert [result.case.name for result in results if not result.passed] == []


def test_a_case_without_expectations_must_succeed(suite_dir: Path) -> None:
    (suite_dir / "triage.tests.json").unlink()
    suite = load_suite("triage", suite_dir)
    assert suite.cases["Positive"].input == {}
    result = suite.run("Unavailable")
    assert not result.passed
    assert result.failures[0].startswith("expected the execution to succeed, but it ended with status FAILED")


def test_substitutions_from_the_tests_file_reach_the_engine(suite_dir: Path) -> None:
    definition = json.loads((suite_dir / "triage.asl.json").read_text())
    definition["States"]["Alert"]["Parameters"]["TopicArn"] = "${AlertTopicArn}"
    definition["States"]["Alert"]["ResultPath"] = "$.Topic"
    definition["States"]["Alert"]["ResultSelector"] = {"Arn": "${AlertTopicArn}"}
    (suite_dir / "triage.asl.json").write_text(json.dumps(definition))
    write_tests(
        suite_dir,
        {
            "Substitutions": {"AlertTopicArn": "arn:aws:sns:eu-west-2:123456789012:alerts"},
            "TestCases": {"Negative": {"Input": {"Text": "bad"}}},
        },
    )
    result = load_suite("triage", suite_dir).run("Negative")
    assert result.passed, result.failures
    assert result.execution.output["Topic"] == {"Arn": "arn:aws:sns:eu-west-2:123456789012:alerts"}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"Cases": {}}, r"expected an object with TestCases"),
        ({"TestCases": []}, r"TestCases must be an object"),
        ({"Substitutions": {"A": 1}}, r"Substitutions must be an object of name -> string"),
        ({"TestCases": {"Sunny": {}}}, r"test case 'Sunny' is not in .*triage.mock.json \(known: Negative,"),
        ({"TestCases": {"Positive": {"Inputs": {}}}}, r"test case 'Positive' has unknown field 'Inputs'"),
        (
            {"TestCases": {"Positive": {"ExpectedStatus": "OK"}}},
            r"ExpectedStatus must be one of SUCCEEDED, FAILED",
        ),
        (
            {"TestCases": {"Positive": {"ExpectedPath": "Done"}}},
            r"ExpectedPath must be a list of state names",
        ),
    ],
)
def test_mistakes_in_the_tests_file_are_one_line_errors(
    suite_dir: Path, document: object, message: str
) -> None:
    write_tests(suite_dir, document)
    with pytest.raises(SuiteError, match=message) as caught:
        load_suite("triage", suite_dir)
    assert "\n" not in str(caught.value)


def test_bad_json_in_the_tests_file(suite_dir: Path) -> None:
    (suite_dir / "triage.tests.json").write_text("{")
    with pytest.raises(SuiteError, match=r"triage.tests.json: not valid JSON \(line 1"):
        load_suite("triage", suite_dir)


def test_unknown_case_when_running(fixtures: Path) -> None:
    with pytest.raises(SuiteError, match=r"state machine 'triage' has no test case 'Sunny'"):
        load_suite("triage", fixtures).run("Sunny")


def test_suite_names_are_the_machines_with_a_definition_and_a_mock_config(suite_dir: Path) -> None:
    from workflows.harness.suite import suite_names

    (suite_dir / "orphan.mock.json").write_text("{}")
    (suite_dir / "lonely.asl.json").write_text("{}")
    assert suite_names(suite_dir) == ["triage"]


def test_inputs_and_expected_outputs_can_reference_a_file_instead_of_copying_it(suite_dir: Path) -> None:
    (suite_dir / "examples").mkdir()
    (suite_dir / "examples" / "messages.json").write_text(
        json.dumps({"bad": {"Text": "I hate waiting"}, "a/b~c": ["first", {"Text": "second"}]})
    )
    tests = json.loads((suite_dir / "triage.tests.json").read_text())
    negative = tests["TestCases"]["Negative"]
    negative["Input"] = {"$ref": "examples/messages.json#/bad"}
    negative["ExpectedOutput"]["Text"] = {"$ref": "examples/messages.json#/bad/Text"}
    tests["TestCases"]["Positive"]["Input"] = {"$ref": "examples/messages.json#/a~1b~0c/1"}
    write_tests(suite_dir, tests)
    suite = load_suite("triage", suite_dir)
    assert suite.cases["Negative"].input == {"Text": "I hate waiting"}
    assert suite.cases["Positive"].input == {"Text": "second"}
    assert suite.run("Negative").passed
    # A JSON Reference only when $ref is the object's one key: anything else is data, left as written.
    negative["Input"] = {"$ref": "examples/messages.json", "Text": "I hate waiting"}
    write_tests(suite_dir, tests)
    assert load_suite("triage", suite_dir).cases["Negative"].input["$ref"] == "examples/messages.json"


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("missing.json", r"missing.json: file referenced by 'missing.json' not found"),
        ("messages.json#/nope", r"messages.json: 'messages.json#/nope' points at nothing \(no 'nope'\)"),
        ("messages.json#/list/2", r"points at nothing \(no '2'\)"),
    ],
)
def test_a_reference_to_nothing_is_a_one_line_error(suite_dir: Path, reference: str, message: str) -> None:
    (suite_dir / "messages.json").write_text(json.dumps({"list": [1, 2]}))
    write_tests(suite_dir, {"TestCases": {"Positive": {"Input": {"$ref": reference}}}})
    with pytest.raises(SuiteError, match=message) as caught:
        load_suite("triage", suite_dir)
    assert "\n" not in str(caught.value)
