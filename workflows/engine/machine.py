"""Compiling a definition: a `Branch` (StartAt + States) of compiled states, for the state machine itself,
each Parallel branch and each Map ItemProcessor."""

from __future__ import annotations

from typing import Any

from workflows.engine.errors import DefinitionError
from workflows.engine.history import to_json
from workflows.engine.scope import Scope
from workflows.engine.states.base import JSONPATH, State
from workflows.engine.states.choice import ChoiceState
from workflows.engine.states.fail import FailState
from workflows.engine.states.map import MapState
from workflows.engine.states.parallel import ParallelState
from workflows.engine.states.pass_ import PassState
from workflows.engine.states.succeed import SucceedState
from workflows.engine.states.task import TaskState
from workflows.engine.states.wait import WaitState

STATE_TYPES: dict[str, type[State]] = {
    "Pass": PassState,
    "Task": TaskState,
    "Choice": ChoiceState,
    "Wait": WaitState,
    "Succeed": SucceedState,
    "Fail": FailState,
    "Parallel": ParallelState,
    "Map": MapState,
}


class Branch:
    """A compiled set of states with a start; `run` executes it in a scope and returns its output."""

    def __init__(
        self,
        spec: Any,
        query_language: str = JSONPATH,
        where: str = "the state machine",
        *,
        nested: bool = False,
    ) -> None:
        """`query_language` is the state machine's: nested states fall back to it, not to the Parallel's or
        Map's own language (ASL calls the two independent)."""
        if not isinstance(spec, dict):
            raise DefinitionError(f"{where} must be a JSON object with StartAt and States")
        if "QueryLanguage" in spec and nested:
            raise DefinitionError(
                f"{where}: Field 'QueryLanguage' is not supported here; set it on the states inside, or on "
                "the state machine"
            )
        self.spec = spec  # the definition's JSON, for checks that walk it (workflows.validation.walk)
        language = spec.get("QueryLanguage", query_language)
        states = spec.get("States")
        if not isinstance(states, dict) or not states:
            raise DefinitionError(f'{where} needs a non-empty "States" object')
        start = spec.get("StartAt")
        if not isinstance(start, str) or start not in states:
            raise DefinitionError(f"{where}: StartAt {start!r} is not one of its States")
        self.start_at: str = start
        self.timeout_seconds = spec.get("TimeoutSeconds")
        if self.timeout_seconds is not None and (
            type(self.timeout_seconds) is not int or self.timeout_seconds < 1
        ):
            raise DefinitionError(
                f"{where}: TimeoutSeconds must be a positive integer, got {self.timeout_seconds!r}"
            )
        self.states: dict[str, State] = {}
        for name, state_spec in states.items():
            if not isinstance(state_spec, dict) or state_spec.get("Type") not in STATE_TYPES:
                kind = state_spec.get("Type") if isinstance(state_spec, dict) else state_spec
                raise DefinitionError(
                    f"state {name!r}: unknown Type {kind!r}; use one of {', '.join(STATE_TYPES)}"
                )
            self.states[name] = STATE_TYPES[state_spec["Type"]](name, state_spec, language)
        self._check_targets(where)

    def _check_targets(self, where: str) -> None:
        for state in self.states.values():
            targets = [state.next]
            targets += [catcher.next for catcher in getattr(state, "catchers", [])]
            targets += [following for _, following, _ in getattr(state, "rules", [])]
            targets.append(getattr(state, "default", None))
            for target in targets:
                if target is not None and target not in self.states:
                    raise DefinitionError(
                        f"{where}: state {state.name!r} goes to {target!r}, which is not a state here"
                    )

    def run(self, scope: Scope, value: Any) -> Any:
        name: str | None = self.start_at
        states = self.states
        run = scope.run
        value_json = to_json(value)
        while name is not None:
            run.check_deadline(scope.clock.now())
            value, name, value_json = states[name].enter(scope, value, value_json)
        return value
