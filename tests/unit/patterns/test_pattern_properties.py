"""Properties of the pattern language that hold for every event, checked with hypothesis."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from integrations.patterns import compile_pattern

keys = st.text(alphabet="abcdefgh-", min_size=1, max_size=4).filter(lambda k: k != "$or")
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**9), max_value=10**9),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=8),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(keys, children, min_size=1, max_size=3)
    ),
    max_leaves=12,
)
events = st.dictionaries(keys, json_values, min_size=1, max_size=5)


def pattern_from_leaves(value: dict[str, Any]) -> dict[str, Any]:
    """A pattern that names every leaf of `value` with its exact value (arrays: all their leaves)."""
    pattern: dict[str, Any] = {}
    for key, item in value.items():
        if isinstance(item, dict):
            pattern[key] = pattern_from_leaves(item)
        elif isinstance(item, list):
            leaves = [leaf for leaf in _leaves(item) if not isinstance(leaf, dict)]
            if leaves:
                pattern[key] = leaves
        else:
            pattern[key] = [item]
    return {key: sub for key, sub in pattern.items() if sub}


def _leaves(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        out.extend(_leaves(item) if isinstance(item, list) else [item])
    return out


@settings(max_examples=200, deadline=None)
@given(events)
def test_an_event_matches_the_pattern_built_from_its_own_leaves(event: dict[str, Any]) -> None:
    pattern = pattern_from_leaves(event)
    if pattern:
        assert compile_pattern(pattern).matches(event)


@settings(max_examples=200, deadline=None)
# A list inside anything-but holds only strings or only numbers (AWS, "Content filtering in Amazon
# EventBridge event patterns", Anything-but matching).
@given(
    scalars,
    st.one_of(
        st.lists(st.text(max_size=4), min_size=1, max_size=4),
        st.lists(st.integers(-5, 5), min_size=1, max_size=4),
    ),
)
def test_anything_but_is_the_negation_of_exact(value: Any, excluded: list[Any]) -> None:
    event = {"f": value}
    exact = compile_pattern({"f": excluded}).matches(event)
    anything_but = compile_pattern({"f": [{"anything-but": excluded}]}).matches(event)
    assert anything_but is (not exact)


@settings(max_examples=200, deadline=None)
@given(events, st.lists(events, min_size=2, max_size=3))
def test_or_matches_iff_one_alternative_matches(event: dict[str, Any], sources: list[dict[str, Any]]) -> None:
    alternatives = [p for p in (pattern_from_leaves(s) for s in sources) if p]
    if len(alternatives) < 2:
        return
    combined = compile_pattern({"$or": alternatives}).matches(event)
    assert combined is any(compile_pattern(p).matches(event) for p in alternatives)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.integers(-(10**6), 10**6), st.floats(-1e6, 1e6)), st.integers(-(10**6), 10**6))
def test_numeric_ranges_agree_with_python_comparisons(value: float, bound: int) -> None:
    event = {"n": value}
    assert compile_pattern({"n": [{"numeric": [">", bound]}]}).matches(event) is (value > bound)
    assert compile_pattern({"n": [{"numeric": ["<=", bound]}]}).matches(event) is (value <= bound)
    assert compile_pattern({"n": [{"numeric": ["=", bound]}]}).matches(event) is (value == bound)
    assert compile_pattern({"n": [bound]}).matches(event) is (value == bound)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=10), st.text(max_size=10))
def test_prefix_and_suffix_agree_with_str_methods(value: str, affix: str) -> None:
    event = {"s": value}
    assert compile_pattern({"s": [{"prefix": affix}]}).matches(event) is value.startswith(affix)
    assert compile_pattern({"s": [{"suffix": affix}]}).matches(event) is value.endswith(affix)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab*\\", max_size=8))
def test_escaped_wildcard_text_matches_itself_literally(text: str) -> None:
    escaped = text.replace("\\", "\\\\").replace("*", "\\*")
    assert compile_pattern({"s": [{"wildcard": escaped}]}).matches({"s": text})


def leaf_paths(value: Any, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """Event Ruler's view of an event: the paths that hold at least one leaf value (arrays flattened)."""
    if isinstance(value, dict):
        return set().union(*(leaf_paths(v, (*prefix, k)) for k, v in value.items())) if value else set()
    if isinstance(value, list):
        return set().union(*(leaf_paths(item, prefix) for item in value)) if value else set()
    return {prefix}


def nested(path: tuple[str, ...], leaf: list[Any]) -> dict[str, Any]:
    pattern: Any = leaf
    for key in reversed(path):
        pattern = {key: pattern}
    return pattern


small_keys = st.sampled_from(["a", "b", "c"])
shallow_events = st.dictionaries(
    small_keys,
    st.recursive(
        st.one_of(st.none(), st.integers(0, 3), st.text(max_size=2)),
        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(small_keys, inner, max_size=3)),
        max_leaves=10,
    ),
    max_size=3,
)


@settings(max_examples=300, deadline=None)
@given(shallow_events, st.lists(small_keys, min_size=1, max_size=3).map(tuple))
def test_exists_agrees_with_the_flattened_event(event: dict[str, Any], path: tuple[str, ...]) -> None:
    present = path in leaf_paths(event)
    assert compile_pattern(nested(path, [{"exists": True}])).matches(event) is present
    assert compile_pattern(nested(path, [{"exists": False}])).matches(event) is (not present)


def leaves_at(value: Any, path: tuple[str, ...]) -> list[Any]:
    """The leaf values an event holds at `path`, through arrays (Event Ruler's flattened view)."""
    if isinstance(value, list):
        return [leaf for item in value for leaf in leaves_at(item, path)]
    if not path:
        return [] if isinstance(value, dict) else [value]
    if isinstance(value, dict) and path[0] in value:
        return leaves_at(value[path[0]], path[1:])
    return []


def same_json_value(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a is b
    return type(a) is type(b) and a == b if isinstance(a, str) or isinstance(b, str) else a == b


@settings(max_examples=300, deadline=None)
@given(shallow_events, st.lists(small_keys, min_size=1, max_size=3).map(tuple), st.data())
def test_exact_values_agree_with_the_flattened_event(
    event: dict[str, Any], path: tuple[str, ...], data
) -> None:
    leaves = leaves_at(event, path)
    others = [st.integers(0, 3), st.text(max_size=2), st.none()]
    wanted = data.draw(st.one_of(st.sampled_from(leaves), *others) if leaves else st.one_of(*others))
    expected = any(same_json_value(wanted, leaf) for leaf in leaves)
    assert compile_pattern(nested(path, [wanted])).matches(event) is expected
