"""CreateStateMachine, UpdateStateMachine, DescribeStateMachine, ListStateMachines, DeleteStateMachine,
ValidateStateMachineDefinition and DescribeStateMachineForExecution."""

from __future__ import annotations

from typing import Any

from integrations.stepfunctions.api import names, pages
from integrations.stepfunctions.api.backend import Backend
from integrations.stepfunctions.api.errors import ApiError
from integrations.stepfunctions.api.machines import (
    DEFAULT_LOGGING,
    DEFAULT_TRACING,
    StateMachine,
    check_definition,
    definition_problems,
    now,
)
from integrations.stepfunctions.api.tag_operations import add_tags

Request = dict[str, Any]


def create_state_machine(backend: Backend, request: Request, region: str) -> dict[str, Any]:
    name = names.check_name(request["name"])
    machine_type = request.get("type") or "STANDARD"
    names.check_role_arn(request["roleArn"])
    check_definition(request["definition"], machine_type)
    machine, _ = backend.machines.create(
        StateMachine(
            arn=names.machine_arn(region, backend.config.account, name),
            name=name,
            definition=request["definition"],
            role_arn=request["roleArn"],
            type=machine_type,
            created=now(),
            logging=request.get("loggingConfiguration") or dict(DEFAULT_LOGGING),
            tracing=request.get("tracingConfiguration") or dict(DEFAULT_TRACING),
        )
    )
    add_tags(backend, machine.arn, request.get("tags") or [])
    return {"stateMachineArn": machine.arn, "creationDate": machine.created}


def describe_state_machine(backend: Backend, request: Request, region: str) -> dict[str, Any]:
    return _machine(backend, request["stateMachineArn"]).describe()


def update_state_machine(backend: Backend, request: Request, region: str) -> dict[str, Any]:
    machine = _machine(backend, request["stateMachineArn"])
    changes: dict[str, Any] = {}
    if request.get("definition") is not None:
        check_definition(request["definition"], machine.type)
        changes["definition"] = request["definition"]
    if request.get("roleArn") is not None:
        names.check_role_arn(request["roleArn"])
        changes["role_arn"] = request["roleArn"]
    for key, field_name in (("loggingConfiguration", "logging"), ("tracingConfiguration", "tracing")):
        if request.get(key) is not None:
            changes[field_name] = request[key]
    if not changes:
        raise ApiError(
            "MissingRequiredParameter",
            "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration "
            "must be specified",
        )
    updated = backend.machines.update(machine.arn, **changes)
    return {"updateDate": now(), "revisionId": updated.revision_id}


def list_state_machines(backend: Backend, request: Request, region: str) -> dict[str, Any]:
    items, token = pages.page(backend.machines.all(), request.get("maxResults"), request.get("nextToken"))
    listed: dict[str, Any] = {
        "stateMachines": [
            {"stateMachineArn": m.arn, "name": m.name, "type": m.type, "creationDate": m.created}
            for m in items
        ]
    }
    if token:
        listed["nextToken"] = token
    return listed


def delete_state_machine(backend: Backend, request: Request, region: str) -> dict[str, Any]:
    arn = request["stateMachineArn"]
    names.parse_arn(arn, "stateMachine")
    backend.machines.delete(arn)  # deleting a machine that is not there succeeds, as on AWS
    return {}


def validate_state_machine_definition(backend: Backend, request: Request, region: str) -> dict[str, Any]:
    problems = definition_problems(request["definition"], request.get("type") or "STANDARD")
    limit = request.get("maxResults") or 100
    diagnostics = [
        {"severity": "ERROR", "code": "SCHEMA_VALIDATION_FAILED", "message": message, "location": location}
        for location, message in problems
    ]
    return {
        "result": "FAIL" if diagnostics else "OK",
        "diagnostics": diagnostics[:limit],
        "truncated": len(diagnostics) > limit,
    }


def describe_state_machine_for_execution(backend: Backend, request: Request, region: str) -> dict[str, Any]:
    arn = request["executionArn"]
    names.parse_arn(arn, "execution", "express")
    record = backend.executions.get(arn)
    machine = record.machine
    return {
        "stateMachineArn": machine.arn,
        "name": machine.name,
        "definition": machine.definition,
        "roleArn": machine.role_arn,
        "updateDate": machine.created,
        "loggingConfiguration": machine.logging,
        "tracingConfiguration": machine.tracing,
        "revisionId": machine.revision_id,
    }


def _machine(backend: Backend, arn: str) -> StateMachine:
    names.parse_arn(arn, "stateMachine")
    return backend.machines.get(arn)
