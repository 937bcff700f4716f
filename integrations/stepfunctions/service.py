"""StartExecution, StartSyncExecution, DescribeExecution, ListExecutions and GetExecutionHistory over the
local ASL engine, with boto3's method names and keyword arguments and Step Functions' error codes."""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from integrations.errors import ServiceError
from integrations.identity import DEFAULT_ACCOUNT_ID, DEFAULT_REGION
from integrations.stepfunctions.store import ExecutionStore, JsonText
from integrations.unicode_text import PAYLOAD_LIMIT, json_text, utf8_size
from workflows import json_codec

# How an execution was started: by StartExecution (nobody waits) or StartSyncExecution (the caller waits).
Invocation = Literal["async", "sync"]
ASYNC: Invocation = "async"
SYNC: Invocation = "sync"
CALLER_RETRIES = (
    "The local cloud stopped while this synchronous execution ran: its caller got no answer and starts "
    "the work again itself, so it is not run again here."
)
# Step Functions' rule for execution names: 1-80 characters, none of whitespace, brackets, wildcards,
# special characters or control characters.
_INVALID_NAME = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f]")

Listener = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class StateMachineDefinition:
    """A state machine as created: its definition is final (substitutions already applied)."""

    name: str
    definition: dict[str, Any]
    type: Literal["STANDARD", "EXPRESS"]

    @cached_property
    def text(self) -> str:
        """The definition as JSON text: what the engine compiles (and caches) by, written out once."""
        return json.dumps(self.definition)


def _error(code: str, message: str) -> ServiceError:
    return ServiceError("states", code, message)


def _now() -> datetime:
    return datetime.now(UTC)


