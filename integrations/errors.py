"""The one error type every local AWS service raises: a botocore `ClientError` with AWS's response shape.

A local service fails the way AWS does: with the error code from the service's model (for example
`TextSizeLimitExceededException`), a message, and the HTTP status AWS would answer, in the same
`ClientError` a boto3 client raises, so code written for boto3 (the Lambda handlers, `except
ClientError`, `error.response["Error"]["Code"]`) needs no second path for the local cloud. The ASL engine
turns it into the Step Functions error name (`Comprehend.TextSizeLimitExceededException` for an aws-sdk
Task), and the HTTP servers turn it into AWS's wire format, so `Retry` and `Catch` behave as on AWS.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError


class ServiceError(ClientError):
    """An AWS service error: `service` (e.g. "comprehend"), `code`, `message`, `status_code`."""

    def __init__(
        self, service: str, code: str, message: str, status_code: int = 400, operation: str = ""
    ) -> None:
        self.service = service
        self.code = code
        self.message = message
        self.status_code = status_code
        response: Any = {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": status_code},
        }
        super().__init__(response, operation)

    def __str__(self) -> str:
        # botocore's text when the operation is known; the local services mostly raise without it.
        return super().__str__() if self.operation_name else f"{self.code}: {self.message}"

    def __reduce__(self) -> tuple[type[ServiceError], tuple[str, str, str, int, str]]:
        return (type(self), (self.service, self.code, self.message, self.status_code, self.operation_name))

    @property
    def retryable(self) -> bool:
        """Throttling and server-side faults are worth retrying; client mistakes are not."""
        return self.status_code >= 500 or "Throttl" in self.code or self.code == "TooManyRequestsException"

    def as_response(self) -> dict[str, object]:
        """The `response` dict a botocore ClientError carries (kept for callers that build wire replies)."""
        return dict(self.response)
