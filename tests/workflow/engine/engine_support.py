"""Definition builders shared by the engine tests."""

from __future__ import annotations

from typing import Any


def single(state: dict[str, Any], **top: Any) -> dict[str, Any]:
    """A definition with one state named "S" (End is added where the type needs it)."""
    if state["Type"] not in ("Choice", "Succeed", "Fail") and "Next" not in state:
        state = {**state, "End": True}
    return {"StartAt": "S", "States": {"S": state}, **top}


def chain(*states: tuple[str, dict[str, Any]], **top: Any) -> dict[str, Any]:
    """A definition of states in order: each gets Next to the following one, the last End."""
    built: dict[str, Any] = {}
    for index, (name, spec) in enumerate(states):
        state = dict(spec)
        if state["Type"] not in ("Choice", "Succeed", "Fail") and "Next" not in state and "End" not in state:
            if index + 1 < len(states):
                state["Next"] = states[index + 1][0]
            else:
                state["End"] = True
        built[name] = state
    return {"StartAt": states[0][0], "States": built, **top}
