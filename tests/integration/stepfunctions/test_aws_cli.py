"""The AWS CLI, unchanged but for --endpoint-url, against `sma stepfunctions serve` started as a user
starts it: the command's own process, configured by SFN_MOCK_CONFIG, printing Step Functions Local's
start-up line ("Starting server on port 8083 with account 123456789012, region us-east-1", which wrappers
such as testcontainers wait for). Commands and options: the AWS CLI reference for `aws stepfunctions`;
the `#TestCase` suffix: "Using mocked service integrations for testing in Step Functions Local"."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
MACHINE = {
    "StartAt": "Charge",
    "States": {
        "Charge": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "charge", "Payload.$": "$"},
            "ResultSelector": {"charged.$": "$.Payload.charged"},
            "End": True,
        }
    },
}
MOCKS = {
    "StateMachines": {"Payments": {"TestCases": {"Charged": {"Charge": "ChargeOk"}}}},
    "MockedResponses": {"ChargeOk": {"0": {"Return": {"StatusCode": 200, "Payload": {"charged": 12.5}}}}},
}


@pytest.fixture
def server(tmp_path):
    """`sma stepfunctions serve --port 0` in its own process; yields its URL."""
    mocks = tmp_path / "MockConfigFile.json"
    mocks.write_text(json.dumps(MOCKS))
    env = {**os.environ, "SFN_MOCK_CONFIG": str(mocks), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "sma", "stepfunctions", "serve", "--port", "0"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        match = re.fullmatch(
            r"Starting server on port (\d+) with account 123456789012, region us-east-1\n", line
        )
        assert match, (line, process.stderr.read() if process.poll() is not None else "")
        yield f"http://127.0.0.1:{match[1]}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def aws(url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "anything",
        "AWS_SECRET_ACCESS_KEY": "anything",
        "AWS_DEFAULT_REGION": "us-central-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    return subprocess.run(
        [sys.executable, "-m", "awscli", "stepfunctions", *args, "--endpoint-url", url, "--output", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=check,
        timeout=60,
    )


def test_the_aws_cli_runs_a_mocked_test_case(server, tmp_path):
    definition = tmp_path / "payments.asl.json"
    definition.write_text(json.dumps(MACHINE))
    created = json.loads(
        aws(
            server,
            "create-state-machine",
            "--name",
            "Payments",
            "--definition",
            f"file://{definition}",
            "--role-arn",
            "arn:aws:iam::123456789012:role/DummyRole",
        ).stdout
    )
    arn = created["stateMachineArn"]
    assert arn == "arn:aws:states:us-east-1:123456789012:stateMachine:Payments"
    started = json.loads(
        aws(
            server,
            "start-execution",
            "--state-machine-arn",
            f"{arn}#Charged",
            "--name",
            "pay-1",
            "--input",
            '{"amount": 12.5}',
        ).stdout
    )
    execution = started["executionArn"]
    assert execution == "arn:aws:states:us-east-1:123456789012:execution:Payments:pay-1"
    for _ in range(500):
        described = json.loads(aws(server, "describe-execution", "--execution-arn", execution).stdout)
        if described["status"] != "RUNNING":
            break
        time.sleep(0.02)
    assert (described["status"], json.loads(described["output"])) == ("SUCCEEDED", {"charged": 12.5})
    history = json.loads(aws(server, "get-execution-history", "--execution-arn", execution).stdout)["events"]
    assert [event["type"] for event in history][-3:] == [
        "TaskSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    listed = json.loads(aws(server, "list-executions", "--state-machine-arn", arn).stdout)["executions"]
    assert [item["name"] for item in listed] == ["pay-1"]


def test_the_aws_cli_reports_aws_errors(server):
    missing = aws(
        server,
        "describe-state-machine",
        "--state-machine-arn",
        "arn:aws:states:us-east-1:123456789012:stateMachine:Nope",
        check=False,
    )
    assert missing.returncode != 0
    assert (
        "An error occurred (StateMachineDoesNotExist) when calling the DescribeStateMachine operation: "
        "State Machine Does Not Exist: 'arn:aws:states:us-east-1:123456789012:stateMachine:Nope'"
    ) in missing.stderr
