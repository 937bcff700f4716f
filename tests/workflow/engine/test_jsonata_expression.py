"""`Expression` (the library's evaluator with frames that look names up in a loop) answers as the JSONata
library does, scoping included: a block's `:=` binds in that block only, a function sees the variables
of where it was defined, not of where it is called, and an inner binding hides an outer one
(https://docs.jsonata.org/programming#variables and #functions). With a depth limit the library's hooks
are bound and consulted (error D1011, https://github.com/rayokota/jsonata-python: `stack`)."""

from __future__ import annotations

import threading
from typing import Any

import jsonata
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.engine.jsonata_expression import Expression, Frame

SCOPING = [
    "($x := 1; $f := function($y) { $x + $y }; ($x := 10; $f(5)))",
    "($x := $a; ($x := $b; $x) & '/' & $x)",
    "$map($list, function($v, $i) { ($w := $v; $i & ':' & $w & $a) })",
    "$reduce($list, function($acc, $v) { $acc & $v }, '')",
    "($outer := $a; $list.($inner := $; {'o': $outer, 'i': $inner, 'b': $b}))",
    "$lookup($table, $a)",
    "($size := function($l) { $count($l) }; $exists($nothing) ? 1 : $size($list))",
    "($fact := function($n) { $n <= 1 ? 1 : $n * $fact($n - 1) }; $fact($length($a) % 6))",
    "$sort($list, function($l, $r) { $l > $r })",
    "$keys($table)[$ = $a or $contains($, $b)]",
]
TEXT = st.text(alphabet="abc:/", max_size=4)


def _answer(expression: jsonata.Jsonata, bindings: dict[str, Any]) -> tuple[str, Any]:
    try:
        return "value", expression.evaluate(None, bindings)
    except Exception as error:  # the library's errors carry a code: compare those
        return "error", getattr(error, "error", type(error).__name__)


def _library_answer(body: str, bindings: dict[str, Any]) -> tuple[str, Any]:
    """The library's own answer. It evaluates on a per-thread copy of the first expression evaluated on
    the thread, which here would be an `Expression`: a new thread makes the copy the library's."""
    answers: list[tuple[str, Any]] = []
    thread = threading.Thread(target=lambda: answers.append(_answer(jsonata.Jsonata(body), bindings)))
    thread.start()
    thread.join()
    return answers[0]


# Every kind of node the evaluator dispatches on (https://docs.jsonata.org/): paths with predicates,
# wildcards, descendants, parents, grouping, sorting, regexes, conditions, partial application, the apply
# operator, transforms, index and focus bindings, and what a sequence of one or none becomes.
NODES = [
    "$table.*",
    "$table.**",
    "$list[$ = $a]",
    "$list[0]",
    "[$list]",
    "$list[]",
    "$list#$i[$i > 0]",
    "$nested.items@$o.($o)",
    "$nested.items.%.name",
    "$list^(>$)",
    "$list{$: $length($)}",
    "$table{$keys($): 1}",
    "$contains($a, /a+/)",
    "$a = '' ? 'empty' : $a",
    "$a ~> $substring(?, 1)",
    "$a ~> $uppercase",
    "$nested ~> |items|{'seen': true}|",
    "($count($list) > 1 and $a != $b) or $exists($nothing)",
    "-$count($list)",
    "$nothing",
    "[]",
    "$list[$ = 'never']",
    "{'a': $a, 'n': $nested.items.name}",
]


@settings(max_examples=300, deadline=None)
@given(
    body=st.sampled_from(SCOPING + NODES),
    a=TEXT,
    b=TEXT,
    items=st.lists(TEXT, max_size=4),
    table=st.dictionaries(TEXT, TEXT, max_size=3),
)
def test_expressions_answer_as_the_library_does(
    body: str, a: str, b: str, items: list[str], table: dict[str, str]
) -> None:
    nested = {"items": [{"name": item} for item in items]}
    bindings = {"a": a, "b": b, "list": items, "table": table, "nested": nested}
    assert _answer(Expression(body), bindings) == _library_answer(body, bindings)


def test_a_closure_sees_where_it_was_defined():
    assert Expression(SCOPING[0]).evaluate(None, {}) == 6
    assert Expression(SCOPING[1]).evaluate(None, {"a": "outer", "b": "inner"}) == "inner/outer"


def test_once_a_depth_limit_binds_the_hooks_they_are_consulted(monkeypatch):
    monkeypatch.setattr(Frame, "hooks_bound", False)
    endless = "($f := function($n) { 1 + $f($n + 1) }; $f(0))"  # not a tail call: the stack grows
    limited = Expression(endless, stack=50)
    assert Frame.hooks_bound
    with pytest.raises(Exception) as raised:
        limited.evaluate(None, {})
    assert getattr(raised.value, "error", None) == "D1011"
