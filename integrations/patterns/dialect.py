"""The two pattern languages built on one matcher: EventBridge event patterns and SNS filter policies.

They share the grammar (exact values, prefix, suffix, anything-but, numeric, exists, cidr,
equals-ignore-case, `$or`) and differ in a few honest ways: SNS has no `wildcard`, takes `anything-but`
with a single `prefix` only (no `suffix`, no lists: "Unsupported anything-but pattern: suffix" in AWS's
recorded answers), bounds the numbers it compares (±1e9) and the size of a policy (5 keys, 150
combinations), and words its errors differently. A `Dialect` says which language a pattern is written in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from integrations.errors import ServiceError
from integrations.patterns.errors import invalid_event_pattern, invalid_filter_policy


@dataclass(frozen=True)
class Dialect:
    name: str
    wildcard: bool  # EventBridge supports `wildcard`; SNS does not.
    numeric_limit: float | None  # SNS compares numbers in [-1e9, 1e9] only.
    max_keys: int | None  # SNS allows at most 5 attribute names in a policy.
    max_combinations: int | None  # SNS: the product of values across keys must stay <= 150.
    error: Callable[[str], ServiceError]
    anything_but_operators: tuple[str, ...]  # what `{"anything-but": {OP: ...}}` accepts
    anything_but_affix_lists: bool  # `{"anything-but": {"prefix": [..]}}`
    anything_but_affix_message: str  # the reason given for a prefix that is not a string


EVENTBRIDGE = Dialect(
    name="eventbridge",
    wildcard=True,
    numeric_limit=None,
    max_keys=None,
    max_combinations=None,
    error=invalid_event_pattern,
    anything_but_operators=("prefix", "suffix", "equals-ignore-case", "wildcard"),
    anything_but_affix_lists=True,
    anything_but_affix_message="prefix/suffix match pattern must be a string",
)
SNS = Dialect(
    name="sns",
    wildcard=False,
    numeric_limit=1e9,
    max_keys=5,
    max_combinations=150,
    error=invalid_filter_policy,
    anything_but_operators=("prefix", "equals-ignore-case"),
    anything_but_affix_lists=False,
    anything_but_affix_message="prefix match pattern must be a string",
)
