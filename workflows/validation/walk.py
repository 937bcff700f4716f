"""The one walker over an ASL definition's nested states: which scopes a state holds, and every state.

A Parallel state holds one scope per entry of Branches; a Map state holds its ItemProcessor (or the older
Iterator). Everything that needs to reach the states inside them (the validator, the engine's checks, the
workflow harness, the diagrams) goes through `nested_scopes` or `walk_states`, so that knowledge is
written once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from workflows.validation import fields as F
from workflows.validation.problem import pointer


@dataclass(frozen=True, slots=True)
class NestedScope:
    """A branch or item processor inside a Parallel or Map state."""

    container: Any  # the object with StartAt and States (not checked to be one)
    at: str  # its JSON pointer relative to the state: "/Branches/0", "/ItemProcessor", "/Iterator"
    kind: str  # how messages name it: "Parallel branch", "Map ItemProcessor", "Map Iterator"
    allowed: frozenset[str]  # the fields it may have
    index: int | None = None  # the branch's position in Branches (Parallel only)


def nested_scopes(state: Mapping[str, Any]) -> list[NestedScope]:
    """The scopes directly inside `state` (none for states other than Parallel and Map)."""
    kind = state.get("Type")
    if kind == "Parallel":
        branches = state.get("Branches")
        if not isinstance(branches, list):
            return []
        return [
            NestedScope(branch, pointer("Branches", index), "Parallel branch", F.BRANCH_FIELDS, index)
            for index, branch in enumerate(branches)
        ]
    if kind == "Map":
        if "ItemProcessor" in state:
            return [
                NestedScope(
                    state["ItemProcessor"], "/ItemProcessor", "Map ItemProcessor", F.ITEM_PROCESSOR_FIELDS
                )
            ]
        if "Iterator" in state:
            return [NestedScope(state["Iterator"], "/Iterator", "Map Iterator", F.BRANCH_FIELDS)]
    return []


@dataclass(frozen=True, slots=True)
class WalkedState:
    name: str
    state: Mapping[str, Any]
    at: str  # JSON pointer from the definition's root, e.g. "/States/Fan/Branches/0/States/Inner"
    path: str  # the state's path as the engine names it in states_visited: "Fan/Inner"


def walk_states(container: Mapping[str, Any], at: str = "", prefix: str = "") -> Iterator[WalkedState]:
    """Every state of a definition (or of one scope), depth first, with the states inside Parallel
    branches and Map processors right after the state holding them. Malformed parts are skipped: the
    validator reports them."""
    states = container.get("States")
    if not isinstance(states, Mapping):
        return
    for name, state in states.items():
        if not isinstance(state, Mapping):
            continue
        where = at + pointer("States", name)
        yield WalkedState(name, state, where, prefix + name)
        for scope in nested_scopes(state):
            if isinstance(scope.container, Mapping):
                yield from walk_states(scope.container, where + scope.at, f"{prefix}{name}/")
