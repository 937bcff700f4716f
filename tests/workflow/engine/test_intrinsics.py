"""Intrinsic functions, with the examples of the guide page "Intrinsic functions in Amazon States
Language for JSONPath states" (https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html).
"""

from __future__ import annotations

import contextlib

import pytest
from engine_support import single
from hypothesis import given
from hypothesis import strategies as st

from workflows.engine import IntrinsicSyntaxError, execute, parse_intrinsic
from workflows.engine.intrinsics import FUNCTIONS


def evaluate(expression: str, data=None):
    """Run the intrinsic in a Pass state's Parameters and return its value."""
    execution = execute(single({"Type": "Pass", "Parameters": {"v.$": expression}}), data or {}, seed=7)
    assert execution.status == "SUCCEEDED", execution.cause
    return execution.output["v"]


def failure(expression: str, data=None):
    execution = execute(single({"Type": "Pass", "Parameters": {"v.$": expression}}), data or {})
    assert execution.status == "FAILED"
    return execution.error, execution.cause


def test_format_with_a_path_argument():
    assert (
        evaluate("States.Format('Hello, my name is {}.', $.name)", {"name": "Arnav"})
        == "Hello, my name is Arnav."
    )


def test_format_escapes_braces_and_quotes():
    assert evaluate(r"States.Format('\{\} {} \'q\' \\', $.n)", {"n": 5}) == "{} 5 'q' \\"


def test_format_placeholder_count_must_match():
    error, cause = failure("States.Format('{} and {}', 'one')")
    assert error == "States.IntrinsicFailure"
    assert "2 placeholder(s) but 1 value(s)" in cause


def test_string_to_json_and_back():
    data = {"escapedJsonString": '{"foo": "bar"}', "unescapedJson": {"foo": "bar"}}
    assert evaluate("States.StringToJson($.escapedJsonString)", data) == {"foo": "bar"}
    assert evaluate("States.JsonToString($.unescapedJson)", data) == '{"foo":"bar"}'


def test_array_and_nesting():
    assert evaluate("States.Array('Foo', 2020, $.someJson, null)", {"someJson": {"random": "abcdefg"}}) == [
        "Foo",
        2020,
        {"random": "abcdefg"},
        None,
    ]


