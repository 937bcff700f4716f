"""Whatever the file holds, validate() reports problems and never crashes."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workflows import validate

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DEFINITIONS = [json.loads(path.read_text()) for path in sorted(FIXTURES.glob("*.asl.json"))]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | st.sampled_from(["$", "$.a[", "{% $x %}", "{% ( %}", "States.Format(", "States.ALL", "Next", "Task"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)


def _locations(node: object, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _locations(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _locations(value, (*path, index))
    return found


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_mutation_of_a_valid_definition_is_reported_not_raised(data: st.DataObject) -> None:
    definition = copy.deepcopy(data.draw(st.sampled_from(DEFINITIONS)))
    path = data.draw(st.sampled_from(_locations(definition)[1:]))
    parent = definition
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = data.draw(json_values)
    problems = validate(definition)
    assert all(problem.pointer == "" or problem.pointer.startswith("/") for problem in problems)
