"""Helpers for tests of the served Step Functions API: a running server and the clients that reach it."""

from __future__ import annotations

import http.client
import json
import time
from typing import Any

import boto3
from botocore.config import Config

from integrations.stepfunctions.api import Backend

ROLE = "arn:aws:iam::123456789012:role/DummyRole"


class Served:
    """One running server: its URL, a boto3 client, and raw JSON 1.0 calls for wire-level checks."""

    def __init__(self, url: str, backend: Backend) -> None:
        self.url = url
        self.backend = backend
        # A region no AWS endpoint has: Step Functions Local accepts any, and so must we.
        self.client = boto3.client(
            "stepfunctions",
            endpoint_url=url,
            region_name="us-central-1",
            aws_access_key_id="anything",
            aws_secret_access_key="anything",
            config=Config(retries={"max_attempts": 1}),
        )

    def raw(self, operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        host, port = self.url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        connection.request(
            "POST",
            "/",
            body=json.dumps(body),
            headers={
                "X-Amz-Target": f"AWSStepFunctions.{operation}",
                "Content-Type": "application/x-amz-json-1.0",
            },
        )
        response = connection.getresponse()
        data = json.loads(response.read() or b"{}")
        connection.close()
        return response.status, data

    def create(self, name: str, definition: dict[str, Any], machine_type: str = "STANDARD") -> str:
        return self.client.create_state_machine(
            name=name, definition=json.dumps(definition), roleArn=ROLE, type=machine_type
        )["stateMachineArn"]

    def finish(self, execution_arn: str, timeout: float = 20) -> dict[str, Any]:
        """DescribeExecution once the execution is no longer RUNNING (polled, as suites do)."""
        deadline = time.monotonic() + timeout
        while True:
            described = self.client.describe_execution(executionArn=execution_arn)
            if described["status"] != "RUNNING" or time.monotonic() > deadline:
                return described
            time.sleep(0.01)

    def history(self, execution_arn: str, **options: Any) -> list[dict[str, Any]]:
        return self.client.get_execution_history(executionArn=execution_arn, **options)["events"]


def event_types(events: list[dict[str, Any]]) -> list[str]:
    return [event["type"] for event in events]


def details(event: dict[str, Any]) -> dict[str, Any]:
    return next(value for key, value in event.items() if key.endswith("EventDetails"))
