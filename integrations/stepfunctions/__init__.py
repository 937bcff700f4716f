"""The local Step Functions service: state machines run on the local ASL engine (`workflows.engine`),
started the way AWS starts them (StartExecution for Standard and asynchronous Express executions,
StartSyncExecution for synchronous Express ones), with every execution recorded durably so it can be
listed, described, traced state by state, and re-run after a crash.

`integrations.stepfunctions.api` serves the Step Functions API over HTTP on the same engine
(`sma stepfunctions serve`, a drop-in replacement for AWS's Step Functions Local); see README.md.
"""

from integrations.stepfunctions.service import StateMachineDefinition, StepFunctionsService

__all__ = ["StateMachineDefinition", "StepFunctionsService"]