def test_array_partition():
    data = {"inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9]}
    assert evaluate("States.ArrayPartition($.inputArray,4)", data) == [[1, 2, 3, 4], [5, 6, 7, 8], [9]]


def test_array_contains():
    data = {"inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9], "lookingFor": 5}
    assert evaluate("States.ArrayContains($.inputArray, $.lookingFor)", data) is True
    assert evaluate("States.ArrayContains($.inputArray, 'x')", data) is False


def test_array_range_is_inclusive_and_limited():
    assert evaluate("States.ArrayRange(1, 9, 2)") == [1, 3, 5, 7, 9]
    assert len(evaluate("States.ArrayRange(1, 1000, 1)")) == 1000
    assert failure("States.ArrayRange(0, 1000, 1)")[0] == "States.IntrinsicFailure"


def test_array_get_item_length_unique():
    data = {"inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9], "index": 5}
    assert evaluate("States.ArrayGetItem($.inputArray, $.index)", data) == 6
    assert evaluate("States.ArrayLength($.inputArray)", data) == 9
    assert evaluate("States.ArrayUnique($.a)", {"a": [1, 2, 3, 3, 3, 3, 3, 3, 4]}) == [1, 2, 3, 4]
    assert evaluate("States.ArrayUnique($.a)", {"a": [1, True, 1.0, "1"]}) == [1, True, "1"]


def test_base64_round_trip_and_limit():
    assert evaluate("States.Base64Encode($.input)", {"input": "Data to encode"}) == "RGF0YSB0byBlbmNvZGU="
    assert evaluate("States.Base64Decode($.base64)", {"base64": "RGF0YSB0byBlbmNvZGU="}) == "Data to encode"
    error, cause = failure("States.Base64Encode($.big)", {"big": "x" * 10_001})
    assert error == "States.IntrinsicFailure" and "10000" in cause


def test_hash_examples():
    data = {"Data": "input data", "Algorithm": "SHA-1"}
    assert evaluate("States.Hash($.Data, $.Algorithm)", data) == "aaff4a450a104cd177d28d18d74485e8cae074b7"
    assert evaluate("States.Hash('abc', 'SHA-256')").startswith("ba7816bf")
    assert failure("States.Hash('abc', 'SHA-3')")[0] == "States.IntrinsicFailure"


def test_json_merge_is_shallow_only():
    data = {"json1": {"a": {"a1": 1, "a2": 2}, "b": 2}, "json2": {"a": {"a3": 1, "a4": 2}, "c": 3}}
    assert evaluate("States.JsonMerge($.json1, $.json2, false)", data) == {
        "a": {"a3": 1, "a4": 2},
        "b": 2,
        "c": 3,
    }
    assert "shallow" in failure("States.JsonMerge($.json1, $.json2, true)", data)[1]


def test_math_random_range_and_seed():
    values = {evaluate(f"States.MathRandom(1, 5, {seed})") for seed in range(40)}
    assert values <= {1, 2, 3, 4} and len(values) > 1
    assert evaluate("States.MathRandom(1, 999, 1234)") == evaluate("States.MathRandom(1, 999, 1234)")


def test_math_add():
    assert evaluate("States.MathAdd($.value1, $.step)", {"value1": 111, "step": -1}) == 110
    assert failure("States.MathAdd('1', 1)")[0] == "States.IntrinsicFailure"


# Recorded AWS executions (LocalStack's AWS-validated snapshot
# tests/aws/services/stepfunctions/v2/intrinsic_functions/test_math_operations.snapshot.json, test_math_add):
# each argument is rounded to the nearest integer, halves up (Java's Math.round), before adding.
@pytest.mark.parametrize(
    ("first", "second", "total"),
    [
        (1.49, 1.5, 3),
        (1.5, 1.51, 4),
        (-1.49, -1.5, -2),
        (-1.5, -1.51, -3),
        (-0.5, 0.5, 1),
        (-0.5, 0, 0),
        (-2.5, 0, -2),
        (2.5, 0, 3),
        (1.49, -1.49, 0),
    ],
)
def test_math_add_rounds_each_non_integer_argument_half_up(first, second, total):
    assert evaluate("States.MathAdd($.a, $.b)", {"a": first, "b": second}) == total


# Recorded AWS executions (test_json_manipulation.snapshot.json, test_string_to_json): an empty or blank
# string parses to null.
@pytest.mark.parametrize("text", ["", " ", "\t \n"])
def test_string_to_json_of_empty_or_blank_text_is_null(text):
    assert evaluate("States.StringToJson($.s)", {"s": text}) is None


# Recorded AWS executions (test_string_operations.snapshot.json, test_format_2, and
# test_generic.snapshot.json, test_context_json_path): an object or array argument is written in Java's
# collection notation, not JSON.
def test_format_writes_objects_and_arrays_in_aws_notation():
    data = {"o": {"Arg1": 1, "Arg2": []}, "a": [1, "x", None, True, {"k": 1.5}]}
    assert (
        evaluate("States.Format('o={} a={}', $.o, $.a)", data)
        == "o={Arg1=1, Arg2=[]} a=[1, x, null, true, {k=1.5}]"
    )
    assert evaluate("States.Format('{}', $$.StateMachine)").startswith("{Id=arn:aws:states:")


def test_string_split():
    assert evaluate(
        "States.StringSplit($.inputString, $.splitter)", {"inputString": "1,2,3,4,5", "splitter": ","}
    ) == [
        "1",
        "2",
        "3",
        "4",
        "5",
    ]
    data = {"inputString": "This.is+a,test=string", "splitter": ".+,="}
    assert evaluate("States.StringSplit($.inputString, $.splitter)", data) == [
        "This",
        "is",
        "a",
        "test",
        "string",
    ]


def test_uuid_is_a_version_4_uuid():
    value = evaluate("States.UUID()")
    assert len(value) == 36 and value[14] == "4"


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("States.ArrayLength($.s)", "must be an array"),
        ("States.ArrayLength()", "expected 1 argument"),
        ("States.ArrayGetItem(States.Array(1), 3)", "out of bounds"),
        ("States.StringToJson('{nope')", "not valid JSON"),
    ],
)
def test_bad_arguments_fail_with_intrinsic_failure(expression, message):
    error, cause = failure(expression, {"s": "text"})
    assert error == "States.IntrinsicFailure"
    assert message in cause


def test_missing_path_argument_is_a_runtime_error():
    error, cause = failure("States.ArrayLength($.missing)")
    assert error == "States.Runtime"
    assert "$.missing" in cause


@pytest.mark.parametrize(
    "bad",
    [
        "States.Nope()",
        "States.Format('x'",
        "States.Format('x) ",
        "Format('x')",
        "States.Array(1,,2)",
        "States.Array(1) extra",
        "States.Array($.)",
    ],
)
def test_bad_syntax(bad):
    with pytest.raises(IntrinsicSyntaxError):
        parse_intrinsic(bad)


@given(st.text(max_size=40))
def test_random_text_never_crashes_the_parser(text):
    with contextlib.suppress(IntrinsicSyntaxError):
        parse_intrinsic("States.Format(" + text)
        parse_intrinsic(text)


@given(st.text(alphabet="States.Format()Array,'$\\{}[] 0123.-abtruefalsn", max_size=40))
def test_intrinsic_like_text_never_crashes_the_parser(text):
    with contextlib.suppress(IntrinsicSyntaxError):
        parse_intrinsic(text)


def test_format_template_from_a_path_keeps_backslashes():
    assert evaluate("States.Format($.t, 'x')", {"t": "a {} b \\ c"}) == "a x b \\ c"


def test_absurdly_deep_nesting_is_a_syntax_error_not_a_crash():
    with pytest.raises(IntrinsicSyntaxError, match="nested more than"):
        parse_intrinsic("States.Array(" * 500 + ")" * 500)


LITERALS = st.sampled_from(
    [
        "'text'",
        "'a,b'",
        "'{}'",
        "1",
        "-3",
        "2.5",
        "0",
        "true",
        "false",
        "null",
        "$.a",
        "$.list",
        "$.obj",
        "$.missing",
        "'SHA-256'",
        "'MD5'",
        "1000",
    ]
)
CALLS = st.recursive(
    LITERALS,
    lambda inner: st.builds(
        lambda name, args: f"{name}({', '.join(args)})",
        st.sampled_from(sorted(FUNCTIONS)),
        st.lists(inner, max_size=3),
    ),
    max_leaves=6,
)


@given(CALLS.filter(lambda text: text.startswith("States.")))
def test_any_call_on_any_argument_returns_or_fails_with_a_states_error(text):
    data = {"a": "x", "list": [1, "1", [2]], "obj": {"k": None}}
    result = execute(single({"Type": "Pass", "Parameters": {"v.$": text}}), data, seed=1)
    if result.error == "States.Runtime":  # only a missing path argument may cause this
        assert "$.missing" in result.cause and "could not be found" in result.cause
    else:
        assert result.status == "SUCCEEDED" or result.error == "States.IntrinsicFailure", result.cause


def test_partition_range_and_random_round_fractional_numbers():
    assert evaluate("States.ArrayPartition(States.Array(1, 2, 3), 1.6)") == [[1, 2], [3]]
    assert evaluate("States.ArrayRange(0.6, 3.4, 1)") == [1, 2, 3]
    assert evaluate("States.MathRandom(4.6, 5.6)") == 5


def test_a_missing_path_argument_names_the_whole_expression():
    error, cause = failure("States.Format('{}', $.nope)", {"a": 1})
    assert error == "States.Runtime"
    assert cause.endswith(
        "The function 'States.Format('{}', $.nope)' had the following error: The JsonPath argument for the "
        "field '$.nope' could not be found in the input '{\"a\":1}'"
    )


def test_base64_decode_replaces_bytes_that_are_not_utf8():
    assert evaluate("States.Base64Decode('/w==')") == "\ufffd"
    assert failure("States.Base64Decode('***')")[0] == "States.IntrinsicFailure"
