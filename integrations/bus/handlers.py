"""ASL engine handlers for the bus: `arn:aws:states:::events:putEvents` (the optimised integration) and
`arn:aws:states:::aws-sdk:eventbridge:putEvents`.

Step Functions serialises a `Detail` given as a JSON object before calling PutEvents, so workflows may
write `"Detail": {"Text.$": "$.Text"}`. The optimised integration fails the task with
`EventBridge.FailedEntry` when any entry failed (its cause is the PutEvents response); the SDK
integration returns the response as it is, failed entries included. Both pass the task's call id, so
an execution run again after a crash of the local cloud does not publish its events twice.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from integrations.bus.bus import EventBus
from integrations.errors import ServiceError
from integrations.unicode_text import json_text
from workflows.engine import Handler, TaskInvocation


def _entries(arguments: Any) -> list[Any]:
    if not isinstance(arguments, Mapping) or not isinstance(arguments.get("Entries"), list):
        raise ServiceError(
            "events", "ValidationException", "Parameter Entries is required and must be a list."
        )
    return [_serialised(entry) for entry in arguments["Entries"]]


def _serialised(entry: Any) -> Any:
    if isinstance(entry, Mapping) and isinstance(entry.get("Detail"), dict | list):
        # Compact UTF-8 as Step Functions sends it: EventBridge counts the Detail's UTF-8 bytes.
        return {**entry, "Detail": json_text(entry["Detail"])}
    return entry


def engine_handlers(bus: EventBus) -> dict[str, Handler]:
    """Resource ARN → handler, for the engine's `handlers` mapping."""

    def sdk(arguments: Any, invocation: TaskInvocation) -> dict[str, Any]:
        return bus.put_events(Entries=_entries(arguments), call_id=invocation.call_id)

    def optimised(arguments: Any, invocation: TaskInvocation) -> dict[str, Any]:
        response = sdk(arguments, invocation)
        if response["FailedEntryCount"]:
            raise ServiceError("events", "FailedEntry", json.dumps(response, separators=(",", ":")))
        return response

    return {
        "arn:aws:states:::events:putEvents": optimised,
        "arn:aws:states:::aws-sdk:eventbridge:putEvents": sdk,
    }
