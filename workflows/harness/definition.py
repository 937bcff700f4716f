"""Reading ASL files and finding their Task states, for the harness and the CLI."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from workflows.harness.files import read_json


class DefinitionFileError(ValueError):
    """A definition file cannot be used; the one-line message says which and why."""


def load_definition(path: str | Path) -> dict[str, Any]:
    """The JSON object in an `.asl.json` file."""
    path = Path(path)
    document = read_json(path, "state machine definition", DefinitionFileError)
    if not isinstance(document, dict):
        raise DefinitionFileError(f"{path}: a state machine definition is a JSON object")
    return document


def iter_states(definition: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every (name, state) of the machine, including those inside Parallel branches and Map processors."""
    states = definition.get("States")
    if not isinstance(states, Mapping):
        return
    for name, state in states.items():
        if not isinstance(state, Mapping):
            continue
        yield name, state
        for branch in state.get("Branches") or []:
            if isinstance(branch, Mapping):
                yield from iter_states(branch)
        for key in ("ItemProcessor", "Iterator"):
            if isinstance(state.get(key), Mapping):
                yield from iter_states(state[key])


def state_types(definition: Mapping[str, Any]) -> dict[str, str]:
    """State name -> Type, across all scopes."""
    return {name: str(state.get("Type")) for name, state in iter_states(definition)}
