"""The checks particular to one state type (Task, Wait, Choice, Map settings) that need no recursion.

The walker in `validator` calls them after the checks every state shares, and handles the scopes inside
Parallel and Map states itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflows.validation import fields as F
from workflows.validation.choice import check_jsonata_rule, check_jsonpath_rule, is_timestamp
from workflows.validation.expressions import is_jsonata
from workflows.validation.problem import Findings, pointer
from workflows.validation.resources import check_resource

Transition = tuple[str, Any]  # (pointer of the field naming the target, the target)
MAP_NUMBERS = (
    ("MaxConcurrency", 0, None),
    ("ToleratedFailureCount", 0, None),
    ("ToleratedFailurePercentage", 0, 100),
)


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _literal_or_jsonata(
    findings: Findings, name: str, at: str, value: Any, language: str, *, valid: bool, expected: str
) -> None:
    """A numeric or timestamp field: a valid literal, or in a JSONata state also a {% %} expression
    (whose syntax check_jsonata_tree has already checked)."""
    if language == "JSONata" and isinstance(value, str) and is_jsonata(value):
        return
    if not valid:
        findings.error(name, at, f"must be {expected}, got {value!r}")


def check_task(findings: Findings, name: str, state: Mapping[str, Any], at: str, language: str) -> None:
    if "Resource" not in state:
        findings.error(name, at, "a Task state needs Resource")
    else:
        check_resource(findings, name, at + "/Resource", state["Resource"])
    for field in ("TimeoutSeconds", "HeartbeatSeconds"):
        if field in state:
            value = state[field]
            valid = is_int(value) and value > 0
            _literal_or_jsonata(
                findings,
                name,
                at + pointer(field),
                value,
                language,
                valid=valid,
                expected="a positive integer",
            )
    timeout, heartbeat = state.get("TimeoutSeconds"), state.get("HeartbeatSeconds")
    if is_int(timeout) and is_int(heartbeat) and int(heartbeat or 0) >= int(timeout or 0):
        findings.error(name, at + "/HeartbeatSeconds", "HeartbeatSeconds must be smaller than TimeoutSeconds")


def check_wait(findings: Findings, name: str, state: Mapping[str, Any], at: str, language: str) -> None:
    given = [field for field in F.WAIT_FIELDS if field in state]
    if len(given) != 1:
        findings.error(
            name, at, f"a Wait state needs exactly one of {', '.join(F.WAIT_FIELDS)} (found {len(given)})"
        )
    if "Seconds" in state:
        seconds = state["Seconds"]
        valid = is_int(seconds) and seconds >= 0
        _literal_or_jsonata(
            findings, name, at + "/Seconds", seconds, language, valid=valid, expected="a non-negative integer"
        )
    if "Timestamp" in state:
        stamp = state["Timestamp"]
        _literal_or_jsonata(
            findings,
            name,
            at + "/Timestamp",
            stamp,
            language,
            valid=is_timestamp(stamp),
            expected="an RFC 3339 timestamp",
        )


def check_choice(
    findings: Findings, name: str, state: Mapping[str, Any], at: str, language: str
) -> list[Transition]:
    """Checks the rules and returns the transitions of the rules and the Default."""
    transitions: list[Transition] = []
    rules = state.get("Choices")
    if not isinstance(rules, list) or not rules:
        where = at + ("/Choices" if "Choices" in state else "")
        findings.error(name, where, "a Choice state needs a non-empty Choices array")
        rules = []
    for index, rule in enumerate(rules):
        where = at + pointer("Choices", index)
        if language == "JSONata":
            check_jsonata_rule(findings, name, where, rule)
        else:
            check_jsonpath_rule(findings, name, where, rule, top_level=True)
        if isinstance(rule, Mapping) and "Next" in rule:
            transitions.append((where + "/Next", rule["Next"]))
    if "Default" in state:
        transitions.append((at + "/Default", state["Default"]))
    else:
        findings.warning(
            name,
            at,
            "no Default: when no rule matches, the execution fails with States.Runtime (the guide says "
            "States.NoChoiceMatched; AWS executions report States.Runtime, and nothing can catch it)",
        )
    return transitions


def check_map_settings(
    findings: Findings, name: str, state: Mapping[str, Any], at: str, language: str
) -> None:
    """ProcessorConfig, the fields only a Distributed Map takes, and the numeric limits."""
    processor = state.get("ItemProcessor")
    mode = _processor_mode(findings, name, processor, at + "/ItemProcessor/ProcessorConfig")
    if mode == "INLINE":
        for field in F.DISTRIBUTED_ONLY:
            if field in state:
                message = f"{field} needs a Distributed Map (ProcessorConfig Mode DISTRIBUTED)"
                findings.error(name, at + pointer(field), message)
    for field, low, high in MAP_NUMBERS:
        if field in state:
            value = state[field]
            number = isinstance(value, int | float) and not isinstance(value, bool)
            valid = number and value >= low and (high is None or value <= high)
            bounds = f"from {low} to {high}" if high is not None else f"≥ {low}"
            _literal_or_jsonata(
                findings,
                name,
                at + pointer(field),
                value,
                language,
                valid=valid,
                expected=f"a number {bounds}",
            )


def _processor_mode(findings: Findings, name: str, processor: Any, at: str) -> str:
    config = processor.get("ProcessorConfig", {}) if isinstance(processor, Mapping) else {}
    if not isinstance(config, Mapping):
        findings.error(name, at, "ProcessorConfig must be an object")
        return "INLINE"
    for field in sorted(set(config) - {"Mode", "ExecutionType"}):
        findings.error(name, at + pointer(field), f"unknown field {field!r} in ProcessorConfig")
    mode = config.get("Mode", "INLINE")
    if mode not in ("INLINE", "DISTRIBUTED"):
        findings.error(name, at + "/Mode", f"Mode must be INLINE or DISTRIBUTED, got {mode!r}")
        return "INLINE"
    execution_type = config.get("ExecutionType")
    if mode == "DISTRIBUTED" and execution_type not in ("STANDARD", "EXPRESS"):
        findings.error(
            name, at + "/ExecutionType", "a Distributed Map needs ExecutionType STANDARD or EXPRESS"
        )
    if mode == "INLINE" and execution_type is not None:
        findings.error(name, at + "/ExecutionType", "ExecutionType applies to a Distributed Map only")
    return str(mode)
