"""`validate(definition)`: every problem in an ASL definition, each located by state and JSON pointer.

The walk goes scope by scope (the machine, each Parallel branch, each Map item processor): a scope's
states may only transition to states of the same scope, and every state must be reachable from its
StartAt. Each state is checked against its type's fields in its query language.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from workflows.engine import apply_substitutions
from workflows.validation import fields as F
from workflows.validation.choice import check_jsonata_rule, check_jsonpath_rule, is_timestamp
from workflows.validation.expressions import (
    check_jsonata_tree,
    check_path,
    check_path_or_intrinsic,
    check_template,
    is_jsonata,
)
from workflows.validation.problem import Findings, Problem, pointer
from workflows.validation.resources import SUBSTITUTION, check_resource
from workflows.validation.retry_catch import check_catch, check_retry

Transition = tuple[str, Any]  # (pointer of the field naming the target, the target)


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
    _Walker(findings, definition).machine()
    return list(findings)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


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
        if "TimeoutSeconds" in top and not (_is_int(top["TimeoutSeconds"]) and top["TimeoutSeconds"] > 0):
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
        findings = self.findings
        if len(name) > F.MAX_STATE_NAME_LENGTH:
            findings.error(name, at, f"state names are at most {F.MAX_STATE_NAME_LENGTH} characters")
        if name in self.names:
            findings.error(
                name,
                at,
                f"state name {name!r} is already used at {self.names[name]}; names are unique per machine",
            )
        else:
            self.names[name] = at
        if not isinstance(state, Mapping):
            findings.error(name, at, "a state must be an object")
            return []
        kind = state.get("Type")
        if not isinstance(kind, str) or kind not in F.STATE_FIELDS:
            message = "a state needs a Type" if kind is None else f"unknown Type {kind!r}"
            findings.error(
                name,
                at + ("/Type" if kind is not None else ""),
                f"{message}; one of {', '.join(F.STATE_FIELDS)}",
            )
            return []
        language = self._language(name, state, at)
        self._fields(name, state, at, kind, language)
        transitions = self._flow(name, state, at, kind)
        if language == "JSONPath":
            self._jsonpath_expressions(name, state, at)
        else:
            for field in F.JSONATA_FIELDS:
                if field in state:
                    check_jsonata_tree(findings, name, at + pointer(field), state[field])
        if "Retry" in state:
            check_retry(findings, name, at + "/Retry", state["Retry"])
        if "Catch" in state:
            transitions += check_catch(findings, name, at + "/Catch", state["Catch"], language)
        type_check = {
            "Task": self._task,
            "Wait": self._wait,
            "Choice": self._choice,
            "Parallel": self._parallel,
            "Map": self._map,
        }.get(kind)
        if type_check is not None:
            transitions += type_check(name, state, at, language, visible) or []
        return transitions

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

    def _jsonata_or(
        self, name: str, at: str, value: Any, language: str, *, valid: bool, expected: str
    ) -> None:
        """A numeric or timestamp field: a literal, or in a JSONata state also a {% %} expression."""
        if language == "JSONata" and isinstance(value, str) and is_jsonata(value):
            return  # parsed by check_jsonata_tree already
        if not valid:
            self.findings.error(name, at, f"must be {expected}, got {value!r}")

    # -- per type -------------------------------------------------------------------------

    def _task(
        self, name: str, state: Mapping[str, Any], at: str, language: str, visible: frozenset[str]
    ) -> None:
        if "Resource" not in state:
            self.findings.error(name, at, "a Task state needs Resource")
        else:
            check_resource(self.findings, name, at + "/Resource", state["Resource"])
        for field in ("TimeoutSeconds", "HeartbeatSeconds"):
            if field in state:
                value = state[field]
                self._jsonata_or(
                    name,
                    at + pointer(field),
                    value,
                    language,
                    valid=_is_int(value) and value > 0,
                    expected="a positive integer",
                )
        timeout, heartbeat = state.get("TimeoutSeconds"), state.get("HeartbeatSeconds")
        if _is_int(timeout) and _is_int(heartbeat) and heartbeat >= timeout:
            self.findings.error(
                name, at + "/HeartbeatSeconds", "HeartbeatSeconds must be smaller than TimeoutSeconds"
            )

    def _wait(
        self, name: str, state: Mapping[str, Any], at: str, language: str, visible: frozenset[str]
    ) -> None:
        given = [
            field for field in ("Seconds", "SecondsPath", "Timestamp", "TimestampPath") if field in state
        ]
        if len(given) != 1:
            self.findings.error(
                name,
                at,
                "a Wait state needs exactly one of Seconds, SecondsPath, Timestamp, TimestampPath "
                f"(found {len(given)})",
            )
        if "Seconds" in state:
            seconds = state["Seconds"]
            self._jsonata_or(
                name,
                at + "/Seconds",
                seconds,
                language,
                valid=_is_int(seconds) and seconds >= 0,
                expected="a non-negative integer",
            )
        if "Timestamp" in state:
            stamp = state["Timestamp"]
            self._jsonata_or(
                name,
                at + "/Timestamp",
                stamp,
                language,
                valid=is_timestamp(stamp),
                expected="an RFC 3339 timestamp",
            )

    def _choice(
        self, name: str, state: Mapping[str, Any], at: str, language: str, visible: frozenset[str]
    ) -> list[Transition]:
        transitions: list[Transition] = []
        rules = state.get("Choices")
        if not isinstance(rules, list) or not rules:
            self.findings.error(
                name,
                at + ("/Choices" if "Choices" in state else ""),
                "a Choice state needs a non-empty Choices array",
            )
            rules = []
        for index, rule in enumerate(rules):
            where = at + pointer("Choices", index)
            if language == "JSONata":
                check_jsonata_rule(self.findings, name, where, rule)
            else:
                check_jsonpath_rule(self.findings, name, where, rule, top_level=True)
            if isinstance(rule, Mapping) and "Next" in rule:
                transitions.append((where + "/Next", rule["Next"]))
        if "Default" in state:
            transitions.append((at + "/Default", state["Default"]))
        else:
            self.findings.warning(
                name, at, "no Default: when no rule matches, the execution fails with States.NoChoiceMatched"
            )
        return transitions

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
        for index, branch in enumerate(branches):
            self.nested(
                branch,
                at + pointer("Branches", index),
                F.BRANCH_FIELDS,
                "Parallel branch",
                visible,
                language=language,
            )

    def _map(
        self, name: str, state: Mapping[str, Any], at: str, language: str, visible: frozenset[str]
    ) -> None:
        if "ItemProcessor" in state:
            processor = state["ItemProcessor"]
            self.nested(
                processor,
                at + "/ItemProcessor",
                F.ITEM_PROCESSOR_FIELDS,
                "Map ItemProcessor",
                visible,
                language=language,
            )
        elif "Iterator" in state:
            processor = {}
            self.nested(
                state["Iterator"],
                at + "/Iterator",
                F.BRANCH_FIELDS,
                "Map Iterator",
                visible,
                language=language,
            )
        else:
            self.findings.error(name, at, "a Map state needs ItemProcessor (or the older Iterator)")
            processor = {}
        mode = self._processor_config(name, processor, at + "/ItemProcessor/ProcessorConfig")
        if mode == "INLINE":
            for field in F.DISTRIBUTED_ONLY:
                if field in state:
                    self.findings.error(
                        name,
                        at + pointer(field),
                        f"{field} needs a Distributed Map (ProcessorConfig Mode DISTRIBUTED)",
                    )
        for field, low, high in (
            ("MaxConcurrency", 0, None),
            ("ToleratedFailureCount", 0, None),
            ("ToleratedFailurePercentage", 0, 100),
        ):
            if field in state:
                value = state[field]
                number = isinstance(value, int | float) and not isinstance(value, bool)
                valid = number and value >= low and (high is None or value <= high)
                bounds = f"from {low} to {high}" if high is not None else f"≥ {low}"
                self._jsonata_or(
                    name, at + pointer(field), value, language, valid=valid, expected=f"a number {bounds}"
                )

    def _processor_config(self, name: str, processor: Any, at: str) -> str:
        config = processor.get("ProcessorConfig", {}) if isinstance(processor, Mapping) else {}
        if not isinstance(config, Mapping):
            self.findings.error(name, at, "ProcessorConfig must be an object")
            return "INLINE"
        for field in sorted(set(config) - {"Mode", "ExecutionType"}):
            self.findings.error(name, at + pointer(field), f"unknown field {field!r} in ProcessorConfig")
        mode = config.get("Mode", "INLINE")
        if mode not in ("INLINE", "DISTRIBUTED"):
            self.findings.error(name, at + "/Mode", f"Mode must be INLINE or DISTRIBUTED, got {mode!r}")
            return "INLINE"
        execution_type = config.get("ExecutionType")
        if mode == "DISTRIBUTED" and execution_type not in ("STANDARD", "EXPRESS"):
            self.findings.error(
                name, at + "/ExecutionType", "a Distributed Map needs ExecutionType STANDARD or EXPRESS"
            )
        if mode == "INLINE" and execution_type is not None:
            self.findings.error(
                name, at + "/ExecutionType", "ExecutionType applies to a Distributed Map only"
            )
        return str(mode)


def errors(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that make the definition invalid (warnings left out)."""
    return [problem for problem in problems if problem.is_error]
