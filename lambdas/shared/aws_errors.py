"""The AWS error code of an exception raised by a boto3 client.

Both clouds raise `botocore.exceptions.ClientError` (the local cloud's services raise a subclass of it
with the same response shape), so the code is always in `.response["Error"]["Code"]`.
"""

from __future__ import annotations

from botocore.exceptions import ClientError


def aws_error_code(error: BaseException) -> str | None:
    """The service's error code (e.g. `ResourceNotFoundException`), or None for other exceptions."""
    if isinstance(error, ClientError):
        found = error.response.get("Error", {}).get("Code")
        return str(found) if found is not None else None
    return None


def is_aws_error(error: BaseException) -> bool:
    """True when the exception is a service error, not a bug in our code."""
    return aws_error_code(error) is not None
