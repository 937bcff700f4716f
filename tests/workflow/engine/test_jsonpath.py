"""JSONPath and reference paths.

Guide pages: "Paths in Amazon States Language" (https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html)
and "Reference paths" on the same page.
"""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflows.engine import PathSyntaxError, compile_path, execute
from workflows.engine.jsonpath import PathNotFound

# The guide's example input for paths (amazon-states-language-paths.html).
STORE = {
    "foo": 123,
    "bar": ["a", "b", "c"],
    "car": {"cdr": True},
}
BOOKS = {
    "store": {
        "book": [
            {"category": "reference", "author": "Nigel Rees", "price": 8.95},
            {"category": "fiction", "author": "Evelyn Waugh", "price": 12.99},
            {"category": "fiction", "author": "J. R. R. Tolkien", "price": 22.99, "isbn": "0-395-19395-8"},
        ]
    }
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [("$.foo", 123), ("$.bar", ["a", "b", "c"]), ("$.car.cdr", True), ("$.bar[0]", "a"), ("$", STORE)],
)
def test_reference_paths_from_the_guide_return_values(path, expected):
    assert compile_path(path).get(STORE) == expected


def test_definite_path_into_a_list_returns_the_value_not_a_list():
    assert compile_path("$.store.book[1].author").get(BOOKS) == "Evelyn Waugh"
    assert compile_path("$['store']['book'][-1]['isbn']").get(BOOKS) == "0-395-19395-8"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$.store.book[*].author", ["Nigel Rees", "Evelyn Waugh", "J. R. R. Tolkien"]),
        ("$..price", [8.95, 12.99, 22.99]),
        ("$.store.book[?(@.price < 10)].author", ["Nigel Rees"]),
        ("$.store.book[?(@.isbn)].price", [22.99]),
        ("$.store.book[?(@.category == 'fiction' && @.price > 20)].author", ["J. R. R. Tolkien"]),
        ("$.store.book[0:2].price", [8.95, 12.99]),
        ("$.store.book[-1:].price", [22.99]),
        ("$.store.book[0,2].price", [8.95, 22.99]),
        ("$.store.book[?(@.author =~ /.*Waugh/)].price", [12.99]),
        ("$.nothing[*]", []),
    ],
)
def test_indefinite_paths_return_lists(path, expected):
    compiled = compile_path(path)
    assert not compiled.definite
    assert compiled.get(BOOKS) == expected


def test_missing_definite_path_is_reported():
    with pytest.raises(PathNotFound):
        compile_path("$.store.pen").get(BOOKS)
    with pytest.raises(PathNotFound):
        compile_path("$.store.book[7]").get(BOOKS)


def test_roots_context_and_variables():
    assert compile_path("$$.Execution.Id").root == "$$"
    variable = compile_path("$order.items[0]")
    assert (variable.root, variable.variable) == ("var", "order")
    assert variable.get({"items": ["x"]}) == "x"


def test_set_creates_missing_objects_without_touching_the_original():
    original = {"a": {"keep": 1}}
    updated = compile_path("$.a.b.c").set(original, 5)
    assert updated == {"a": {"keep": 1, "b": {"c": 5}}}
    assert original == {"a": {"keep": 1}}


def test_set_into_a_non_object_fails():
    with pytest.raises(PathNotFound):
        compile_path("$.a.b").set({"a": "text"}, 1)


@pytest.mark.parametrize(
    "bad", ["", "a.b", "$.", "$[", "$.a[?(@.x >)]", "$..", "$[1:2:0]", "$ .a", "$.a]", "$1"]
)
def test_bad_syntax_raises_path_syntax_error(bad):
    with pytest.raises(PathSyntaxError):
        compile_path(bad)


@given(st.text(max_size=40))
def test_random_text_never_crashes_the_parser(text):
    with contextlib.suppress(PathSyntaxError):
        compile_path(text)


@given(st.text(alphabet="$.[]*?@()'\"=<>!&|,:-0123456789abc ", max_size=30))
def test_path_like_text_never_crashes_the_parser(text):
    with contextlib.suppress(PathSyntaxError):
        compile_path(text)


def test_absurdly_deep_filters_are_a_syntax_error_not_a_crash():
    with pytest.raises(PathSyntaxError, match="nested more than"):
        compile_path("$[?(" + "(" * 500 + "@.a" + ")" * 500 + ")]")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=False) | st.text(max_size=3),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.sampled_from("abc"), children, max_size=3)
    ),
    max_leaves=10,
)
STEPS = st.sampled_from(
    [
        ".a",
        ".b",
        "[0]",
        "[-1]",
        "[*]",
        "..a",
        "[0:2]",
        "['c']",
        "[?(@.a > 1)]",
        "[?(@.b)]",
        ".*",
        "[0,1]",
        "[?(@ == 'x' || @.a =~ /a.*/)]",
    ]
)


@given(JSON, st.lists(STEPS, max_size=4))
def test_evaluating_any_path_on_any_document_returns_or_reports_not_found(document, steps):
    path = compile_path("$" + "".join(steps))
    try:
        result = path.get(document)
    except PathNotFound:
        assert path.definite
    else:
        assert path.definite or isinstance(result, list)


def test_a_bracketed_name_keeps_backslashes_that_escape_nothing():
    # Recorded AWS execution (LocalStack's AWS-validated snapshot
    # v2/scenarios/test_base_scenarios.snapshot.json, test_escape_sequence_parsing[ESCAPE_SEQUENCES_JSONPATH])
    # reads the key Test\""Name" with $['Test\""Name"'].
    definition = {
        "StartAt": "S",
        "States": {"S": {"Type": "Pass", "Parameters": {"value.$": r"""$['Test\""Name"']"""}, "End": True}},
    }
    execution = execute(definition, {'Test\\""Name"': 'Value"\\'})
    assert execution.output == {"value": 'Value"\\'}
