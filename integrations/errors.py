"""The one error type every local AWS service raises, shaped like a botocore `ClientError`.

A local service fails the way AWS does: with the error code from the service's model (for example
`TextSizeLimitExceededException`), a message, and the HTTP status AWS would answer. The ASL engine turns
it into the Step Functions error name (`Comprehend.TextSizeLimitExceededException` for an aws-sdk Task),
and the HTTP servers turn it into AWS's wire format, so `Retry` and `Catch` behave as on AWS.
"""

from __future__ import annotations


class ServiceError(Exception):
    """An AWS service error: `service` (e.g. "comprehend"), `code`, `message`, `status_code`."""

    def __init__(self, service: str, code: str, message: str, status_code: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.service = service
        self.code = code
        self.message = message
        self.status_code = status_code

    @property
    def retryable(self) -> bool:
        """Throttling and server-side faults are worth retrying; client mistakes are not."""
        return self.status_code >= 500 or "Throttl" in self.code or self.code == "TooManyRequestsException"

    def as_response(self) -> dict[str, object]:
        """The `response` dict a botocore ClientError carries, for code that inspects it."""
        return {
            "Error": {"Code": self.code, "Message": self.message},
            "ResponseMetadata": {"HTTPStatusCode": self.status_code},
        }
