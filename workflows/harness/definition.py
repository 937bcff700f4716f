"""Reading ASL files and finding their Task states, for the harness and the CLI."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from workflows.harness.files import read_json
from workflows.validation.walk import walk_states


class DefinitionFileError(ValueError):
    """A definition file cannot be used; the one-line message says which and why."""


def load_definition(path: str | Path) -> dict[str, Any]:
    """The JSON object in an `.asl.json` file."""
    path = Path(path)
    document = read_json(path, "state machine definition", DefinitionFileError)
    if not isinstance(document, dict):
        raise DefinitionFileError(f"{path}: a state machine definition is a JSON object")
    return document


def state_types(definition: Mapping[str, Any]) -> dict[str, str]:
    """State name -> Type, across all scopes."""
    return {walked.name: str(walked.state.get("Type")) for walked in walk_states(definition)}
