"""Per-transition overhead of the local ASL engine, against moto's Step Functions interpreter.

Two definitions: a chain of 200 Pass states and an inline Map over 200 items (one Pass per item). Each
runs on `workflows.engine.execute` and, in the same process, on moto (`mock_aws` with
`execute_state_machine`: create the state machine, start an execution, poll DescribeExecution). Prints
microseconds per state transition for both and the ratio.

    .venv/bin/python benchmarks/engine.py
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workflows.engine import execute

CHAIN_LENGTH = 200
MAP_ITEMS = 200
REGION = "eu-west-2"


def pass_chain(length: int) -> dict:
    states: dict[str, dict[str, Any]] = {
        f"S{i}": {"Type": "Pass", "Next": f"S{i + 1}"} for i in range(length - 1)
    }
    states[f"S{length - 1}"] = {"Type": "Pass", "End": True}
    return {"StartAt": "S0", "States": states}


def inline_map() -> dict:
    return {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "End": True,
                "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
            }
        },
    }


def task_chain(length: int) -> dict:
    states: dict[str, dict[str, Any]] = {
        f"S{i}": {
            "Type": "Task",
            "Resource": SENTIMENT,
            "Parameters": {"Text.$": "$.text"},
            "ResultPath": "$.r",
            "Next": f"S{i + 1}",
        }
        for i in range(length - 1)
    }
    states[f"S{length - 1}"] = {"Type": "Task", "Resource": SENTIMENT, "End": True}
    return {"StartAt": "S0", "States": states}


def jsonata_chain(length: int) -> dict:
    states: dict[str, dict[str, Any]] = {
        f"S{i}": {"Type": "Pass", "Output": {"n": "{% $states.input.n + 1 %}"}, "Next": f"S{i + 1}"}
        for i in range(length - 1)
    }
    states[f"S{length - 1}"] = {"Type": "Pass", "End": True}
    return {"QueryLanguage": "JSONata", "StartAt": "S0", "States": states}


SENTIMENT = "arn:aws:states:::aws-sdk:comprehend:detectSentiment"
HANDLERS = {SENTIMENT: lambda arguments, invocation: {"Sentiment": "POSITIVE"}}
# Engine-only cases: moto cannot run these without the services behind them.
ENGINE_ONLY: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    f"aws-sdk Task chain ({CHAIN_LENGTH})": (task_chain(CHAIN_LENGTH), {"text": "good"}),
    f"JSONata Pass chain ({CHAIN_LENGTH})": (jsonata_chain(CHAIN_LENGTH), {"n": 0}),
}
CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    f"Pass chain ({CHAIN_LENGTH} states)": (pass_chain(CHAIN_LENGTH), {"n": 1}),
    f"inline Map ({MAP_ITEMS} items)": (inline_map(), {"items": list(range(MAP_ITEMS))}),
}


def engine_per_transition(definition: dict, data: dict, repeats: int = 30) -> tuple[float, int]:
    execute(definition, data, handlers=HANDLERS)  # compile once (cached), as a deployed definition would be
    timings = []
    transitions = 0
    for _ in range(repeats):
        started = time.perf_counter()
        execution = execute(definition, data, handlers=HANDLERS)
        timings.append(time.perf_counter() - started)
        assert execution.status == "SUCCEEDED", execution.cause
        transitions = execution.transitions
    return statistics.median(timings) / transitions * 1e6, transitions


def moto_per_transition(definition: dict, data: dict, transitions: int, repeats: int = 3) -> float:
    import boto3
    from moto import mock_aws

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        client = boto3.client("stepfunctions", region_name=REGION)
        arn = client.create_state_machine(
            name="bench",
            definition=json.dumps(definition),
            roleArn="arn:aws:iam::123456789012:role/bench",
        )["stateMachineArn"]
        timings = []
        for attempt in range(repeats):
            started = time.perf_counter()
            execution_arn = client.start_execution(
                stateMachineArn=arn, name=f"run-{attempt}", input=json.dumps(data)
            )["executionArn"]
            while True:
                status = client.describe_execution(executionArn=execution_arn)["status"]
                if status != "RUNNING":
                    break
                time.sleep(0.001)
            timings.append(time.perf_counter() - started)
            if status != "SUCCEEDED":
                raise SystemExit(f"moto execution ended {status}")
    return statistics.median(timings) / transitions * 1e6


def main() -> None:
    print(f"{'case':<28} {'engine us/transition':>21} {'moto us/transition':>19} {'ratio':>8}")
    for label, (definition, data) in CASES.items():
        ours, transitions = engine_per_transition(definition, data)
        theirs = moto_per_transition(definition, data, transitions)
        print(f"{label:<28} {ours:>21.1f} {theirs:>19.1f} {theirs / ours:>7.0f}x", flush=True)
    for label, (definition, data) in ENGINE_ONLY.items():
        ours, _ = engine_per_transition(definition, data, repeats=10)
        print(f"{label:<28} {ours:>21.1f} {'-':>19} {'-':>8}", flush=True)
    print(f"(transitions per execution counted by the engine; medians; python {sys.version.split()[0]})")


if __name__ == "__main__":
    main()
