"""Executions: started on a thread each (StartSyncExecution on the caller's), with a history that
GetExecutionHistory reads while they run, StopExecution, and the test case of a `#TestCase` ARN."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from integrations.stepfunctions.api import names
from integrations.stepfunctions.api.activities import Activities
from integrations.stepfunctions.api.callbacks import TaskTokens
from integrations.stepfunctions.api.clock import ExecutionStopped, ServedClock
from integrations.stepfunctions.api.config import ServerConfig
from integrations.stepfunctions.api.errors import ApiError, execution_missing
from integrations.stepfunctions.api.machines import StateMachine
from integrations.stepfunctions.api.mock_source import MockConfigSource
from integrations.stepfunctions.api.services import RealServices, StateLimits
from workflows.engine import DefinitionError, execute
from workflows.engine.history import EVENT_LIMIT, EXPRESS_EVENT_LIMIT, History
from workflows.harness.mock_config import MockConfigError, MockedResponse
from workflows.harness.mocking import MockedServices
from workflows.validation.walk import walk_states

_MAX_INPUT_BYTES = 256 * 1024


@dataclass
class ExecutionRecord:
    arn: str
    name: str
    machine: StateMachine  # as it was when the execution started (DescribeStateMachineForExecution)
    input: str
    start: datetime
    history: History
    stopped: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    status: str = "RUNNING"
    output: str | None = None
    error: str | None = None
    cause: str | None = None
    stop: datetime | None = None
    stop_request: tuple[str | None, str | None] = (None, None)

    def describe(self) -> dict[str, Any]:
        described: dict[str, Any] = {
            "executionArn": self.arn,
            "stateMachineArn": self.machine.arn,
            "name": self.name,
            "status": self.status,
            "startDate": self.start,
            "input": self.input,
            "inputDetails": {"included": True},
        }
        if self.stop is not None:
            described["stopDate"] = self.stop
        if self.output is not None:
            described["output"] = self.output
            described["outputDetails"] = {"included": True}
        for key, value in (("error", self.error), ("cause", self.cause)):
            if value is not None:
                described[key] = value
        return described

    def summary(self) -> dict[str, Any]:
        keys = ("executionArn", "stateMachineArn", "name", "status", "startDate", "stopDate")
        described = self.describe()
        return {key: described[key] for key in keys if key in described}


class Executions:
    def __init__(
        self,
        config: ServerConfig,
        tokens: TaskTokens,
        mock_config: MockConfigSource | None,
        activities: Activities,
    ) -> None:
        self.config = config
        self.tokens = tokens
        self.activities = activities
        self.own_url: str | None = None  # set once the server listens
        self.mock_config = mock_config
        self._records: dict[str, ExecutionRecord] = {}
        self._lock = threading.Lock()

    def start(
        self,
        machine: StateMachine,
        name: str | None,
        input_text: str | None,
        test_case: str | None,
        *,
        sync: bool,
    ) -> ExecutionRecord:
        input_text = "{}" if input_text is None else input_text
        document = _checked_input(input_text)
        name = names.check_name(name) if name is not None else str(uuid.uuid4())
        mocks = self._mocks(machine.name, test_case)
        express = machine.type == "EXPRESS"
        region, account = machine.arn.split(":")[3:5]
        arn = names.execution_arn(region, account, machine.name, name, str(uuid.uuid4()) if express else None)
        with self._lock:
            existing = self._records.get(arn)
            if existing is not None:
                # A Standard execution started again with the same name and input while it runs is the
                # same execution (StartExecution is idempotent then); otherwise the name is taken.
                if existing.status == "RUNNING" and existing.input == input_text and not sync:
                    return existing
                raise ApiError("ExecutionAlreadyExists", f"Execution Already Exists: '{arn}'")
            record = ExecutionRecord(
                arn=arn,
                name=name,
                machine=machine,
                input=input_text,
                start=datetime.now(UTC),
                history=History(EXPRESS_EVENT_LIMIT if express else EVENT_LIMIT),
            )
            self._records[arn] = record
        if sync:
            self._run(record, document, mocks)
        else:
            threading.Thread(
                target=self._run, args=(record, document, mocks), name=f"execution-{name}", daemon=True
            ).start()
            _until_started(record)
        return record

    def services(self, limits: Mapping[str, StateLimits], stopped: threading.Event) -> RealServices:
        """The handler for the Tasks of one execution that no mock answers."""
        return RealServices(
            self.config, self.tokens, limits, stopped, activities=self.activities, own_url=self.own_url
        )

    def get(self, arn: str) -> ExecutionRecord:
        record = self._records.get(arn)
        if record is None:
            raise execution_missing(arn)
        return record

    def of_machine(self, machine_arn: str, status: str | None = None) -> list[ExecutionRecord]:
        records = [
            record
            for record in self._records.values()
            if record.machine.arn == machine_arn and (status is None or record.status == status)
        ]
        return sorted(records, key=lambda record: record.start, reverse=True)

    def stop(self, arn: str, error: str | None, cause: str | None) -> datetime:
        record = self.get(arn)
        if record.status == "RUNNING":
            record.stop_request = (error, cause)
            record.stopped.set()
            record.done.wait(10)
        return record.stop or datetime.now(UTC)

    # -- running -----------------------------------------------------------------------------------
    def _mocks(self, machine: str, test_case: str | None) -> Mapping[str, MockedResponse] | None:
        if test_case is None:
            return None
        if self.mock_config is None:
            raise ApiError(
                "ValidationException",
                f"Test case '{test_case}' was requested but no mock configuration is loaded: start the "
                "server with SFN_MOCK_CONFIG=<MockConfigFile.json>",
            )
        try:
            return self.mock_config.current().mocks(machine, test_case)
        except MockConfigError as error:
            raise ApiError("ValidationException", str(error)) from None

    def _run(
        self, record: ExecutionRecord, document: Any, mocks: Mapping[str, MockedResponse] | None
    ) -> None:
        machine = record.machine
        services = self.services(_limits(machine.definition), record.stopped)
        try:
            execution = execute(
                machine.definition,
                document,
                handlers={"*": services},
                interceptor=MockedServices(mocks) if mocks is not None else None,
                name=record.name,
                execution_arn=record.arn,
                clock=ServedClock(self.config.wait_time_scale, record.stopped),
                state_machine_type=machine.type,
                state_machine_arn=machine.arn,
                role_arn=machine.role_arn,
                history=record.history,
            )
            record.status, record.error, record.cause = execution.status, execution.error, execution.cause
            record.output = execution.output_json
        except ExecutionStopped:
            error, cause = record.stop_request
            details = {key: value for key, value in (("error", error), ("cause", cause)) if value is not None}
            events = record.history.events
            record.history.add(
                "ExecutionAborted",
                datetime.now(UTC),
                events[-1]["id"] if events else 0,
                "executionAbortedEventDetails",
                details,
            )
            record.status, record.error, record.cause = "ABORTED", error, cause
        except DefinitionError as limitation:  # valid ASL that the local engine cannot run
            record.status, record.error = "FAILED", "States.Runtime"
            record.cause = f"The local engine cannot run this definition: {limitation}"
            now = datetime.now(UTC)
            started = {
                "input": record.input,
                "inputDetails": {"truncated": False},
                "roleArn": machine.role_arn,
            }
            record.history.add("ExecutionStarted", now, 0, "executionStartedEventDetails", started)
            failed = {"error": record.error, "cause": record.cause}
            record.history.add("ExecutionFailed", now, 1, "executionFailedEventDetails", failed)
        except Exception as crash:  # an engine defect must still end the execution, visibly
            record.status, record.error = "FAILED", "States.Runtime"
            record.cause = f"The local engine failed: {type(crash).__name__}: {crash}"
        record.stop = datetime.now(UTC)
        record.done.set()


def _until_started(record: ExecutionRecord, limit: float = 5.0) -> None:
    """Return once the ExecutionStarted event is in the history (microseconds after the thread starts),
    so that a GetExecutionHistory right after StartExecution shows it, as on AWS."""
    deadline = time.monotonic() + limit
    while not record.history.events and not record.done.is_set() and time.monotonic() < deadline:
        time.sleep(0.0005)


def _checked_input(text: str) -> Any:
    if len(text.encode()) > _MAX_INPUT_BYTES:
        raise ApiError(
            "InvalidExecutionInput",
            f"Invalid Execution Input: 'The input exceeds the maximum size of {_MAX_INPUT_BYTES} bytes'",
        )
    try:
        return json.loads(text)
    except ValueError as error:
        raise ApiError("InvalidExecutionInput", f"Invalid State Machine Execution Input: '{error}'") from None


def _limits(definition: str) -> dict[str, StateLimits]:
    limits = {}
    for walked in walk_states(json.loads(definition)):
        name, state = walked.name, walked.state
        timeout, heartbeat = state.get("TimeoutSeconds"), state.get("HeartbeatSeconds")
        limits[name] = StateLimits(
            float(timeout) if isinstance(timeout, int | float) else None,
            float(heartbeat) if isinstance(heartbeat, int | float) else None,
        )
    return limits
