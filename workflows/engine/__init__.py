"""The local ASL engine: runs Amazon States Language definitions on this machine as AWS would.

See workflows/engine/README.md for the API, what is supported and the known deviations from AWS.
"""

from workflows.engine.clock import Clock, ManualClock, SystemClock
from workflows.engine.errors import (
    DefinitionError,
    IntrinsicSyntaxError,
    PathSyntaxError,
    TaskFailure,
    WorkflowError,
)
from workflows.engine.execution import Execution, compile_definition, execute
from workflows.engine.intrinsics import parse_intrinsic
from workflows.engine.jsonpath import Path, compile_path
from workflows.engine.lambda_functions import HANDLER_NOT_FOUND, LambdaFunction
from workflows.engine.substitutions import apply_substitutions
from workflows.engine.tasks import NOT_INTERCEPTED, Handler, TaskInvocation

__all__ = [
    "HANDLER_NOT_FOUND",
    "NOT_INTERCEPTED",
    "Clock",
    "DefinitionError",
    "Execution",
    "Handler",
    "IntrinsicSyntaxError",
    "LambdaFunction",
    "ManualClock",
    "Path",
    "PathSyntaxError",
    "SystemClock",
    "TaskFailure",
    "TaskInvocation",
    "WorkflowError",
    "apply_substitutions",
    "compile_definition",
    "compile_path",
    "execute",
    "parse_intrinsic",
]
