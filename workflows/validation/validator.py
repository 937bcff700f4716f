"""`validate(definition)`: every problem in an ASL definition, each located by state and JSON pointer.

The walk goes scope by scope (the machine, each Parallel branch, each Map item processor): a scope's
states may only transition to states of the same scope, and every state must be reachable from its
StartAt. Each state is checked against its type's fields in its query language.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from workflows.engine import apply_substitutions
from workflows.validation import fields as F
from workflows.validation.expressions import (
    check_jsonata_tree,
    check_path,
    check_path_or_intrinsic,
    check_template,
)
from workflows.validation.problem import Findings, Problem, pointer
from workflows.validation.resources import SUBSTITUTION
from workflows.validation.retry_catch import check_catch, check_retry
from workflows.validation.state_types import (
    Transition,
    check_choice,
    check_map_settings,
    check_task,
    check_wait,
    is_int,
)
from workflows.validation.walk import nested_scopes


def validate(
    definition: Mapping[str, Any] | str, *, substitutions: Mapping[str, str] | None = None
) -> list[Problem]:
    """Check a definition (a dict, or its JSON text); `substitutions` resolves CDK `${Name}` first."""
    findings = Findings()
    if isinstance(definition, str):
        try:
            definition = json.loads(definition)
        except json.JSONDecodeError as exc:
            findings.error(None, "", f"not valid JSON: {exc}")
            return list(findings)
    if not isinstance(definition, Mapping):
        findings.error(
            None, "", f"a state machine definition is a JSON object, got {type(definition).__name__}"
        )
        return list(findings)
    if substitutions is not None:
        text = apply_substitutions(json.dumps(definition), substitutions)
        for name in sorted(set(SUBSTITUTION.findall(text))):
            findings.warning(
                None, "", f"substitution ${{{name}}} has no value; it stays in the definition as written"
            )
        definition = json.loads(text)
    assert isinstance(definition, Mapping)  # it was one before the substitutions, which keep JSON's shape
    _Walker(findings, definition).machine()
    return list(findings)


class _Walker:
    def __init__(self, findings: Findings, definition: Mapping[str, Any]) -> None:
        self.findings = findings
        self.definition = definition
        language = definition.get("QueryLanguage", "JSONPath")
        self.language = language if language in F.QUERY_LANGUAGES else "JSONPath"
        self.names: dict[str, str] = {}  # every state name in the machine -> its pointer

    def machine(self) -> None:
        top = self.definition
        if "QueryLanguage" in top and top["QueryLanguage"] not in F.QUERY_LANGUAGES:
            self.findings.error(
                None,
                "/QueryLanguage",
                f"QueryLanguage must be JSONPath or JSONata, got {top['QueryLanguage']!r}",
            )
        if "TimeoutSeconds" in top and not (is_int(top["TimeoutSeconds"]) and top["TimeoutSeconds"] > 0):
            self.findings.error(None, "/TimeoutSeconds", "TimeoutSeconds must be a positive integer")
        self.scope(top, "", F.TOP_LEVEL_FIELDS, "state machine", outer=frozenset())

    # -- scopes -------------------------------------------------------------------------------------------

    def scope(
        self, container: Any, at: str, allowed: frozenset[str], kind: str, outer: frozenset[str]
    ) -> None:
        if not isinstance(container, Mapping):
            self.findings.error(None, at, f"a {kind} must be an object with StartAt and States")
            return
        for field in sorted(set(container) - allowed):
            self.findings.error(None, at + pointer(field), f"unknown field {field!r} in a {kind}")
        states = container.get("States")
        if not isinstance(states, Mapping) or not states:
            self.findings.error(
                None,
                at + ("/States" if "States" in container else ""),
                f"a {kind} needs a non-empty States object",
            )
            states = {}
        names = frozenset(states)
        start = container.get("StartAt")
        if start is None:
            self.findings.error(None, at, f"a {kind} needs StartAt")
        elif not isinstance(start, str):
            self.findings.error(None, at + "/StartAt", "StartAt must be a state name")
        elif start not in names and states:
            self.findings.error(None, at + "/StartAt", self._missing_target(start, outer))
        transitions: dict[str, list[Transition]] = {}
        for name, state in states.items():
            transitions[name] = self.state(name, state, at + pointer("States", name), names | outer)
        for name, targets in transitions.items():
            for where, target in targets:
                if not isinstance(target, str):
                    self.findings.error(name, where, "must be a state name")
                elif target not in names:
                    self.findings.error(name, where, self._missing_target(target, outer))
        if isinstance(start, str) and start in names:
            self._unreachable(start, transitions, at)

    def nested(
        self,
        container: Any,
        at: str,
        allowed: frozenset[str],
        kind: str,
        outer: frozenset[str],
        *,
        language: str,
    ) -> None:
        """A Parallel branch or Map processor: its states default to the enclosing state's query language
        (as the engine runs them), so a JSONata Parallel or Map holds JSONata states."""
        enclosing, self.language = self.language, language
        try:
            self.scope(container, at, allowed, kind, outer)
        finally:
            self.language = enclosing

    @staticmethod
    def _missing_target(target: Any, outer: frozenset[str]) -> str:
        if isinstance(target, str) and target in outer:
            return f"{target!r} is outside this branch: a state cannot leave its Parallel branch or Map"
        return f"no state named {target!r} in this scope"

    def _unreachable(self, start: str, transitions: Mapping[str, list[Transition]], at: str) -> None:
        reached, pending = {start}, [start]
        while pending:
            for _, target in transitions.get(pending.pop(), []):
                if isinstance(target, str) and target in transitions and target not in reached:
                    reached.add(target)
                    pending.append(target)
        for name in transitions:
            if name not in reached:
                self.findings.error(
                    name, at + pointer("States", name), f"state {name!r} is unreachable from StartAt"
                )

    # -- states -------------------------------------------------------------------------------------------

    def state(self, name: str, state: Any, at: str, visible: frozenset[str]) -> list[Transition]:
        """Checks one state and returns its transitions (Next, Default, choice and catcher targets)."""
        self._name(name, at)
        if not isinstance(state, Mapping):
            self.findings.error(name, at, "a state must be an object")
            return []
        kind = state.get("Type")
        if not isinstance(kind, str) or kind not in F.STATE_FIELDS:
            message = "a state needs a Type" if kind is None else f"unknown Type {kind!r}"
            where = at + ("/Type" if kind is not None else "")
            self.findings.error(name, where, f"{message}; one of {', '.join(F.STATE_FIELDS)}")
            return []
        language = self._language(name, state, at)
        self._fields(name, state, at, kind, language)
        transitions = self._flow(name, state, at, kind)
        if language == "JSONPath":
            self._jsonpath_expressions(name, state, at)
        else:
            for field in F.JSONATA_FIELDS:
                if field in state:
                    check_jsonata_tree(self.findings, name, at + pointer(field), state[field])
        if "Retry" in state:
            check_retry(self.findings, name, at + "/Retry", state["Retry"])
        if "Catch" in state:
            transitions += check_catch(self.findings, name, at + "/Catch", state["Catch"], language)
        return transitions + self._type_checks(name, state, at, kind, language=language, visible=visible)

    def _name(self, name: str, at: str) -> None:
        if len(name) > F.MAX_STATE_NAME_LENGTH:
            self.findings.error(name, at, f"state names are at most {F.MAX_STATE_NAME_LENGTH} characters")
        if name in self.names:
            message = (
                f"state name {name!r} is already used at {self.names[name]}; names are unique per machine"
            )
            self.findings.error(name, at, message)
        else:
            self.names[name] = at

    def _type_checks(
        self,
        name: str,
        state: Mapping[str, Any],
        at: str,
        kind: str,
        *,
        language: str,
        visible: frozenset[str],
    ) -> list[Transition]:
        if kind == "Task":
            check_task(self.findings, name, state, at, language)
        elif kind == "Wait":
            check_wait(self.findings, name, state, at, language)
        elif kind == "Choice":
            return check_choice(self.findings, name, state, at, language)
        elif kind == "Parallel":
            self._parallel(name, state, at, language, visible)
        elif kind == "Map":
            self._map(name, state, at, language, visible)
        return []

    def _language(self, name: str, state: Mapping[str, Any], at: str) -> str:
        language = state.get("QueryLanguage", self.language)
        if language not in F.QUERY_LANGUAGES:
            self.findings.error(
                name, at + "/QueryLanguage", f"QueryLanguage must be JSONPath or JSONata, got {language!r}"
            )
            return self.language
        if language == "JSONPath" and self.language == "JSONata":
            self.findings.error(
                name,
                at + "/QueryLanguage",
                "a state cannot use JSONPath inside a JSONata state machine, Parallel or Map "
                "(only JSONPath ones may opt single states into JSONata)",
            )
        return language

    def _fields(self, name: str, state: Mapping[str, Any], at: str, kind: str, language: str) -> None:
        allowed = F.COMMON_FIELDS | F.STATE_FIELDS[kind]
        for field in state:
            where = at + pointer(field)
            if field in ("Next", "End") and kind in F.NO_TRANSITION_TYPES:
                why = (
                    "is terminal"
                    if kind in F.TERMINAL_TYPES
                    else "transitions through its Choices and Default"
                )
                self.findings.error(name, where, f"a {kind} state {why}: it takes no {field}")
            elif field not in allowed:
                self.findings.error(name, where, f"unknown field {field!r} for a {kind} state")
            elif language == "JSONata" and field in F.JSONPATH_ONLY:
                self.findings.error(
                    name, where, f"{field} is JSONPath-only; in a JSONata state {F.JSONPATH_ONLY[field]}"
                )
            elif language == "JSONPath" and field in F.JSONATA_ONLY:
                self.findings.error(
                    name,
                    where,
                    f'{field} is JSONata-only; set "QueryLanguage": "JSONata" or {F.JSONATA_ONLY[field]}',
                )
        for first, second in F.MUTUALLY_EXCLUSIVE:
            if first in state and second in state:
                self.findings.error(name, at + pointer(second), f"{first} and {second} cannot both be set")

    def _flow(self, name: str, state: Mapping[str, Any], at: str, kind: str) -> list[Transition]:
        if kind in F.NO_TRANSITION_TYPES:
            return []
        if "Next" not in state and "End" not in state:
            self.findings.error(name, at, f'a {kind} state needs Next or "End": true')
        if "End" in state and state["End"] is not True:
            self.findings.error(name, at + "/End", "End must be true (omit it and give Next instead)")
        if "Next" in state:
            return [(at + "/Next", state["Next"])]
        return []

    def _jsonpath_expressions(self, name: str, state: Mapping[str, Any], at: str) -> None:
        for field, nullable in F.PATH_FIELDS.items():
            if field in state:
                check_path(
                    self.findings,
                    name,
                    at + pointer(field),
                    state[field],
                    nullable=nullable,
                    reference=field == "ResultPath",
                )
        for field in F.PATH_OR_INTRINSIC_FIELDS:
            if field in state:
                check_path_or_intrinsic(self.findings, name, at + pointer(field), state[field])
        for field in F.TEMPLATE_FIELDS:
            if field in state:
                check_template(self.findings, name, at + pointer(field), state[field])

    # -- Parallel and Map: their scopes ------------------------------------------------------------

    def _parallel(
        self, name: str, state: Mapping[str, Any], at: str, language: str, visible: frozenset[str]
    ) -> None:
        branches = state.get("Branches")
        if not isinstance(branches, list) or not branches:
            self.findings.error(
                name,
                at + ("/Branches" if "Branches" in state else ""),
                "a Parallel state needs a non-empty Branches array",
            )
            return
        self._nested_scopes(state, at, language, visible)

    def _map(
        self, name: str, state: Mapping[str, Any], at: str, language: str, visible: frozenset[str]
    ) -> None:
        if not self._nested_scopes(state, at, language, visible):
            self.findings.error(name, at, "a Map state needs ItemProcessor (or the older Iterator)")
        check_map_settings(self.findings, name, state, at, language)

    def _nested_scopes(
        self, state: Mapping[str, Any], at: str, language: str, visible: frozenset[str]
    ) -> int:
        """Walks the branches or item processor of a Parallel or Map state; returns how many it had."""
        scopes = nested_scopes(state)
        for scope in scopes:
            self.nested(scope.container, at + scope.at, scope.allowed, scope.kind, visible, language=language)
        return len(scopes)