class StepFunctionsService:
    """Runs executions on the engine: Standard and async Express on a worker pool, sync Express inline.

    `engine_options` (handlers, functions, clock, …) are passed to `workflows.engine.execute` for every
    execution; `set_engine_options` may complete them after construction, because the handlers of a
    local cloud include this service itself (`states:startExecution`).
    """

    def __init__(
        self,
        *,
        path: Path,
        account: str = DEFAULT_ACCOUNT_ID,
        region: str = DEFAULT_REGION,
        workers: int = 2,
    ) -> None:
        self.account = account
        self.region = region
        self._machines: dict[str, StateMachineDefinition] = {}
        self._engine_options: dict[str, Any] = {}
        self._store = ExecutionStore(path)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="execution")
        self._running: set[Future[Any]] = set()
        self._lock = threading.Lock()
        self._abandoned = False
        self._idle = threading.Condition(self._lock)
        self._listeners: list[Listener] = []

    # -- set-up -------------------------------------------------------------------------------------
    def create_state_machine(self, machine: StateMachineDefinition) -> str:
        arn = self.state_machine_arn(machine.name)
        self._machines[arn] = machine
        return arn

    def state_machine_arn(self, name: str) -> str:
        return f"arn:aws:states:{self.region}:{self.account}:stateMachine:{name}"

    @property
    def engine_options(self) -> dict[str, Any]:
        """A copy of the options every execution runs with."""
        return dict(self._engine_options)

    def set_engine_options(self, **options: Any) -> None:
        self._engine_options.update(options)

    def on_execution_finished(self, listener: Listener) -> None:
        """Call `listener(description)` after every execution ends (the CLI's live feed)."""
        self._listeners.append(listener)

    # -- the API ------------------------------------------------------------------------------------
    def start_execution(
        self, *, stateMachineArn: str, input: str = "{}", name: str | None = None, **_: Any
    ) -> dict[str, Any]:
        machine, document, name = self._prepare(stateMachineArn, input, name)
        if machine.type == "STANDARD":
            existing = self._store.get(self._execution_arn(machine, name))
            if existing is not None:
                # Step Functions: the same name and input while running is the same execution.
                if existing["status"] == "RUNNING" and existing["input"] == document:
                    return {"executionArn": existing["arn"], "startDate": _date(existing["start_date"])}
                raise _error("ExecutionAlreadyExists", f"Execution Already Exists: '{existing['arn']}'")
        row = self._record_start(machine, name, document, ASYNC)
        self._submit(machine, row)
        return {"executionArn": row["arn"], "startDate": _date(row["start_date"])}

    def start_sync_execution(
        self, *, stateMachineArn: str, input: str = "{}", name: str | None = None, **_: Any
    ) -> dict[str, Any]:
        machine, document, name = self._prepare(stateMachineArn, input, name)
        if machine.type != "EXPRESS":
            raise _error(
                "StateMachineTypeNotSupported",
                "This operation is not supported by this type of state machine",
            )
        row = self._record_start(machine, name, document, SYNC)
        return self._sync_response(self._run(machine, row) or row)

    def describe_execution(self, *, executionArn: str, **_: Any) -> dict[str, Any]:
        row = self._store.get(executionArn)
        if row is None:
            raise _error("ExecutionDoesNotExist", f"Execution Does Not Exist: '{executionArn}'")
        return self._description(row)

    def list_executions(
        self, *, stateMachineArn: str, statusFilter: str | None = None, maxResults: int = 100, **_: Any
    ) -> dict[str, Any]:
        if stateMachineArn not in self._machines:
            raise _error("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{stateMachineArn}'")
        rows = self._store.list(stateMachineArn, statusFilter, maxResults)
        keys = ("executionArn", "stateMachineArn", "name", "status", "startDate", "stopDate")
        return {"executions": [{key: self._description(row).get(key) for key in keys} for row in rows]}

    def get_execution_history(
        self, *, executionArn: str, reverseOrder: bool = False, **_: Any
    ) -> dict[str, Any]:
        row = self._store.get(executionArn)
        if row is None:
            raise _error("ExecutionDoesNotExist", f"Execution Does Not Exist: '{executionArn}'")
        events = list(row["history"] or [])
        return {"events": events[::-1] if reverseOrder else events}

    # -- for the local cloud and the CLI ------------------------------------------------------------
    def executions(self, state_machine: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        arn = self.state_machine_arn(state_machine) if state_machine else None
        return self._store.list(arn, None, limit)

    def find(self, name_or_arn: str) -> dict[str, Any] | None:
        return self._store.find(name_or_arn)

    def recover(self) -> int:
        """Start again every execution a crash left RUNNING; returns how many (at-least-once).

        Not those started by StartSyncExecution: their caller waited for the answer, got none, and
        starts the work again itself (the pipe retries its batch); running them here as well would do
        it twice. They end ABORTED, saying why."""
        again = 0
        for row in self._store.list(status="RUNNING", limit=1_000_000):
            machine = self._machines.get(row["state_machine_arn"])
            if row.get("invocation") == SYNC:
                self._store.update(
                    row["arn"],
                    status="ABORTED",
                    stop_date=_now().isoformat(),
                    cause=CALLER_RETRIES,
                )
            elif machine is not None:
                self._submit(machine, row)
                again += 1
        return again

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until no execution is running; False if `timeout` passed first."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._running, timeout)

    def stop(self, grace_seconds: float) -> int:
        """Wait up to `grace_seconds` for the running executions; those still running then are
        abandoned: nothing they do afterwards is recorded, so they stay RUNNING in the store and
        `recover()` runs them again at the next start (at-least-once, never FAILED by a stop).
        Returns how many were abandoned."""
        self.wait_idle(grace_seconds)
        with self._lock:
            self._abandoned = True
            return len(self._running)

    def close(self) -> None:
        with self._lock:
            abandoned = self._abandoned
        self._pool.shutdown(wait=not abandoned, cancel_futures=True)
        with self._lock:
            self._store.close()

    # -- internals ----------------------------------------------------------------------------------
    def _prepare(self, arn: str, text: str, name: str | None) -> tuple[StateMachineDefinition, Any, str]:
        machine = self._machines.get(arn)
        if machine is None:
            raise _error("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{arn}'")
        try:
            text.encode()
        except UnicodeEncodeError:
            # A lone surrogate: the input is no UTF-8 text, which the API's JSON must be.
            raise _error("InvalidExecutionInput", "Invalid execution input: not valid UTF-8 text") from None
        if utf8_size(text) > PAYLOAD_LIMIT:
            raise _error("InvalidExecutionInput", "Execution input exceeds the 262144 byte limit")
        try:
            document = json_codec.loads(text)
        except ValueError as error:  # JSONDecodeError, or a NaN or Infinity, which JSON does not have
            raise _error("InvalidExecutionInput", f"Invalid execution input: {error}") from None
        name = name or str(uuid.uuid4())
        if not 1 <= len(name) <= 80 or _INVALID_NAME.search(name):
            raise _error("InvalidName", f"Invalid Name: '{name}'")
        return machine, document, name

    def _execution_arn(self, machine: StateMachineDefinition, name: str) -> str:
        if machine.type == "EXPRESS":
            return f"arn:aws:states:{self.region}:{self.account}:express:{machine.name}:{name}:{uuid.uuid4()}"
        return f"arn:aws:states:{self.region}:{self.account}:execution:{machine.name}:{name}"

    def _record_start(
        self, machine: StateMachineDefinition, name: str, document: Any, invocation: Invocation
    ) -> dict[str, Any]:
        row = {
            "arn": self._execution_arn(machine, name),
            "state_machine_arn": self.state_machine_arn(machine.name),
            "name": name,
            "type": machine.type,
            "invocation": invocation,
            "status": "RUNNING",
            "input": document,
            "start_date": _now().isoformat(),
        }
        self._store.insert(row)  # durable before the start is acknowledged
        return row

    def _submit(self, machine: StateMachineDefinition, row: dict[str, Any]) -> None:
        with self._lock:
            future: Future[Any] = self._pool.submit(self._run, machine, row)
            self._running.add(future)
        future.add_done_callback(self._finished)

    def _finished(self, future: Future[Any]) -> None:
        with self._idle:
            self._running.discard(future)
            self._idle.notify_all()

    def _run(self, machine: StateMachineDefinition, row: dict[str, Any]) -> dict[str, Any] | None:
        """Run the execution and record its end; the finished row (None if the stop abandoned it)."""
        from workflows.engine import execute

        try:
            execution = execute(
                machine.text,
                row["input"],
                name=row["name"],
                execution_arn=row["arn"],
                state_machine_type=machine.type,
                state_machine_arn=row["state_machine_arn"],
                **self._engine_options,
            )
            fields = {
                "status": execution.status,
                "output": execution.output,
                "error": execution.error,
                "cause": execution.cause,
                "transitions": execution.transitions,
                "resource_calls": dict(execution.resource_calls),
                # Timestamps become text the way the store writes them; encoded once, here.
                "history": JsonText(json_text(execution.history, datetimes=True)),
                "states_visited": execution.states_visited,
            }
        except Exception as crash:  # an engine defect must not lose the execution's record
            fields = {
                "status": "FAILED",
                "error": "States.Runtime",
                "cause": f"local engine error: {crash!r}",
            }
        fields["stop_date"] = _now().isoformat()
        with self._lock:
            if self._abandoned:  # the cloud stopped without it: leave it RUNNING for recover()
                return None
            self._store.update(row["arn"], **fields)
        finished = {**row, **fields}
        if self._listeners:
            description = self._description(finished)
            for listener in self._listeners:
                listener(description)
        return finished

    def _description(self, row: Mapping[str, Any]) -> dict[str, Any]:
        description = {
            "executionArn": row["arn"],
            "stateMachineArn": row["state_machine_arn"],
            "name": row["name"],
            "status": row["status"],
            "startDate": _date(row["start_date"]),
            "input": json_text(row["input"]),
        }
        if row.get("stop_date"):
            description["stopDate"] = _date(row["stop_date"])
        if row.get("status") == "SUCCEEDED":
            description["output"] = json_text(row["output"])
        for key in ("error", "cause"):
            if row.get(key) is not None:
                description[key] = row[key]
        return description

    def _sync_response(self, row: Mapping[str, Any]) -> dict[str, Any]:
        response = self._description(row)
        elapsed = response["stopDate"] - response["startDate"]
        response["billingDetails"] = {
            # Express bills duration in 100 ms increments, and memory in 64 MB steps of which the local
            # engine cannot measure more than the first: the minimum is what a small workflow is billed.
            "billedMemoryUsedInMB": 64,
            "billedDurationInMilliseconds": max(100, -(-int(elapsed.total_seconds() * 1000) // 100) * 100),
        }
        return response


def _date(text: str) -> datetime:
    return datetime.fromisoformat(text)
