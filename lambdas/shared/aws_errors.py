"""The AWS error code of an exception, whether it came from botocore or from a local-cloud service.

boto3 raises `botocore.exceptions.ClientError` (code in `.response["Error"]["Code"]`); the local cloud's
boto3-compatible clients raise `integrations.errors.ServiceError` (code in `.code`). Handlers only need
the code, so they do not import either type.
"""

from __future__ import annotations


def aws_error_code(error: BaseException) -> str | None:
    """The service's error code (e.g. `ResourceNotFoundException`), or None for other exceptions."""
    code = getattr(error, "code", None)
    if isinstance(code, str):
        return code
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        found = response.get("Error", {}).get("Code")
        return str(found) if found is not None else None
    return None


def is_aws_error(error: BaseException) -> bool:
    """True when the exception is a service error (botocore or local), not a bug in our code."""
    return aws_error_code(error) is not None
