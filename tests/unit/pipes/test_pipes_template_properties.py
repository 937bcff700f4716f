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
    expected_text = "" if value is None else value if isinstance(value, str) else json.dumps(value)
    assert rendered["as_text"] == expected_text
