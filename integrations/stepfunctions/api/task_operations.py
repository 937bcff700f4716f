"""SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat: the callbacks of `.waitForTaskToken` tasks."""

from __future__ import annotations

import json
from typing import Any

from integrations.stepfunctions.api.backend import Backend
from integrations.stepfunctions.api.errors import ApiError

Request = dict[str, Any]


def send_task_success(backend: Backend, request: Request, region: str) -> dict[str, Any]:
    try:
        output = json.loads(request["output"])
    except ValueError as error:
        raise ApiError("InvalidOutput", f"Invalid Output: '{error}'") from None
    backend.tokens.succeed(request["taskToken"], output)
    return {}


def send_task_failure(backend: Backend, request: Request, region: str) -> dict[str, Any]:
    backend.tokens.fail(request["taskToken"], request.get("error") or "", request.get("cause") or "")
    return {}


def send_task_heartbeat(backend: Backend, request: Request, region: str) -> dict[str, Any]:
    backend.tokens.heartbeat(request["taskToken"])
    return {}
