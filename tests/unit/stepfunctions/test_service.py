"""The local Step Functions service starts executions as AWS does and records every one durably."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from integrations.bus import EventBus
from integrations.bus.handlers import engine_handlers
from integrations.errors import ServiceError
from integrations.stepfunctions import StateMachineDefinition, StepFunctionsService
from integrations.stepfunctions.service import ASYNC, SYNC

PASS = {
    "StartAt": "Greet",
    "States": {"Greet": {"Type": "Pass", "Parameters": {"Hello.$": "$.who"}, "End": True}},
}
FAIL = {"StartAt": "Boom", "States": {"Boom": {"Type": "Fail", "Error": "Custom.Error", "Cause": "it broke"}}}


@pytest.fixture
def service(tmp_path: Path) -> StepFunctionsService:
    sfn = StepFunctionsService(path=tmp_path / "executions.sqlite3")
    sfn.create_state_machine(StateMachineDefinition("Express", PASS, "EXPRESS"))
    sfn.create_state_machine(StateMachineDefinition("Standard", PASS, "STANDARD"))
    sfn.create_state_machine(StateMachineDefinition("Broken", FAIL, "EXPRESS"))
    return sfn


def test_sync_express_execution_returns_its_output(service: StepFunctionsService) -> None:
    response = service.start_sync_execution(
        stateMachineArn=service.state_machine_arn("Express"), input='{"who": "x"}'
    )
    assert response["status"] == "SUCCEEDED"
    assert json.loads(response["output"]) == {"Hello": "x"}
    assert ":express:Express:" in response["executionArn"]
    assert response["billingDetails"]["billedDurationInMilliseconds"] % 100 == 0


def test_sync_failure_reports_error_and_cause(service: StepFunctionsService) -> None:
    response = service.start_sync_execution(stateMachineArn=service.state_machine_arn("Broken"))
    assert (response["status"], response["error"], response["cause"]) == (
        "FAILED",
        "Custom.Error",
        "it broke",
    )
    assert "output" not in response


def test_standard_execution_runs_in_the_background_and_is_described(service: StepFunctionsService) -> None:
    arn = service.state_machine_arn("Standard")
    started = service.start_execution(stateMachineArn=arn, input='{"who": "y"}', name="first")
    assert started["executionArn"].endswith(":execution:Standard:first")
    assert service.wait_idle(30)
    described = service.describe_execution(executionArn=started["executionArn"])
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"Hello": "y"}
    history = service.get_execution_history(executionArn=started["executionArn"])["events"]
    assert history and history[0]["type"] == "ExecutionStarted"
    listed = service.list_executions(stateMachineArn=arn)["executions"]
    assert [execution["name"] for execution in listed] == ["first"]


def test_a_closed_standard_execution_name_cannot_be_reused(service: StepFunctionsService) -> None:
    arn = service.state_machine_arn("Standard")
    service.start_execution(stateMachineArn=arn, input="{}", name="once")
    service.wait_idle(30)
    with pytest.raises(ServiceError) as failure:
        service.start_execution(stateMachineArn=arn, input="{}", name="once")
    assert failure.value.code == "ExecutionAlreadyExists"


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (
            {"stateMachineArn": "arn:aws:states:eu-west-2:123456789012:stateMachine:Nope"},
            "StateMachineDoesNotExist",
        ),
        ({"input": "{not json"}, "InvalidExecutionInput"),
        # Python's json reads these; JSON has no such values (RFC 8259 section 6), and AWS's parser
        # refuses them ("InvalidExecutionInput: The provided JSON input data is not valid").
        ({"input": '{"a": NaN}'}, "InvalidExecutionInput"),
        ({"input": "[Infinity, -Infinity]"}, "InvalidExecutionInput"),
        ({"input": json.dumps({"big": "x" * 300_000})}, "InvalidExecutionInput"),
        ({"name": "has space"}, "InvalidName"),
        ({"name": "x" * 81}, "InvalidName"),
    ],
)
def test_bad_starts_fail_with_step_functions_errors(
    service: StepFunctionsService, call: dict, code: str
) -> None:
    arguments = {"stateMachineArn": service.state_machine_arn("Express"), "input": "{}", **call}
    with pytest.raises(ServiceError) as failure:
        service.start_sync_execution(**arguments)
    assert failure.value.code == code


def test_sync_start_of_a_standard_machine_is_refused(service: StepFunctionsService) -> None:
    with pytest.raises(ServiceError) as failure:
        service.start_sync_execution(stateMachineArn=service.state_machine_arn("Standard"))
    assert failure.value.code == "StateMachineTypeNotSupported"


def test_executions_left_running_by_a_crash_run_again_on_recover(tmp_path: Path) -> None:
    path = tmp_path / "executions.sqlite3"
    crashed = StepFunctionsService(path=path)
    crashed.create_state_machine(StateMachineDefinition("Standard", PASS, "STANDARD"))
    # What a crash between the acknowledged start and the end leaves: a RUNNING record.
    row = crashed._record_start(
        crashed._machines[crashed.state_machine_arn("Standard")], "lost", {"who": "z"}, ASYNC
    )
    restarted = StepFunctionsService(path=path)
    restarted.create_state_machine(StateMachineDefinition("Standard", PASS, "STANDARD"))
    assert restarted.recover() == 1
    assert restarted.wait_idle(30)
    described = restarted.describe_execution(executionArn=row["arn"])
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"Hello": "z"}


def test_a_synchronous_execution_caught_by_a_crash_is_left_to_its_caller(tmp_path: Path) -> None:
    # StartSyncExecution answers the caller with the execution's result; a caller that got no answer
    # (the pipe, here) starts the work again itself (Pipes retries a batch whose target failed:
    # "Amazon EventBridge Pipes error handling"). Running it again on recover too would do it twice.
    path = tmp_path / "executions.sqlite3"
    crashed = StepFunctionsService(path=path)
    crashed.create_state_machine(StateMachineDefinition("Express", PASS, "EXPRESS"))
    machine = crashed._machines[crashed.state_machine_arn("Express")]
    waited_for = crashed._record_start(machine, "sync", {"who": "s"}, SYNC)
    fired = crashed._record_start(machine, "async", {"who": "a"}, ASYNC)
    restarted = StepFunctionsService(path=path)
    restarted.create_state_machine(StateMachineDefinition("Express", PASS, "EXPRESS"))
    assert restarted.recover() == 1
    assert restarted.wait_idle(30)
    assert restarted.describe_execution(executionArn=fired["arn"])["status"] == "SUCCEEDED"
    aborted = restarted.describe_execution(executionArn=waited_for["arn"])
    assert aborted["status"] == "ABORTED"
    assert "caller" in aborted["cause"]
    assert "stopDate" in aborted


def test_listeners_hear_every_finished_execution(service: StepFunctionsService) -> None:
    heard: list[str] = []
    service.on_execution_finished(lambda description: heard.append(description["status"]))
    service.start_sync_execution(stateMachineArn=service.state_machine_arn("Express"), input='{"who": 1}')
    service.start_sync_execution(stateMachineArn=service.state_machine_arn("Broken"))
    assert heard == ["SUCCEEDED", "FAILED"]


PUBLISH_THEN_MARK = {
    "StartAt": "Publish",
    "States": {
        "Publish": {
            "Type": "Task",
            "Resource": "arn:aws:states:::events:putEvents",
            "Parameters": {
                "Entries": [{"Source": "BOT", "DetailType": "MESSAGE_ANALYSED", "Detail": {"Id.$": "$.id"}}]
            },
            "ResultSelector": {"EventId.$": "$.Entries[0].EventId"},
            "Next": "Mark",
        },
        "Mark": {
            "Type": "Task",
            "Resource": "arn:aws:states:::dynamodb:updateItem",
            "ResultPath": None,
            "End": True,
        },
    },
}


def test_an_execution_run_again_after_a_crash_does_not_publish_its_events_twice(tmp_path: Path) -> None:
    # Analyse publishes MESSAGE_ANALYSED, then marks its idempotency record. A crash of the local cloud
    # between the two leaves the execution RUNNING; recover() runs it again from its start, and its
    # PutEvents is the same call (the bus keeps the call ids it answered), not a second event.
    bus = EventBus("Plumbing", directory=tmp_path / "bus")
    reached, release = threading.Event(), threading.Event()

    def blocking_mark(arguments: object, invocation: object) -> dict[str, object]:
        reached.set()
        release.wait(30)
        return {}

    def service(mark: Callable[[object, object], dict[str, object]]) -> StepFunctionsService:
        sfn = StepFunctionsService(path=tmp_path / "executions.sqlite3")
        sfn.create_state_machine(StateMachineDefinition("Analyse", PUBLISH_THEN_MARK, "EXPRESS"))
        sfn.set_engine_options(
            handlers={**engine_handlers(bus), "arn:aws:states:::dynamodb:updateItem": mark}
        )
        return sfn

    crashed = service(blocking_mark)
    started = crashed.start_execution(
        stateMachineArn=crashed.state_machine_arn("Analyse"), input='{"id": "1"}'
    )
    assert reached.wait(30)
    crashed.stop(grace_seconds=0)  # what a crash leaves: the execution RUNNING in the store
    release.set()
    crashed.close()
    [first] = bus.journal()

    restarted = service(lambda arguments, invocation: {})
    assert restarted.recover() == 1
    assert restarted.wait_idle(30)
    described = restarted.describe_execution(executionArn=started["executionArn"])
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"EventId": first["id"]}  # the first call's answer
    assert [event["id"] for event in bus.journal()] == [first["id"]]

    # Another execution is other calls: it publishes its own event.
    restarted.start_execution(stateMachineArn=restarted.state_machine_arn("Analyse"), input='{"id": "2"}')
    assert restarted.wait_idle(30)
    assert [event["detail"]["Id"] for event in bus.journal()] == ["1", "2"]
    restarted.close()
    bus.close()
