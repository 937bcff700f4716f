"""Expressions that only read a value (`$states.input.a.b`, `$Variable`) are answered without the JSONata
library; these tests hold that route to the library's own answers.

JSONata's path semantics (a step over an array maps and flattens; a missing field is undefined; null is
a value): https://docs.jsonata.org/path-operators and https://docs.jsonata.org/simple. Step Functions
fails a field whose expression returns nothing with States.QueryEvaluationError ("Transforming data with
JSONata in Step Functions", https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.engine.errors import StatesQueryEvaluationError
from workflows.engine.jsonata_eval import compile_expression, compile_value

NAMES = st.sampled_from(["a", "b", "Item", "detail", "and"])
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**60), 2**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(NAMES, children, max_size=3),
    max_leaves=12,
)
PATHS = st.lists(NAMES, max_size=3).map(lambda steps: "".join(f".{step}" for step in steps))


def _answer(expression: str, bindings: dict[str, Any]) -> tuple[str, Any]:
    try:
        return "value", compile_expression(expression, "Field")(bindings)
    except StatesQueryEvaluationError:
        return "error", None  # the messages name the expression, which differs


@settings(max_examples=300, deadline=None)
@given(value=JSON, path=PATHS)
def test_a_direct_read_answers_as_the_library_does(value: Any, path: str) -> None:
    # `($x.a)` is the same read to JSONata, but not a plain read to the engine: the library evaluates it.
    bindings = {"states": {"input": value}, "Variable": value}
    for root in ("$states.input", "$Variable"):
        direct = _answer("{% " + root + path + " %}", bindings)
        library = _answer("{% (" + root + path + ") %}", bindings)
        assert direct == library


def test_reads_inside_a_template_and_beside_other_expressions():
    template = {
        "Key": "{% $states.input.detail.Twitter %}",
        "Shout": "{% $uppercase($states.input.detail.Author) %}",
        "Fixed": 3,
    }
    bindings = {"states": {"input": {"detail": {"Twitter": {"TweetId": "1", "Score": 2.0}, "Author": "ana"}}}}
    assert compile_value(template, "Arguments")(bindings) == {
        "Key": {"TweetId": "1", "Score": 2},
        "Shout": "ANA",
        "Fixed": 3,
    }


def test_a_read_returns_a_copy_the_workflow_can_change_freely():
    document = {"a": {"b": [1, {"c": 2}]}}
    result = compile_expression("{% $states.input.a %}", "Output")({"states": {"input": document}})
    result["b"][1]["c"] = 99
    assert document == {"a": {"b": [1, {"c": 2}]}}


def test_a_missing_field_fails_the_field_as_step_functions_does():
    with pytest.raises(StatesQueryEvaluationError, match="returned nothing"):
        compile_expression("{% $states.input.missing %}", "Output")({"states": {"input": {}}})


def test_a_function_is_not_read_as_a_value():
    bindings = {"states": {"input": {}}, "now": lambda: 1}
    with pytest.raises(StatesQueryEvaluationError, match="unsupported result type"):
        compile_expression("{% $now %}", "Output")(bindings)


# The epoch seconds that idempotency records and leases are written in (`$toMillis`, `$floor`, `$string`:
# https://docs.jsonata.org/date-time-functions, https://docs.jsonata.org/numeric-functions,
# https://docs.jsonata.org/string-functions), answered without the library for the context object's
# timestamps; the parenthesised form is the same expression to JSONata but goes to the library.
EPOCH = "$string($floor($toMillis($states.context.Execution.StartTime) / 1000){offset})"
CONTEXT_TIMES = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(9999, 12, 31)).map(
    lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
)


@settings(max_examples=300, deadline=None)
@given(
    moment=CONTEXT_TIMES | st.sampled_from(["2026-02-30T00:00:00.000Z", "2026-12-03T17:00:00Z", "x", ""]),
    offset=st.sampled_from(["", " + 300", " + 2592000", "+604800", " + $LeaseSeconds"]),
    lease=st.integers(0, 10**9) | st.floats(0, 1e6, allow_nan=False) | st.just("300") | st.none(),
)
def test_epoch_seconds_answer_as_the_library_does(moment: str, offset: str, lease: Any) -> None:
    bindings = {"states": {"context": {"Execution": {"StartTime": moment}}}, "LeaseSeconds": lease}
    expression = EPOCH.format(offset=offset)
    direct = _answer("{% " + expression + " %}", bindings)
    library = _answer("{% (" + expression + ") %}", bindings)
    assert direct == library


def test_epoch_seconds_of_a_context_time() -> None:
    bindings = {"states": {"context": {"Execution": {"StartTime": "2026-12-03T17:00:00.999Z"}}}}
    # 2026-12-03T17:00:00Z is 1,796,317,200 seconds after the epoch; the milliseconds are floored away.
    assert _answer("{% " + EPOCH.format(offset=" + 300") + " %}", bindings) == ("value", "1796317500")


def test_a_variable_named_like_a_function_leaves_the_expression_to_the_library() -> None:
    bindings = {"states": {"context": {"Execution": {"StartTime": "2026-12-03T17:00:00.000Z"}}}, "floor": 1}
    assert _answer("{% " + EPOCH.format(offset="") + " %}", bindings) == _answer(
        "{% (" + EPOCH.format(offset="") + ") %}", bindings
    )


# Small expressions of reads and strings (`'analyse#' & $states.input.TweetId`, `$states.input.Intent =
# 'Joke'`, `$exists($a.b) or $exists($a.c)`), answered without the library: string concatenation `&`,
# comparison `=` `!=`, inclusion `in` (https://docs.jsonata.org/other-operators, comparison-operators),
# boolean `and` `or` (https://docs.jsonata.org/boolean-operators), $exists and $not
# (https://docs.jsonata.org/boolean-functions).
SMALL_READS = st.sampled_from(["$states.input.a", "$states.input.b", "$states.input.a.b", "$V", "$Nothing"])
SMALL_STRINGS = st.sampled_from(["'x'", "''", '"and"', "'a b'"])


def _small_expressions() -> st.SearchStrategy[str]:
    exists = SMALL_READS.map(lambda read: f"$exists({read})")
    text = st.lists(SMALL_READS | SMALL_STRINGS, min_size=1, max_size=3).map(" & ".join)
    condition = (
        exists
        | SMALL_READS  # a read may hold a boolean, or something $boolean would have to cast
        | st.tuples(text, st.sampled_from([" = ", " != "]), text).map("".join)
        | st.tuples(text, st.lists(SMALL_STRINGS, min_size=1, max_size=3)).map(
            lambda pair: f"{pair[0]} in [{', '.join(pair[1])}]"
        )
    )
    logic = st.recursive(
        condition,
        lambda inner: (
            st.tuples(inner, st.sampled_from([" and ", " or "]), inner).map("".join)
            | inner.map(lambda expression: f"$not({expression})")
        ),
        max_leaves=4,
    )
    # Mixed kinds too (a boolean joined to a string): the library's to answer.
    return exists | text | logic | st.tuples(exists, text).map(" & ".join)


SMALL_VALUES = st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(["x", "", "and", "a b"])


@settings(max_examples=500, deadline=None)
@given(
    expression=_small_expressions(),
    a=SMALL_VALUES
    | st.dictionaries(st.sampled_from(["b"]), SMALL_VALUES)
    | st.lists(SMALL_VALUES, max_size=2),
    b=SMALL_VALUES,
    variable=SMALL_VALUES,
)
def test_small_expressions_answer_as_the_library_does(expression: str, a: Any, b: Any, variable: Any) -> None:
    bindings = {"states": {"input": {"a": a, "b": b}}, "V": variable}
    assert _answer("{% " + expression + " %}", bindings) == _answer("{% (" + expression + ") %}", bindings)


def test_small_expressions_are_answered_directly() -> None:
    # The workflows' own expressions of this kind: answered by the direct route, not the library.
    from workflows.engine.jsonata_direct import direct_route

    for body in [
        "'analyse#' & $states.input.detail.Twitter.TweetId",
        "$states.input.Bot.Intent = 'Joke'",
        '$states.input.Language.LanguageCode in ["en", "es", "zh-TW"]',
        "$exists($states.input.Payload.for_user_id) or $exists($states.input.Payload.user_event)",
        "$states.input.Text = '' or $states.input.Language in ['zxx', 'qam']",
    ]:
        assert direct_route(body) is not None, body
    bindings = {"states": {"input": {"Bot": {"Intent": "Joke"}, "Text": "", "Language": "en"}}}
    assert _answer("{% $states.input.Bot.Intent = 'Joke' %}", bindings) == ("value", True)
    assert _answer("{% $states.input.Text = '' or $states.input.Language in ['zxx'] %}", bindings) == (
        "value",
        True,
    )


def test_a_variable_named_like_a_function_called_leaves_the_expression_to_the_library() -> None:
    bindings = {"states": {"input": {"a": "x"}}, "exists": "not a function"}
    expression = "$exists($states.input.a) and $states.input.a = 'x'"
    assert _answer("{% " + expression + " %}", bindings) == _answer("{% (" + expression + ") %}", bindings)
