"""Mocked test cases run on the engine as they would on Step Functions Local."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from workflows.engine import ManualClock, TaskFailure
from workflows.harness import (
    MockConfigError,
    assert_failed,
    assert_path,
    assert_succeeded,
    load_mock_config,
    run_test_case,
)
from workflows.harness.assertions import states_entered


@pytest.fixture
def triage(definition, fixtures):
    config = load_mock_config(fixtures / "triage.mock.json")

    def run(case, text="I hate waiting", **options):
        return run_test_case(definition("triage"), "triage", case, {"Text": text}, config, **options)

    return run


def test_mocked_tasks_drive_the_path_and_output(triage) -> None:
    execution = triage("Negative")
    assert_succeeded(execution, output={"Text": "I hate waiting", "Analysis": {"Sentiment": "NEGATIVE"}})
    assert_path(execution, ["DetectSentiment", "IsNegative", "Alert", "Done"])


def test_another_case_takes_another_branch(triage) -> None:
    execution = triage("Positive", text="Lovely day")
    assert_path(execution, ["DetectSentiment", "IsNegative", "Done"])
    assert execution.output["Analysis"] == {"Sentiment": "POSITIVE"}


def test_retries_consume_invocations_then_succeed(triage) -> None:
    clock = ManualClock()
    execution = triage("ThrottledThenNegative", clock=clock)
    assert_succeeded(execution)
    assert clock.slept == [2, 4]  # invocations 0 and 1 threw; the retrier's back-off ran between attempts
    assert_path(execution, ["DetectSentiment", "IsNegative", "Alert", "Done"])


def test_a_throw_is_caught_by_catch(triage) -> None:
    execution = triage("Unavailable")
    assert_failed(execution, error="Comprehend.InternalServerException", cause="Service unavailable")
    assert_path(execution, ["DetectSentiment", "AnalysisFailed"])


def test_retries_exhausted_the_error_reaches_catch(triage) -> None:
    execution = triage("ThrottledTooOften")
    assert_failed(execution, error="Comprehend.ThrottlingException")
    assert_path(execution, ["DetectSentiment", "AnalysisFailed"])


def test_running_out_of_mocked_invocations_fails_the_execution(triage) -> None:
    execution = triage("OutOfMocks")
    assert_failed(execution, error="States.Runtime")
    assert "defines invocations 0 but this is invocation 1" in execution.cause
    assert_path(execution, ["DetectSentiment"])  # not caught by the States.ALL catcher


def test_unmocked_states_run_their_real_handlers(triage) -> None:
    published = []

    def publish(arguments, invocation):
        published.append(arguments["Message"])
        return {"MessageId": "real-1"}

    execution = triage("Hybrid", handlers={"arn:aws:states:::sns:publish": publish})
    assert_succeeded(execution)
    assert published == ["I hate waiting"]


def test_an_unmocked_state_without_a_handler_fails_clearly(triage) -> None:
    execution = triage("Hybrid")
    assert_failed(execution, error="Local.HandlerNotFound")
    assert "arn:aws:states:::sns:publish" in execution.cause


def test_mocked_states_do_not_reach_real_handlers(triage) -> None:
    def publish(arguments, invocation):
        raise AssertionError("a mocked state must not call its handler")

    assert_succeeded(triage("Negative", handlers={"arn:aws:states:::sns:publish": publish}))


def test_a_given_interceptor_answers_unmocked_states(triage) -> None:
    def interceptor(invocation):
        if invocation.state_name == "Alert":
            raise TaskFailure("SNS.NotFoundException", "no such topic")
        raise AssertionError("only unmocked states reach the fallback interceptor")

    assert_failed(triage("Hybrid", interceptor=interceptor), error="SNS.NotFoundException")


def test_unknown_case_and_mocks_of_missing_or_non_task_states(definition, fixtures) -> None:
    config = load_mock_config(fixtures / "triage.mock.json")
    with pytest.raises(MockConfigError, match=r"no test case 'Sunny'"):
        run_test_case(definition("triage"), "triage", "Sunny", {}, config)
    renamed = definition("triage")
    renamed["States"]["Detect"] = renamed["States"].pop("DetectSentiment")
    with pytest.raises(
        MockConfigError, match=r"mocks state 'DetectSentiment', which the definition does not have"
    ):
        run_test_case(renamed, "triage", "Positive", {}, config)
    as_pass = definition("triage")
    as_pass["States"]["DetectSentiment"] = {"Type": "Pass", "Next": "IsNegative"}
    with pytest.raises(MockConfigError, match=r"a Pass state; only Task states are mocked"):
        run_test_case(as_pass, "triage", "Positive", {}, config)


def test_map_iterations_count_as_invocations_and_parallel_branches_are_mocked(definition, fixtures) -> None:
    config = fixtures / "images.mock.json"
    images = {"Text": "My cat at the beach", "Images": [{"Key": "cat.jpg"}, {"Key": "beach.jpg"}]}
    execution = run_test_case(definition("images"), "images", "TwoPhotos", images, config)
    assert_succeeded(execution)
    assert execution.output["Labels"] == [{"Labels": ["Cat"]}, {"Labels": ["Beach", "Sea"]}]
    assert execution.output["Enrichment"] == {"Language": "en", "KeyPhrases": ["my cat", "the beach"]}
    visited = states_entered(execution)
    assert visited[:4] == ["LabelEachImage", "DetectLabels", "DetectLabels", "Enrich"]
    assert sorted(visited[4:]) == ["DetectKeyPhrases", "DetectLanguage"]


def test_a_third_photo_runs_out_of_mocks(definition, fixtures) -> None:
    images = {"Text": "t", "Images": [{"Key": "a"}, {"Key": "b"}, {"Key": "c"}]}
    execution = run_test_case(
        definition("images"), "images", "TwoPhotos", images, fixtures / "images.mock.json"
    )
    assert_failed(execution, error="States.Runtime")
    assert "'LabelsPerPhoto' for state 'DetectLabels' defines invocations 0, 1 but this is invocation 2" in (
        execution.cause
    )


def test_wait_for_task_token_return_is_the_callback_result(definition, fixtures) -> None:
    execution = run_test_case(
        definition("callback"), "callback", "Approved", {"Reply": "Thanks!"}, fixtures / "callback.mock.json"
    )
    assert_succeeded(
        execution, output={"Reply": "Thanks!", "Approval": {"Approved": True, "By": "moderator"}}
    )


def test_wait_for_task_token_mock_returns_without_a_callback(definition, fixtures) -> None:
    without_token = definition("callback")
    without_token["States"]["AwaitApproval"]["Parameters"]["MessageBody"] = {"Reply.$": "$.Reply"}
    execution = run_test_case(
        without_token, "callback", "Approved", {"Reply": "Ok"}, fixtures / "callback.mock.json"
    )
    assert_succeeded(execution, output={"Reply": "Ok", "Approval": {"Approved": True, "By": "moderator"}})


def test_concurrent_iterations_each_get_their_own_invocation(definition, fixtures) -> None:
    from workflows.engine import SystemClock
    from workflows.harness import parse_mock_config

    images = definition("images")
    images["States"]["LabelEachImage"]["MaxConcurrency"] = 0  # all iterations at once, in threads
    images["States"]["LabelEachImage"]["Next"] = "Done"
    images["States"]["Done"] = {"Type": "Succeed"}
    del images["States"]["Enrich"]
    responses = {str(index): {"Return": {"Labels": [{"Name": f"L{index}"}]}} for index in range(8)}
    config = parse_mock_config(
        {
            "StateMachines": {"images": {"TestCases": {"Many": {"DetectLabels": "Labels"}}}},
            "MockedResponses": {"Labels": responses},
        }
    )
    items = {"Images": [{"Key": str(index)} for index in range(8)]}
    execution = run_test_case(json.dumps(images), "images", "Many", items, config, clock=SystemClock())
    assert_succeeded(execution)
    labels = sorted(result["Labels"][0] for result in execution.output["Labels"])
    assert labels == sorted(f"L{index}" for index in range(8))  # no invocation index answered twice


def test_mocked_services_record_each_answered_invocation(definition, fixtures) -> None:
    from workflows.engine import execute
    from workflows.harness import MockedServices
    from workflows.harness.mocking import MockedCall

    mocks = load_mock_config(fixtures / "triage.mock.json").mocks("triage", "ThrottledThenNegative")
    services = MockedServices(mocks)
    execution = execute(definition("triage"), {"Text": "bad"}, interceptor=services)
    assert_succeeded(execution)
    throttled = MockedCall(
        "DetectSentiment", 0, "ThrottledTwiceThenNegative", error="Comprehend.ThrottlingException"
    )
    assert services.calls[:2] == [throttled, replace(throttled, invocation=1)]
    assert services.calls[2] == MockedCall(
        "DetectSentiment", 2, "ThrottledTwiceThenNegative", {"Sentiment": "NEGATIVE"}
    )
    assert services.calls[3].state == "Alert"
    assert (
        services.invocations("DetectSentiment"),
        services.invocations("Alert"),
        services.invocations("X"),
    ) == (
        3,
        1,
        0,
    )
