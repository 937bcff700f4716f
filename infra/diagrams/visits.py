"""What each state of one execution received and returned, read from its GetExecutionHistory events.

`*StateEntered` events carry a state's input, `*StateExited` its output; a `*Failed` event in between
(a Task's, a Map's, …) carries the error and cause. A state run several times (in a Map, or retried
through a Catch loop) has one visit per entry, in history order.
"""

from __future__ import annotations

import json
from typing import Any


def state_visits(history: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """State name -> its visits: `{"input": …, "output": …}` and `error`/`cause` when it failed."""
    visits: dict[str, list[dict[str, Any]]] = {}
    open_visits: list[dict[str, Any]] = []  # entered and not yet exited, oldest first
    for event in history:
        entered = event.get("stateEnteredEventDetails")
        exited = event.get("stateExitedEventDetails")
        if entered:
            visit: dict[str, Any] = {"input": _document(entered.get("input"))}
            visits.setdefault(entered["name"], []).append(visit)
            open_visits.append({"name": entered["name"], "visit": visit})
        elif exited:
            for pending in open_visits:
                if pending["name"] == exited["name"]:
                    pending["visit"]["output"] = _document(exited.get("output"))
                    open_visits.remove(pending)
                    break
        elif str(event.get("type", "")).endswith("Failed") and open_visits:
            details = _failure(event)
            if details:
                # The innermost running state is the one that failed (history is written in order).
                open_visits[-1]["visit"].setdefault("error", details.get("error"))
                open_visits[-1]["visit"].setdefault("cause", details.get("cause"))
    return visits


def _failure(event: dict[str, Any]) -> dict[str, Any] | None:
    for key, value in event.items():
        if key.endswith("FailedEventDetails") and isinstance(value, dict):
            return value
    return None


def _document(text: Any) -> Any:
    """History holds inputs and outputs as JSON text; the page shows them as JSON again."""
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text
