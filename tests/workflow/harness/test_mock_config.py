"""The mock configuration reader accepts Step Functions Local's format and rejects mistakes clearly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.harness.mock_config import MockConfigError, load_mock_config, parse_mock_config

AWS_EXAMPLE = {
    "StateMachines": {
        "LambdaSQSIntegration": {
            "TestCases": {
                "HappyPath": {"LambdaState": "MockedLambdaSuccess", "SQSState": "MockedSQSSuccess"},
                "RetryPath": {"LambdaState": "MockedLambdaRetry", "SQSState": "MockedSQSSuccess"},
                "HybridPath": {"LambdaState": "MockedLambdaSuccess"},
            }
        }
    },
    "MockedResponses": {
        "MockedLambdaSuccess": {"0": {"Return": {"StatusCode": 200, "Payload": {"body": "Hello"}}}},
        "MockedSQSSuccess": {"0": {"Return": {"MessageId": "m-1"}}},
        "MockedLambdaRetry": {
            "0": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "not ready"}},
            "1-2": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "timed out"}},
            "3": {"Return": {"StatusCode": 200, "Payload": {"body": "Hello"}}},
        },
    },
}


def test_the_example_from_the_aws_guide_loads(tmp_path: Path) -> None:
    path = tmp_path / "MockConfigFile.json"
    path.write_text(json.dumps(AWS_EXAMPLE))
    config = load_mock_config(path)
    assert config.cases("LambdaSQSIntegration") == ["HappyPath", "RetryPath", "HybridPath"]
    mocks = config.mocks("LambdaSQSIntegration", "HybridPath")
    assert list(mocks) == ["LambdaState"]
    assert mocks["LambdaState"].response_id == "MockedLambdaSuccess"


def test_invocations_resolve_single_keys_and_inclusive_ranges() -> None:
    retry = parse_mock_config(AWS_EXAMPLE).mocks("LambdaSQSIntegration", "RetryPath")["LambdaState"]
    errors = [retry.for_invocation(index).error for index in range(3)]  # type: ignore[union-attr]
    assert errors == [
        "Lambda.ResourceNotReadyException",
        "Lambda.TimeoutException",
        "Lambda.TimeoutException",
    ]
    last = retry.for_invocation(3)
    assert last is not None and not last.throws and last.value["StatusCode"] == 200
    assert retry.for_invocation(4) is None
    assert retry.defined == "0, 1-2, 3"


def test_unknown_case_and_machine_name_what_exists() -> None:
    config = parse_mock_config(AWS_EXAMPLE, source="mocks.json")
    with pytest.raises(
        MockConfigError, match=r"no test case 'Nope' \(known: HappyPath, RetryPath, HybridPath\)"
    ):
        config.mocks("LambdaSQSIntegration", "Nope")
    with pytest.raises(MockConfigError, match=r"mocks.json: no state machine 'Other'"):
        config.cases("Other")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], r"at /: must be a JSON object"),
        ({"MockedResponse": {}}, r"at /MockedResponse: unknown field 'MockedResponse'"),
        ({"StateMachines": {"M": {"Cases": {}}}}, r"at /StateMachines/M/Cases: unknown field 'Cases'"),
        (
            {"StateMachines": {"M": {"TestCases": {"C": {"S": "Missing"}}}}},
            r"at /StateMachines/M/TestCases/C/S: mocked response 'Missing' is not defined",
        ),
        (
            {"MockedResponses": {"R": {"first": {"Return": 1}}}},
            r"at /MockedResponses/R/first: invocation key",
        ),
        ({"MockedResponses": {"R": {"3-1": {"Return": 1}}}}, r"range '3-1' ends before it starts"),
        ({"MockedResponses": {"R": {"0-2": {"Return": 1}, "2": {"Return": 2}}}}, r"invocations '2' overlap"),
        ({"MockedResponses": {"R": {}}}, r"needs at least one invocation"),
        (
            {"MockedResponses": {"R": {"0": {"Return": 1, "Throw": {}}}}},
            r"exactly one field, Return or Throw",
        ),
        ({"MockedResponses": {"R": {"0": {"Throw": {"Error": "E"}}}}}, r"Throw needs Cause as a string"),
        (
            {"MockedResponses": {"R": {"0": {"Throw": {"Error": "E", "Cause": "c", "X": 1}}}}},
            r"unknown field 'X'",
        ),
    ],
)
def test_mistakes_are_one_line_errors_with_a_pointer(document: object, message: str) -> None:
    with pytest.raises(MockConfigError, match=message) as caught:
        parse_mock_config(document)
    assert "\n" not in str(caught.value)


def test_missing_file_and_bad_json_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(MockConfigError, match=r"nothere.json: mock config file not found"):
        load_mock_config(tmp_path / "nothere.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"StateMachines": ')
    with pytest.raises(MockConfigError, match=r"bad.json: not valid JSON \(line 1"):
        load_mock_config(bad)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-2, 5)
    | st.text(max_size=5)
    | st.sampled_from(["0", "1-2", "Return"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["StateMachines", "MockedResponses", "TestCases", "0", "1-2", "Return", "Throw", "Error", "x"]
            ),
            children,
            max_size=3,
        )
    ),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_document_is_accepted_or_rejected_with_a_mock_config_error(document: object) -> None:
    try:
        parse_mock_config(document)
    except MockConfigError as exc:
        assert "\n" not in str(exc)


def test_merging_shares_identical_responses_and_refuses_a_machine_twice(tmp_path: Path) -> None:
    from workflows.harness.mock_config import merge_mock_configs

    first = tmp_path / "a.mock.json"
    first.write_text(json.dumps(AWS_EXAMPLE))
    same_response = {
        "StateMachines": {"Other": {"TestCases": {"Case": {"S": "MockedSQSSuccess"}}}},
        "MockedResponses": {"MockedSQSSuccess": AWS_EXAMPLE["MockedResponses"]["MockedSQSSuccess"]},
    }
    second = tmp_path / "b.mock.json"
    second.write_text(json.dumps(same_response))
    merged = merge_mock_configs([first, second])
    assert sorted(merged["StateMachines"]) == ["LambdaSQSIntegration", "Other"]
    assert parse_mock_config(merged).cases("Other") == ["Case"]
    twice = tmp_path / "c.mock.json"
    twice.write_text(json.dumps({"StateMachines": {"Other": {"TestCases": {}}}}))
    with pytest.raises(
        MockConfigError, match=r"c.mock.json: state machine 'Other' is also defined in .*b.mock.json"
    ):
        merge_mock_configs([first, second, twice])
