"""Step Functions' API errors, with the codes and message forms AWS answers with.

Each is raised by an operation and written by the wire layer as a JSON 1.0 error: HTTP 400 and a body
`{"__type": "com.amazonaws.swf.service.v2.model#<Code>", "message": ...}`, the namespace AWS puts before
the code (botocore, the AWS CLI and the other SDKs read the code after the `#`).
"""

from __future__ import annotations

NAMESPACE = "com.amazonaws.swf.service.v2.model"
# Violations of the model's constraints come from AWS's request validation layer, and malformed requests
# from its service framework, each under its own namespace.
NAMESPACES = {
    "ValidationException": "com.amazon.coral.validate",
    "SerializationException": "com.amazon.coral.service",
    "UnknownOperationException": "com.amazon.coral.service",
    "InternalFailure": "com.amazon.coral.service",
}


class ApiError(Exception):
    """A request AWS would refuse: `code` is the error shape's name in the service model."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


def invalid_arn(arn: str, reason: str = "") -> ApiError:
    return ApiError("InvalidArn", f"Invalid Arn: '{reason or f'Invalid ARN prefix: {arn}'}'")


def invalid_name(name: str) -> ApiError:
    return ApiError("InvalidName", f"Invalid Name: '{name}'")


def invalid_definition(reason: str) -> ApiError:
    return ApiError("InvalidDefinition", f"Invalid State Machine Definition: '{reason}'")


def machine_missing(arn: str) -> ApiError:
    return ApiError("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{arn}'")


def execution_missing(arn: str) -> ApiError:
    return ApiError("ExecutionDoesNotExist", f"Execution Does Not Exist: '{arn}'")


def validation(message: str) -> ApiError:
    return ApiError("ValidationException", message)
