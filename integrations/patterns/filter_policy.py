"""SNS subscription filter policies on the EventBridge matcher, with SNS's differences made explicit.

* Scope `MessageAttributes` (the default) matches the message's attributes, which are flat: `String`
  values are strings, `Number` values compare as numbers, `String.Array` values are JSON arrays whose
  elements are matched one by one, and `Binary` attributes are never matched (SNS ignores them).
* Scope `MessageBody` matches the message itself as a JSON object, with nesting as in EventBridge; a
  body that is not a JSON object matches nothing.
* No `wildcard`; numbers only in [-1e9, 1e9]; at most 5 keys (`key_count`) and 150 value
  combinations per policy (`combinations`: `$or` expands, nested keys weigh by their depth).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from integrations.errors import ServiceError
from integrations.patterns.compiler import OR, ObjectCondition, compile_with
from integrations.patterns.dialect import SNS

SCOPES = ("MessageAttributes", "MessageBody")


class FilterPolicy:
    """A compiled SNS filter policy for one subscription."""

    __slots__ = ("_root", "scope", "source")

    def __init__(self, source: dict[str, Any], root: ObjectCondition, scope: str) -> None:
        self.source = source
        self.scope = scope
        self._root = root

    def matches(self, message: str, attributes: Mapping[str, Mapping[str, Any]] | None = None) -> bool:
        """Whether a published message (its body and MessageAttributes) passes the policy."""
        if self.scope == "MessageBody":
            try:
                body = json.loads(message)
            except (json.JSONDecodeError, TypeError):
                return False
            return isinstance(body, dict) and self._root.matches_object(body)
        return self._root.matches_object(attribute_values(attributes or {}))


def attribute_values(attributes: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """MessageAttributes as the values a filter policy compares (see the module docstring)."""
    values: dict[str, Any] = {}
    for name, attribute in attributes.items():
        data_type = str(attribute.get("DataType", "String"))
        base = data_type.split(".", 1)[0]
        text = attribute.get("StringValue")
        if base == "Binary" or text is None:
            continue
        if data_type == "String.Array":
            try:
                values[name] = json.loads(text)
            except json.JSONDecodeError:
                continue
        elif base == "Number":
            try:
                values[name] = float(text) if any(c in text for c in ".eE") else int(text)
            except ValueError:
                continue
        else:
            values[name] = text
    return values


def key_count(root: ObjectCondition, scope: str) -> int:
    """The keys SNS counts against its limit of five ("Filter policy constraints in Amazon SNS", Key
    counting): every key of an attribute policy, only the top-level keys of a payload policy; of `$or`
    alternatives, the largest."""
    count = 0
    for _, condition in root.fields:
        if isinstance(condition, ObjectCondition) and scope == "MessageAttributes":
            count += key_count(condition, scope)
        else:
            count += 1
    for group in root.or_groups:
        count += max(key_count(option, scope) for option in group)
    return count


def combinations(policy: dict[str, Any], depth: int = 0) -> int:
    """SNS's complexity of a (parsed, valid) policy: `$or` expands into alternatives that add up, and in
    each alternative every key's array weighs its number of values times the key's depth (a key nested
    three levels down, or written `a.b.c`, weighs three times its values); the weights multiply.
    The worked examples of AWS's "Filter policy constraints in Amazon SNS" page and AWS's recorded answers
    agree: 3x4 x 2x3 x 1x3 = 216 for `{"key_a": {"key_b": {"key_c": [4 values]}}, "key_d": {"key_e":
    [3]}, "key_f": [3]}`."""
    total = 1
    for name, value in policy.items():
        if name == OR and isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            total *= sum(combinations(option, depth) for option in value)
        elif isinstance(value, dict):
            total *= combinations(value, depth + name.count(".") + 1)
        else:
            total *= len(value) * (depth + name.count(".") + 1)
    return total


def compile_filter_policy(policy: dict[str, Any] | str, scope: str = "MessageAttributes") -> FilterPolicy:
    """Compile an SNS filter policy; raises SNS's `InvalidParameter` when it is malformed or too big.

    The message is SetSubscriptionAttributes' ("Invalid parameter: FilterPolicy: <reason>"); Subscribe
    words it "Invalid parameter: Attributes Reason: FilterPolicy: <reason>" (`integrations.topics`).
    """
    if scope not in SCOPES:
        raise ServiceError(
            "sns",
            "InvalidParameter",
            f"Invalid parameter: FilterPolicyScope: Invalid value [{scope}]. "
            "Please use either MessageBody or MessageAttributes",
        )
    source, root = compile_with(policy, SNS)
    if scope == "MessageAttributes" and any(isinstance(c, ObjectCondition) for _, c in root.fields):
        raise ServiceError(
            "sns",
            "InvalidParameter",
            "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy",
        )
    if SNS.max_combinations is not None and combinations(source) > SNS.max_combinations:
        raise SNS.error("Filter policy is too complex")
    if SNS.max_keys is not None and key_count(root, scope) > SNS.max_keys:
        raise SNS.error(f"Filter policy can not have more than {SNS.max_keys} keys")
    return FilterPolicy(source, root, scope)
