"""Input templates always give valid JSON, whatever the values hold."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from integrations.pipes.templates import InputTemplate

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
TEMPLATE = InputTemplate('{"as_text": "<$.data.v>", "as_json": <$.data.v>, "quoted \\" <$.data.v>": 1}')


@given(values)
def test_rendered_json_templates_parse(value) -> None:
    rendered = json.loads(TEMPLATE.render({"data": {"v": value}}, {}))
    assert rendered["as_json"] == value
    # A non-string value inside a string is its JSON text (compact: spacing carries no meaning).
    if value is None or isinstance(value, str):
        assert rendered["as_text"] == ("" if value is None else value)
    else:
        assert json.loads(rendered["as_text"]) == value


SURROGATES_AND_FRIENDS = st.sampled_from(["a", "é", "\U0001f600", "\ud800", "\udfff", '"', "\\"])


@given(st.text(alphabet=SURROGATES_AND_FRIENDS, max_size=20))
def test_rendered_text_is_always_utf8_encodable_even_with_lone_surrogates(text: str) -> None:
    # A JSON body may carry "\ud800" escapes (RFC 8259 allows them; Python's json parses them into lone
    # surrogates). The rendered input must still be UTF-8 text, or StartExecution could not send it.
    rendered = TEMPLATE.render({"data": {"v": text}}, {})
    rendered.encode("utf-8")
    # ... and means what the value meant as JSON (an escaped high+low pair reads back as one character).
    assert json.loads(rendered)["as_json"] == json.loads(json.dumps(text))
