"""TestState: one state run on its own, as AWS's TestState API runs it (the "Testing states" guide).

The state runs in a small machine of its own: a Pass state first that assigns the request's `variables`,
then the state, then a Succeed state for each state it may go to, so the engine does everything a real
execution would (Parameters, ResultSelector, ResultPath, Catch, JSONata, Assign) and the placeholder
that was entered is `nextState`. A Task answers from `mock` when given, else calls the real service. As
AWS does, Retry is not carried out: a failure a retrier would retry ends the test with status RETRIABLE.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from integrations.stepfunctions.api.backend import Backend
from integrations.stepfunctions.api.errors import ApiError, invalid_definition
from workflows.engine import DefinitionError, ManualClock, TaskFailure, TaskInvocation, execute
from workflows.validation.walk import walk_states

Request = dict[str, Any]
_VARIABLES_STATE = "TestState.Variables"
_TESTED = "TestState.State"


class _RetryWanted(BaseException):
    """A retrier took the first failure: AWS reports RETRIABLE instead of retrying."""


def test_state(backend: Backend, request: Request, region: str) -> dict[str, Any]:
    state, language, name = _state(request)
    machine = _machine(state, language, name, _json(request.get("variables"), "variables", {}))
    failures: list[TaskFailure] = []
    mock = request.get("mock")

    def interceptor(invocation: TaskInvocation) -> Any:
        if invocation.attempt > 0:
            raise _RetryWanted
        try:
            if mock is not None:
                if "errorOutput" in mock:
                    error = mock["errorOutput"]
                    raise TaskFailure(str(error.get("error", "")), str(error.get("cause", "")))
                return _json(mock.get("result"), "mock.result", None)
            return backend.executions.services({}, threading.Event())(invocation.arguments, invocation)
        except TaskFailure as failure:
            failures.append(failure)
            raise

    try:
        execution = execute(
            machine,
            _json(request.get("input"), "input", {}),
            interceptor=interceptor,
            clock=ManualClock(),
            name="TestState",
        )
    except _RetryWanted:
        return {"status": "RETRIABLE", "error": failures[-1].error, "cause": failures[-1].cause or ""}
    except DefinitionError as error:
        raise invalid_definition(f"SCHEMA_VALIDATION_FAILED: {error}") from None
    return _result(execution, name, request.get("inspectionLevel") or "INFO")


def _result(execution: Any, name: str, level: str) -> dict[str, Any]:
    events = execution.history
    entered = [e["stateEnteredEventDetails"]["name"] for e in events if e["type"].endswith("StateEntered")]
    position = entered.index(name) if name in entered else len(entered)
    following = entered[position + 1] if position + 1 < len(entered) else None
    # Retries are cut short (RETRIABLE), so a failure recorded in a run that succeeded was caught.
    failures = [
        _details(e) for e in events if e["type"].endswith(("Failed", "TimedOut")) and "error" in _details(e)
    ]
    response: dict[str, Any] = {}
    if execution.status != "SUCCEEDED":
        response.update(status="FAILED", error=execution.error or "", cause=execution.cause or "")
    elif failures:
        error = failures[-1]
        response.update(status="CAUGHT_ERROR", output=execution.output_json, error=error["error"])
        response["cause"] = error.get("cause", "")
    else:
        response.update(status="SUCCEEDED", output=execution.output_json)
    if following is not None and execution.status == "SUCCEEDED":
        response["nextState"] = following
    if level in ("DEBUG", "TRACE"):
        response["inspectionData"] = _inspection(events, name, execution)
    return response


def _inspection(events: list[dict[str, Any]], name: str, execution: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for event in events:
        details = _details(event)
        if event["type"].endswith("StateEntered") and details.get("name") == name:
            data["input"] = details["input"]
        elif event["type"] == "TaskScheduled":
            data["afterParameters"] = details["parameters"]
        elif event["type"] == "TaskSucceeded":
            data["result"] = details["output"]
    data["variables"] = json.dumps(execution.variables, separators=(",", ":"))
    return data


def _details(event: dict[str, Any]) -> dict[str, Any]:
    return next((value for key, value in event.items() if key.endswith("EventDetails")), {}) or {}


def _state(request: Request) -> tuple[dict[str, Any], str, str]:
    document = _json(request["definition"], "definition", None)
    if not isinstance(document, dict):
        raise invalid_definition("SCHEMA_VALIDATION_FAILED: the definition must be a JSON object")
    state_name = request.get("stateName")
    if state_name is None:
        return document, document.get("QueryLanguage", "JSONPath"), _TESTED
    found = {walked.name: walked.state for walked in walk_states(document)}.get(state_name)
    if found is None:
        raise ApiError("ValidationException", f"State '{state_name}' is not in the state machine definition")
    language = found.get("QueryLanguage", document.get("QueryLanguage", "JSONPath"))
    return dict(found), language, state_name


def _machine(state: dict[str, Any], language: str, name: str, variables: Any) -> dict[str, Any]:
    targets = [state.get("Next"), state.get("Default")]
    targets += [rule.get("Next") for rule in state.get("Choices", []) if isinstance(rule, dict)]
    targets += [rule.get("Next") for rule in state.get("Catch", []) if isinstance(rule, dict)]
    states: dict[str, Any] = {name: state}
    for target in targets:
        if isinstance(target, str) and target != name:
            states[target] = {"Type": "Succeed"}
    start = name
    if variables:
        if not isinstance(variables, dict):
            raise ApiError("ValidationException", "variables must be a JSON object")
        states[_VARIABLES_STATE] = {"Type": "Pass", "Assign": variables, "Next": name}
        start = _VARIABLES_STATE
    return {"QueryLanguage": language, "StartAt": start, "States": states}


def _json(text: Any, field: str, default: Any) -> Any:
    if text is None:
        return default
    try:
        return json.loads(text)
    except (TypeError, ValueError) as error:
        raise ApiError("ValidationException", f"{field} is not valid JSON: {error}") from None
