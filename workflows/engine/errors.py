"""Errors: one class per `States.*` error name of the ASL spec, plus the public failure and syntax errors.

A `WorkflowError` carries the `error` and `cause` a state fails with; `Retry` and `Catch` match on
`error`. The matching rules (what `States.ALL` and `States.TaskFailed` cover) live in `retry_catch`.
"""

from __future__ import annotations


class WorkflowError(Exception):
    """A state failed with an ASL error name (`error`) and a human-readable `cause`."""

    error: str = "States.TaskFailed"
    aliases: tuple[str, ...] = ()  # other names a Retry or Catch may match this error by

    def __init__(self, cause: str | None = "", error: str | None = None) -> None:
        if error is not None:
            self.error = error
        self.cause = cause  # None when AWS reports no cause at all (a task that ran out of time)
        super().__init__(f"{self.error}: {cause}" if cause else self.error)

    def output(self) -> dict[str, str]:
        """The error output a `Catch` passes on: `{"Error": ..., "Cause": ...}`."""
        # A Fail state may leave either out; AWS then passes an empty string.
        return {"Error": self.error or "", "Cause": self.cause or ""}


class TaskFailure(WorkflowError):
    """Raise from a handler or interceptor to fail the task with this error name and cause.

    `TaskFailure(None, None)` is a SendTaskFailure without error or cause: the failure records neither,
    and a Catch passes on `{"Error": null, "Cause": null}` (recorded AWS executions, LocalStack's
    AWS-validated snapshot v2/callback/test_callback.snapshot.json,
    test_sqs_failure_in_wait_for_task_tok_no_error_field).
    """

    def __init__(self, error: str | None, cause: str | None = "") -> None:
        super().__init__(cause, error)
        self.error = error  # type: ignore[assignment]

    def output(self) -> dict[str, str | None]:  # type: ignore[override]
        return {"Error": self.error, "Cause": self.cause}


class StatesTaskFailed(WorkflowError):
    error = "States.TaskFailed"


class StatesRuntime(WorkflowError):
    """Not retriable and not caught by `States.ALL` or `States.TaskFailed`: the execution fails."""

    error = "States.Runtime"


class StatesTimeout(WorkflowError):
    error = "States.Timeout"


class StatesHeartbeatTimeout(WorkflowError):
    """A heartbeat that stopped: AWS reports it as States.Timeout, yet States.HeartbeatTimeout catches it."""

    error = "States.Timeout"
    aliases = ("States.HeartbeatTimeout",)


class StatesNoChoiceMatched(WorkflowError):
    error = "States.NoChoiceMatched"


class StatesIntrinsicFailure(WorkflowError):
    error = "States.IntrinsicFailure"


class StatesParameterPathFailure(WorkflowError):
    error = "States.ParameterPathFailure"


class StatesResultPathMatchFailure(WorkflowError):
    error = "States.ResultPathMatchFailure"


class StatesReferencePathConflict(WorkflowError):
    """A ResultPath or ItemsPath step that cannot be applied. The guide lists ResultPathMatchFailure for
    ResultPath, but AWS executions report this name, and like States.Runtime nothing catches it."""

    error = "States.ReferencePathConflict"


class StatesBranchFailed(WorkflowError):
    error = "States.BranchFailed"


class StatesExceedToleratedFailureThreshold(WorkflowError):
    error = "States.ExceedToleratedFailureThreshold"


class StatesQueryEvaluationError(WorkflowError):
    error = "States.QueryEvaluationError"


class StatesDataLimitExceeded(WorkflowError):
    """A state's input or output over the limit: terminal, caught only when named (`States.ALL` does not
    match it)."""

    error = "States.DataLimitExceeded"


class TaskResultTooLarge(StatesDataLimitExceeded):
    """A task's result over the limit: a task failure, which `States.ALL` does catch (recorded AWS
    executions; see tests/workflow/engine/test_retry_catch.py)."""


class StatesItemReaderFailed(WorkflowError):
    error = "States.ItemReaderFailed"


class PathSyntaxError(ValueError):
    """A JSONPath or reference path that does not parse."""


class IntrinsicSyntaxError(ValueError):
    """An intrinsic function call (`States.Format(...)`) that does not parse."""


class DefinitionError(ValueError):
    """An ASL definition the engine cannot run (AWS would reject it at CreateStateMachine)."""


class ExecutionTimedOut(Exception):
    """The execution's own TimeoutSeconds passed: nothing inside can catch this."""
