"""Every history event the engine records fits GetExecutionHistory's HistoryEvent shape in botocore's
Step Functions service model (event type enum, detail members and their types), so the local Step
Functions service can return it as AWS would.

Reference: https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
"""

from __future__ import annotations

from datetime import datetime

import botocore.session
import pytest
from engine_support import chain, single

from workflows.engine import TaskFailure, execute

MODEL = botocore.session.get_session().get_service_model("stepfunctions")
EVENT = MODEL.shape_for("HistoryEvent")
TYPES = set(MODEL.shape_for("HistoryEventType").enum)
SDK = "arn:aws:states:::aws-sdk:comprehend:detectSentiment"
LAMBDA_ARN = "arn:aws:lambda:us-east-1:123456789012:function:F"


def conforms(value, shape, where):
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(value, dict), where
        unknown = set(value) - set(shape.members)
        assert not unknown, f"{where}: {sorted(unknown)} are not members of {shape.name}"
        for key, item in value.items():
            conforms(item, shape.members[key], f"{where}.{key}")
    elif kind == "string":
        assert isinstance(value, str), f"{where}: {value!r} is not a string"
        if shape.enum:
            assert value in shape.enum, f"{where}: {value!r} not in {shape.enum}"
    elif kind == "long" or kind == "integer":
        assert type(value) is int, f"{where}: {value!r} is not an integer"
    elif kind == "boolean":
        assert type(value) is bool, where
    elif kind == "timestamp":
        assert isinstance(value, datetime) and value.tzinfo is not None, where
    else:
        raise AssertionError(f"{where}: unexpected shape type {kind}")


def failing(arguments, invocation):
    raise TaskFailure("Bad", "why")


def slow(arguments, invocation):
    invocation.clock.sleep(5)
    return {}


EXECUTIONS = {
    "pass-wait-choice-succeed": lambda: execute(
        chain(
            ("P", {"Type": "Pass", "Result": 1}),
            ("W", {"Type": "Wait", "Seconds": 1}),
            ("C", {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 1, "Next": "S"}]}),
            ("S", {"Type": "Succeed"}),
        ),
        {},
    ),
    "tasks": lambda: execute(
        chain(
            ("T", {"Type": "Task", "Resource": SDK, "TimeoutSeconds": 10, "HeartbeatSeconds": 5}),
            ("L", {"Type": "Task", "Resource": LAMBDA_ARN, "TimeoutSeconds": 3}),
        ),
        {},
        handlers={SDK: lambda arguments, invocation: {"ok": True}},
        functions={"F": lambda event, context: 1},
    ),
    "task-failures": lambda: execute(
        chain(
            ("T", {"Type": "Task", "Resource": SDK, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "L"}]}),
            ("L", {"Type": "Task", "Resource": LAMBDA_ARN, "TimeoutSeconds": 1}),
        ),
        {},
        handlers={SDK: failing, LAMBDA_ARN: slow},
    ),
    "task-timeout": lambda: execute(
        single({"Type": "Task", "Resource": SDK, "TimeoutSeconds": 2}), {}, handlers={SDK: slow}
    ),
    "map-parallel-fail": lambda: execute(
        chain(
            (
                "M",
                {
                    "Type": "Map",
                    "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}},
                },
            ),
            (
                "P",
                {
                    "Type": "Parallel",
                    "Branches": [
                        {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "C"}}}
                    ],
                },
            ),
        ),
        [1, 2],
    ),
    "jsonata-failure": lambda: execute(
        single({"Type": "Pass", "Output": "{% $nothing %}"}, QueryLanguage="JSONata"), {}
    ),
    "timed-out": lambda: execute(single({"Type": "Wait", "Seconds": 10}, TimeoutSeconds=1), {}),
}


@pytest.mark.parametrize("case", sorted(EXECUTIONS))
def test_history_events_fit_the_service_model(case):
    execution = EXECUTIONS[case]()
    assert execution.history
    for event in execution.history:
        assert event["type"] in TYPES
        conforms(event, EVENT, f"{case}#{event['id']} {event['type']}")
