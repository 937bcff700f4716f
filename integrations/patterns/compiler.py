"""Compiles an event pattern (the structure: fields, nesting, `$or`) into a tree of matchers, once.

Matching walks the pattern, not the event: each field of the pattern looks up its value in the event.
When the event holds an array of objects where the pattern expects an object, the fields to match must
hold in one element (so fields matched together come from the same element), while a field required
absent must be absent from every element: as in Event Ruler, which sees the event as flattened paths.
Flattening joins nested keys with dots, on both sides: a pattern key `"state.status"` finds the event's
`{"state": {"status": ...}}`, and a pattern `{"state": {"status": ...}}` finds an event key
`"state.status"` (AWS's "Considerations when creating event patterns"; `dotted_lookup`).
"""

from __future__ import annotations

import json
from typing import Any

from integrations.errors import ServiceError
from integrations.patterns.conditions import ABSENT, LeafCondition, compile_leaf
from integrations.patterns.dialect import EVENTBRIDGE, Dialect
from integrations.patterns.errors import PatternSyntaxError, json_syntax_reason
from integrations.patterns.wildcard import MAX_COMPLEXITY, TOO_COMPLEX, complexity

OR = "$or"
# Far deeper than any real event; keeps matching (which recurses along the pattern) off the stack limit.
MAX_DEPTH = 100


class ObjectCondition:
    """All the fields of one pattern object, plus any `$or` groups at that level."""

    __slots__ = ("absences", "fields", "or_groups", "presences")

    def __init__(
        self,
        fields: list[tuple[str, LeafCondition | ObjectCondition]],
        or_groups: list[list[ObjectCondition]],
    ) -> None:
        # Leaves first: they are cheap and most often decide the answer.
        self.fields = sorted(fields, key=lambda item: isinstance(item[1], ObjectCondition))
        self.or_groups = or_groups
        # Inside an array of objects, a field required absent must be absent from every element (the
        # event has no value at that path at all), while the other fields must hold in one element.
        self.absences = [(name, c) for name, c in self.fields if _only_absence(c)]
        self.presences = [(name, c) for name, c in self.fields if not _only_absence(c)]

    def matches(self, value: Any) -> bool:
        if isinstance(value, dict):
            return self.matches_object(value)
        if isinstance(value, list):
            objects = _objects_in(value, [])
            if objects:
                return all(self._holds(self.absences, item) for item in objects) and any(
                    self._holds(self.presences, item) and self._or_groups_hold(item) for item in objects
                )
        return self.matches_object({})  # not an object: every field below it is absent

    def matches_object(self, value: dict[str, Any]) -> bool:
        return self._holds(self.fields, value) and self._or_groups_hold(value)

    @staticmethod
    def _holds(fields: list[tuple[str, LeafCondition | ObjectCondition]], value: dict[str, Any]) -> bool:
        get = value.get
        for name, condition in fields:
            found = get(name, ABSENT)
            # A field the event does not hold as named may still be there under another split of its
            # path; a leaf condition judges an object as it judges ABSENT, so only dotted names and
            # nested pattern objects need the look.
            if found is ABSENT and (type(condition) is ObjectCondition or "." in name):
                found = dotted_lookup(value, name)
            if not condition.matches(found):
                return False
        return True

    def _or_groups_hold(self, value: dict[str, Any]) -> bool:
        return all(any(option.matches_object(value) for option in group) for group in self.or_groups)

    def only_absence(self) -> bool:
        return bool(self.fields) and not self.presences and not self.or_groups

    def combinations(self) -> int:
        """How many AND-combinations of values the pattern expands to (SNS caps this)."""
        total = 1
        for _, condition in self.fields:
            if isinstance(condition, ObjectCondition):
                total *= condition.combinations()
            else:
                total *= max(1, _value_count(condition))
        for group in self.or_groups:
            total *= sum(option.combinations() for option in group)
        return total


def dotted_lookup(value: dict[str, Any], name: str) -> Any:
    """The value at `name` where the event and the pattern split a path differently: `name` may hold dots
    that the event nests (`"a.b"` → `{"a": {"b": ...}}`), and the event may hold dotted keys below `name`
    (`{"a.b": ...}` seen from the pattern key `"a"` as `{"b": ...}`). ABSENT when neither is there."""
    if "." in name:
        for key, inner in value.items():
            if name.startswith(key) and name[len(key) : len(key) + 1] == "." and isinstance(inner, dict):
                found = inner.get(name[len(key) + 1 :], ABSENT)
                if found is ABSENT:
                    found = dotted_lookup(inner, name[len(key) + 1 :])
                if found is not ABSENT:
                    return found
    below = {key[len(name) + 1 :]: inner for key, inner in value.items() if key.startswith(name + ".")}
    return below or ABSENT


