"""Checks of `Retry` and `Catch`: the error handling that must behave the same locally and on AWS."""

from __future__ import annotations

from typing import Any

from workflows.validation.expressions import check_jsonata_tree, check_path, check_template
from workflows.validation.problem import Findings, pointer

ALL_ERRORS = "States.ALL"
RETRIER_FIELDS = frozenset(
    {
        "ErrorEquals",
        "IntervalSeconds",
        "MaxAttempts",
        "BackoffRate",
        "MaxDelaySeconds",
        "JitterStrategy",
        "Comment",
    }
)
CATCHER_FIELDS = {
    "JSONPath": frozenset({"ErrorEquals", "Next", "ResultPath", "Assign", "Comment"}),
    "JSONata": frozenset({"ErrorEquals", "Next", "Output", "Assign", "Comment"}),
}
JITTER_STRATEGIES = ("FULL", "NONE")
MAX_SECONDS = 99_999_999
MAX_DELAY_LIMIT = 31_622_401  # one year and a second: AWS rejects MaxDelaySeconds at or above it


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_error_equals(
    findings: Findings, state: str, at: str, handler: dict[str, Any], *, last: bool, kind: str
) -> None:
    names = handler.get("ErrorEquals")
    where = at + pointer("ErrorEquals")
    if names is None:
        findings.error(state, at, f"a {kind} needs ErrorEquals")
        return
    if not isinstance(names, list) or not names or not all(isinstance(name, str) for name in names):
        findings.error(state, where, "ErrorEquals must be a non-empty array of error names")
        return
    if ALL_ERRORS in names and len(names) > 1:
        findings.error(state, where, f"{ALL_ERRORS} must be the only error name in its ErrorEquals")
    if ALL_ERRORS in names and not last:
        findings.error(state, where, f"the {kind} with {ALL_ERRORS} must be the last one")


def _check_fields(
    findings: Findings, state: str, at: str, handler: dict[str, Any], allowed: frozenset[str]
) -> None:
    for field in sorted(set(handler) - allowed):
        findings.error(state, at + pointer(field), f"unknown field {field!r}")


def check_retry(findings: Findings, state: str, at: str, retry: Any) -> None:
    if not isinstance(retry, list):
        findings.error(state, at, "Retry must be an array of retriers")
        return
    for index, retrier in enumerate(retry):
        where = at + pointer(index)
        if not isinstance(retrier, dict):
            findings.error(state, where, "a retrier must be an object")
            continue
        _check_fields(findings, state, where, retrier, RETRIER_FIELDS)
        _check_error_equals(findings, state, where, retrier, last=index == len(retry) - 1, kind="retrier")
        _check_retrier_numbers(findings, state, where, retrier)


def _check_retrier_numbers(findings: Findings, state: str, at: str, retrier: dict[str, Any]) -> None:
    interval = retrier.get("IntervalSeconds", 1)
    if not _is_int(interval) or not 1 <= interval <= MAX_SECONDS:
        findings.error(
            state,
            at + pointer("IntervalSeconds"),
            f"IntervalSeconds must be an integer ≥ 1, got {interval!r}",
        )
    attempts = retrier.get("MaxAttempts", 3)
    if not _is_int(attempts) or not 0 <= attempts <= MAX_SECONDS:
        findings.error(
            state, at + pointer("MaxAttempts"), f"MaxAttempts must be an integer ≥ 0, got {attempts!r}"
        )
    rate = retrier.get("BackoffRate", 2.0)
    if not isinstance(rate, int | float) or isinstance(rate, bool) or rate < 1.0:
        findings.error(
            state, at + pointer("BackoffRate"), f"BackoffRate must be a number ≥ 1.0, got {rate!r}"
        )
    if "MaxDelaySeconds" in retrier:
        delay = retrier["MaxDelaySeconds"]
        if not _is_int(delay) or not 1 <= delay < MAX_DELAY_LIMIT:
            findings.error(
                state,
                at + pointer("MaxDelaySeconds"),
                f"MaxDelaySeconds must be an integer from 1 to {MAX_DELAY_LIMIT - 1}, got {delay!r}",
            )
    if "JitterStrategy" in retrier and retrier["JitterStrategy"] not in JITTER_STRATEGIES:
        findings.error(
            state,
            at + pointer("JitterStrategy"),
            f"JitterStrategy must be FULL or NONE, got {retrier['JitterStrategy']!r}",
        )


def check_catch(findings: Findings, state: str, at: str, catch: Any, language: str) -> list[tuple[str, Any]]:
    """Checks the catchers and returns (pointer, Next) pairs for the transition check."""
    if not isinstance(catch, list):
        findings.error(state, at, "Catch must be an array of catchers")
        return []
    targets: list[tuple[str, Any]] = []
    for index, catcher in enumerate(catch):
        where = at + pointer(index)
        if not isinstance(catcher, dict):
            findings.error(state, where, "a catcher must be an object")
            continue
        _check_fields(findings, state, where, catcher, CATCHER_FIELDS[language])
        _check_error_equals(findings, state, where, catcher, last=index == len(catch) - 1, kind="catcher")
        if "Next" not in catcher:
            findings.error(state, where, "a catcher needs Next")
        else:
            targets.append((where + pointer("Next"), catcher["Next"]))
        if language == "JSONPath":
            if "ResultPath" in catcher:
                check_path(
                    findings, state, where + pointer("ResultPath"), catcher["ResultPath"], nullable=True
                )
            if "Assign" in catcher:
                check_template(findings, state, where + pointer("Assign"), catcher["Assign"])
        else:
            for field in ("Output", "Assign"):
                if field in catcher:
                    check_jsonata_tree(findings, state, where + pointer(field), catcher[field])
    return targets
