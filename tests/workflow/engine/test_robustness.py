"""Whatever JSON an execution receives, the engine answers with an execution outcome (SUCCEEDED or FAILED
with a States.* or task error), never a Python exception: a property over random inputs on a definition
that uses most features (Choice, Map, Parallel, intrinsics, JSONata, Retry/Catch, variables).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.engine import TaskFailure, execute

RESOURCE = "arn:aws:states:::aws-sdk:comprehend:detectSentiment"
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=4),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["a", "b", "items", "n"]), children, max_size=3)
    ),
    max_leaves=8,
)
DEFINITION = {
    "StartAt": "Shape",
    "States": {
        "Shape": {
            "Type": "Pass",
            "Parameters": {"a.$": "$.a", "count.$": "States.ArrayLength($.items)"},
            "Assign": {"seen.$": "$"},
            "Next": "Route",
        },
        "Route": {
            "Type": "Choice",
            "Default": "Each",
            "Choices": [{"Variable": "$.count", "NumericGreaterThan": 2, "Next": "Both"}],
        },
        "Both": {
            "Type": "Parallel",
            "Next": "Done",
            "Branches": [
                {
                    "StartAt": "Call",
                    "States": {
                        "Call": {
                            "Type": "Task",
                            "Resource": RESOURCE,
                            "End": True,
                            "Retry": [{"ErrorEquals": ["Flaky"], "MaxAttempts": 1}],
                        }
                    },
                },
                {
                    "StartAt": "Nata",
                    "States": {
                        "Nata": {
                            "Type": "Pass",
                            "QueryLanguage": "JSONata",
                            "Output": "{% $string($states.input) %}",
                            "End": True,
                        }
                    },
                },
            ],
        },
        "Each": {
            "Type": "Map",
            "ItemsPath": "$$.Execution.Input.items",
            "MaxConcurrency": 2,
            "ItemSelector": {"v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index"},
            "ItemProcessor": {
                "StartAt": "Fmt",
                "States": {
                    "Fmt": {
                        "Type": "Pass",
                        "Parameters": {"s.$": "States.Format('{} at {}', $.i, $.i)"},
                        "End": True,
                    }
                },
            },
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done", "ResultPath": "$.error"}],
            "Next": "Done",
        },
        "Done": {"Type": "Succeed"},
    },
}


def handler(arguments, invocation):
    if invocation.attempt == 0:
        raise TaskFailure("Flaky", "first try")
    return {"got": arguments}


@settings(max_examples=150, deadline=None)
@given(JSON)
def test_any_input_gives_an_execution_outcome(data):
    execution = execute(DEFINITION, data, handlers={RESOURCE: handler})
    assert execution.status in ("SUCCEEDED", "FAILED")
    if execution.status == "FAILED":
        assert execution.error.startswith("States.")
    assert execution.history[-1]["type"] in ("ExecutionSucceeded", "ExecutionFailed")