def _objects_in(items: list[Any], out: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The objects of an event array, nested arrays flattened (as Event Ruler flattens them)."""
    for item in items:
        if isinstance(item, dict):
            out.append(item)
        elif isinstance(item, list):
            _objects_in(item, out)
    return out


def _only_absence(condition: LeafCondition | ObjectCondition) -> bool:
    """Whether a condition asks only that fields be absent (`{"exists": false}` and nothing else)."""
    if isinstance(condition, ObjectCondition):
        return condition.only_absence()
    return condition.exists_false and _value_count(condition) == 1


def _value_count(condition: LeafCondition) -> int:
    return (
        len(condition.strings)
        + len(condition.numbers)
        + len(condition.booleans)
        + condition.null
        + condition.exists_true
        + condition.exists_false
        + len(condition.predicates)
    )


def compile_object(
    pattern: dict[str, Any],
    dialect: Dialect,
    path: str = "",
    depth: int = 1,
    wildcards: dict[str, list[str]] | None = None,
) -> ObjectCondition:
    """Compile one pattern object; `wildcards` collects each flattened path's wildcard values."""
    wildcards = {} if wildcards is None else wildcards
    if not pattern:
        raise PatternSyntaxError("Empty objects are not allowed")
    if depth > MAX_DEPTH:
        raise PatternSyntaxError(f"Filter is nested too deeply (more than {MAX_DEPTH} levels)")
    fields: list[tuple[str, LeafCondition | ObjectCondition]] = []
    or_groups: list[list[ObjectCondition]] = []
    for name, value in pattern.items():
        if not isinstance(name, str):
            raise PatternSyntaxError("Field names must be strings")
        where = f"{path}.{name}" if path else name
        if name == OR and isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            if len(value) < 2:
                raise PatternSyntaxError("There must have at least 2 Objects in $or relationship")
            or_groups.append(
                [compile_object(option, dialect, path, depth + 1, wildcards) for option in value]
            )
        elif isinstance(value, dict):
            fields.append((name, compile_object(value, dialect, where, depth + 1, wildcards)))
        elif isinstance(value, list):
            leaf = compile_leaf(where, value, dialect)
            if leaf.wildcards:
                wildcards.setdefault(where, []).extend(leaf.wildcards)
            fields.append((name, leaf))
        else:
            # Event Ruler names the key itself, not its path (`{"key": {"suffix": "x"}}` gives
            # "suffix" in AWS's recorded answers).
            raise PatternSyntaxError(f'"{name}" must be an object or an array')
    return ObjectCondition(fields, or_groups)


def parse_document(document: dict[str, Any] | str, dialect: Dialect) -> dict[str, Any]:
    """The pattern as a JSON object, from a dict or its JSON text."""
    if isinstance(document, str):
        text = document
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise dialect.error(json_syntax_reason(text, error)) from None
        except RecursionError:
            raise dialect.error("Filter is nested too deeply") from None
    if not isinstance(document, dict):
        raise dialect.error("Filter is not an object")
    return document


class EventPattern:
    """A compiled EventBridge event pattern: `compile_pattern(...).matches(event)`."""

    __slots__ = ("_root", "source")

    def __init__(self, source: dict[str, Any], root: ObjectCondition) -> None:
        self.source = source
        self._root = root

    def matches(self, event: dict[str, Any]) -> bool:
        return isinstance(event, dict) and self._root.matches_object(event)

    def __call__(self, event: dict[str, Any]) -> bool:
        return self.matches(event)

    def __repr__(self) -> str:
        return f"EventPattern({json.dumps(self.source, sort_keys=True)})"


def compile_with(document: dict[str, Any] | str, dialect: Dialect) -> tuple[dict[str, Any], ObjectCondition]:
    """Parse and compile a pattern in `dialect`, raising that dialect's `ServiceError` when malformed."""
    pattern = parse_document(document, dialect)
    wildcards: dict[str, list[str]] = {}
    try:
        root = compile_object(pattern, dialect, wildcards=wildcards)
        # Event Ruler keeps one automaton per flattened path: the wildcard values of a path (in any `$or`
        # branch) are weighed together.
        if any(complexity(values) > MAX_COMPLEXITY for values in wildcards.values()):
            raise PatternSyntaxError(TOO_COMPLEX)
        return pattern, root
    except PatternSyntaxError as error:
        raise dialect.error(str(error)) from None
    except RecursionError:
        raise dialect.error("Filter is nested too deeply") from None


def compile_pattern(pattern: dict[str, Any] | str) -> EventPattern:
    """Compile an EventBridge event pattern (a dict or JSON text) once, to match many events.

    Raises `ServiceError("events", "InvalidEventPatternException", ...)` when the pattern is malformed.
    """
    source, root = compile_with(pattern, EVENTBRIDGE)
    return EventPattern(source, root)


# TestEventPattern insists on an event shaped like a real one: these envelope fields are mandatory.
MANDATORY_EVENT_FIELDS = ("id", "account", "source", "time", "region", "detail-type")


def test_event_pattern(pattern: dict[str, Any] | str, event: dict[str, Any] | str) -> bool:
    """EventBridge's TestEventPattern: does `event` (a dict or JSON text) match `pattern`?

    As on AWS, the pattern is checked first, and the event must be a JSON object carrying the envelope's
    mandatory fields (`MANDATORY_EVENT_FIELDS`); filters on other documents use `compile_pattern`.
    """
    compiled = compile_pattern(pattern)
    if isinstance(event, str):
        try:
            event = json.loads(event)
        except json.JSONDecodeError:
            raise ServiceError("events", "ValidationException", "Parameter Event is not valid.") from None
    if not isinstance(event, dict) or any(field not in event for field in MANDATORY_EVENT_FIELDS):
        raise ServiceError("events", "ValidationException", "Parameter Event is not valid.")
    return compiled.matches(event)


test_event_pattern.__test__ = False  # type: ignore[attr-defined]  # not a pytest test despite its name
