"""`sma stepfunctions serve` benchmark: start-up time and the round trip of a small mocked workflow.

    .venv/bin/python benchmarks/stepfunctions_serve.py [--starts 5] [--executions 200]

1. Start-up: from launching `python -m sma stepfunctions serve --port 0` to its start-up line
   ("Starting server on port N ..."), the moment suites start sending requests; then the first
   request answered, boto3 client creation included (botocore's model loads in the background meanwhile).
2. Executions: a four-state workflow (an aws-sdk Task and a lambda:invoke Task answered from the mock
   config, a Choice, a Succeed) started on `<ARN>#HappyPath` through boto3, as suites do: StartExecution until
   DescribeExecution reports SUCCEEDED, and StartSyncExecution on an Express copy; p50 / p95 in ms.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
from botocore.config import Config

ROOT = Path(__file__).resolve().parent.parent
ROLE = "arn:aws:iam::123456789012:role/DummyRole"
MACHINE = {
    "StartAt": "Detect",
    "States": {
        "Detect": {
            "Type": "Task",
            "Resource": "arn:aws:states:::aws-sdk:comprehend:detectSentiment",
            "Parameters": {"Text.$": "$.text", "LanguageCode": "en"},
            "ResultPath": "$.sentiment",
            "Next": "Notify",
        },
        "Notify": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "notify", "Payload.$": "$"},
            "ResultPath": "$.notified",
            "Next": "Positive?",
        },
        "Positive?": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.sentiment.Sentiment", "StringEquals": "POSITIVE", "Next": "Done"}],
            "Default": "Done",
        },
        "Done": {"Type": "Succeed"},
    },
}
MOCKS = {
    "StateMachines": {
        name: {"TestCases": {"HappyPath": {"Detect": "Positive", "Notify": "Sent"}}}
        for name in ("Bench", "BenchExpress")
    },
    "MockedResponses": {
        "Positive": {"0": {"Return": {"Sentiment": "POSITIVE"}}},
        "Sent": {"0": {"Return": {"StatusCode": 200, "Payload": {"ok": True}}}},
    },
}


def start_server(mock_path: Path) -> tuple[subprocess.Popen, str, float]:
    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "sma", "stepfunctions", "serve", "--port", "0"],
        env={**os.environ, "SFN_MOCK_CONFIG": str(mock_path), "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    elapsed = time.perf_counter() - began
    started = re.match(r"Starting server on port (\d+)", line)
    if started is None:
        raise RuntimeError(f"the server printed {line!r} instead of its start-up line")
    port = started[1]
    return process, f"http://127.0.0.1:{port}", elapsed


def client(url: str):
    return boto3.client(
        "stepfunctions",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(inject_host_prefix=False, retries={"max_attempts": 1}),
    )


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--executions", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        mock_path = Path(folder) / "MockConfigFile.json"
        mock_path.write_text(json.dumps(MOCKS))

        listening, first_answer = [], []
        for _ in range(args.starts):
            began = time.perf_counter()
            process, url, elapsed = start_server(mock_path)
            client(url).list_state_machines()
            first_answer.append(time.perf_counter() - began)
            listening.append(elapsed)
            process.terminate()
            process.wait()
        print(f"start-up line after      {percentiles(listening)} (over {args.starts} starts)")
        print(f"first request answered   {percentiles(first_answer)}")

        process, url, _ = start_server(mock_path)
        try:
            sfn = client(url)
            standard = sfn.create_state_machine(name="Bench", definition=json.dumps(MACHINE), roleArn=ROLE)
            express = sfn.create_state_machine(
                name="BenchExpress", definition=json.dumps(MACHINE), roleArn=ROLE, type="EXPRESS"
            )
            runs = []
            for index in range(args.executions):
                began = time.perf_counter()
                arn = sfn.start_execution(
                    stateMachineArn=standard["stateMachineArn"] + "#HappyPath",
                    name=f"run-{index}",
                    input='{"text": "lovely"}',
                )["executionArn"]
                while sfn.describe_execution(executionArn=arn)["status"] == "RUNNING":
                    time.sleep(0.0005)
                runs.append(time.perf_counter() - began)
            print(f"StartExecution → SUCCEEDED (Standard, mocked, 4 states)  {percentiles(runs)}")
            syncs = []
            for _ in range(args.executions):
                began = time.perf_counter()
                result = sfn.start_sync_execution(
                    stateMachineArn=express["stateMachineArn"] + "#HappyPath", input='{"text": "lovely"}'
                )
                assert result["status"] == "SUCCEEDED", result
                syncs.append(time.perf_counter() - began)
            print(f"StartSyncExecution (Express, mocked, 4 states)           {percentiles(syncs)}")
        finally:
            process.terminate()
            process.wait()


if __name__ == "__main__":
    main()
