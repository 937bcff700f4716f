"""Starts the Step Functions emulator for the session and creates the state machine under test.

Written as AWS's Step Functions Local samples are; the one difference is the line that starts the
emulator: `sma stepfunctions serve` instead of the `amazon/aws-stepfunctions-local` container.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

HERE = Path(__file__).resolve().parent
MOCK_CONFIG = HERE.parent / "statemachine" / "test" / "MockConfigFile.json"
DEFINITION = HERE.parent / "statemachine" / "order.asl.json"
STATE_MACHINE_NAME = "OrderWorkflow"  # the name under "StateMachines" in the mock config


@pytest.fixture(scope="session")
def endpoint_url():
    """The emulator, started with the mock config (Step Functions Local reads SFN_MOCK_CONFIG too)."""
    # With Step Functions Local this line was
    #   docker run -p 8083:8083 -e SFN_MOCK_CONFIG=... amazon/aws-stepfunctions-local
    emulator = subprocess.Popen(
        [sys.executable, "-m", "sma", "stepfunctions", "serve", "--port", os.environ.get("SFN_PORT", "0")],
        env={**os.environ, "SFN_MOCK_CONFIG": str(MOCK_CONFIG)},
        stdout=subprocess.PIPE,
        text=True,
    )
    # The same start-up line Step Functions Local prints, with the port it listens on.
    started = re.match(r"Starting server on port (\d+)", emulator.stdout.readline())
    assert started, "the emulator did not start"
    yield f"http://localhost:{started[1]}"
    emulator.terminate()
    emulator.wait()


@pytest.fixture(scope="session")
def sfn_client(endpoint_url):
    return boto3.client(
        "stepfunctions",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


@pytest.fixture(scope="session")
def state_machine_arn(sfn_client):
    return sfn_client.create_state_machine(
        name=STATE_MACHINE_NAME,
        definition=DEFINITION.read_text(),
        roleArn="arn:aws:iam::123456789012:role/DummyRole",
    )["stateMachineArn"]
