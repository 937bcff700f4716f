"""StartExecution, StartSyncExecution, DescribeExecution, ListExecutions, StopExecution and
GetExecutionHistory."""

from __future__ import annotations

from typing import Any

from integrations.stepfunctions.api import history_view, names, pages
from integrations.stepfunctions.api.backend import Backend
from integrations.stepfunctions.api.errors import ApiError
from integrations.stepfunctions.api.executions import ExecutionRecord

Request = dict[str, Any]
# Express executions are billed in 100 ms steps and 64 MB of memory at least.
_BILLED_MEMORY_MB = 64


def start_execution(backend: Backend, request: Request, region: str) -> dict[str, Any]:
    record = _start(backend, request, sync=False)
    return {"executionArn": record.arn, "startDate": record.start}


def start_sync_execution(backend: Backend, request: Request, region: str) -> dict[str, Any]:
    machine_arn, _ = names.split_test_case(request["stateMachineArn"])
    names.parse_arn(machine_arn, "stateMachine")
    if backend.machines.get(machine_arn).type != "EXPRESS":
        raise ApiError(
            "StateMachineTypeNotSupported", "This operation is not supported by this type of state machine"
        )
    record = _start(backend, request, sync=True)
    response = record.describe()
    elapsed_ms = int(((record.stop or record.start) - record.start).total_seconds() * 1000)
    response["billingDetails"] = {
        "billedMemoryUsedInMB": _BILLED_MEMORY_MB,
        "billedDurationInMilliseconds": max(100, -(-elapsed_ms // 100) * 100),
    }
    return response


def describe_execution(backend: Backend, request: Request, region: str) -> dict[str, Any]:
    return _execution(backend, request["executionArn"]).describe()


def list_executions(backend: Backend, request: Request, region: str) -> dict[str, Any]:
    machine_arn = request.get("stateMachineArn")
    if machine_arn is None:
        raise ApiError("ValidationException", "Must provide a StateMachine ARN or MapRun ARN")
    names.parse_arn(machine_arn, "stateMachine")
    backend.machines.get(machine_arn)
    records = backend.executions.of_machine(machine_arn, request.get("statusFilter"))
    items, token = pages.page(records, request.get("maxResults"), request.get("nextToken"))
    listed: dict[str, Any] = {"executions": [record.summary() for record in items]}
    if token:
        listed["nextToken"] = token
    return listed


def stop_execution(backend: Backend, request: Request, region: str) -> dict[str, Any]:
    record = _execution(backend, request["executionArn"])
    return {"stopDate": backend.executions.stop(record.arn, request.get("error"), request.get("cause"))}


def get_execution_history(backend: Backend, request: Request, region: str) -> dict[str, Any]:
    record = _execution(backend, request["executionArn"])
    events = list(record.history.events)
    if request.get("reverseOrder"):
        events.reverse()
    # Step Functions Local's default page holds the whole history; AWS's holds 100 events.
    default = pages.DEFAULT_PAGE if backend.config.like_aws else None
    items, token = pages.page(events, request.get("maxResults"), request.get("nextToken"), default=default)
    include = request.get("includeExecutionData")
    rendered = history_view.render(
        items,
        aws_form=backend.config.like_aws,
        account=record.arn.split(":")[4],
        include_data=include is None or bool(include),
    )
    response: dict[str, Any] = {"events": rendered}
    if token:
        response["nextToken"] = token
    return response


def _start(backend: Backend, request: Request, *, sync: bool) -> ExecutionRecord:
    machine_arn, test_case = names.split_test_case(request["stateMachineArn"])
    names.parse_arn(machine_arn, "stateMachine")
    machine = backend.machines.get(machine_arn)
    return backend.executions.start(machine, request.get("name"), request.get("input"), test_case, sync=sync)


def _execution(backend: Backend, arn: str) -> ExecutionRecord:
    names.parse_arn(arn, "execution", "express")
    return backend.executions.get(arn)
