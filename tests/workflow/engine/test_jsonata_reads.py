"""Expressions that only read a value (`$states.input.a.b`, `$Variable`) are answered without the JSONata
library; these tests hold that route to the library's own answers.

JSONata's path semantics (a step over an array maps and flattens; a missing field is undefined; null is
a value): https://docs.jsonata.org/path-operators and https://docs.jsonata.org/simple. Step Functions
fails a field whose expression returns nothing with States.QueryEvaluationError ("Transforming data with
JSONata in Step Functions", https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html).
"""

from __future__ import annotations

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
