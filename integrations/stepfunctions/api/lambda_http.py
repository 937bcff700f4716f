"""Invoking a Lambda function at LAMBDA_ENDPOINT as Step Functions Local does: Lambda's Invoke API,
`POST /2015-03-31/functions/<name>/invocations` with the payload as the body.

The endpoint is often a small test server (SAM's `start-lambda`, a fixture written in a few lines), so
the answer may come without Content-Length, its body ended by closing the connection: `http.client`
reads such a body to the end of the stream.
"""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from integrations.errors import ServiceError
from workflows.engine import TaskFailure

INVOKE_TIMEOUT_SECONDS = 900  # Lambda's longest run


@dataclass(frozen=True)
class LambdaAnswer:
    payload: Any
    request_id: str
    executed_version: str
    status: int = 200  # 202 for an asynchronous (Event) invocation, 204 for DryRun


def invoke(
    endpoint: str,
    function_name: str,
    payload: Any,
    qualifier: str | None = None,
    invocation_type: str = "RequestResponse",
) -> LambdaAnswer:
    """The function's result; TaskFailure for a function error, ServiceError for a Lambda API error."""
    url = urlsplit(endpoint if "://" in endpoint else f"http://{endpoint}")
    connection_type = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    connection = connection_type(url.hostname or "localhost", url.port, timeout=INVOKE_TIMEOUT_SECONDS)
    path = f"{url.path.rstrip('/')}/2015-03-31/functions/{quote(function_name, safe='')}/invocations"
    if qualifier:
        path += f"?Qualifier={quote(qualifier, safe='')}"
    body = json.dumps(payload).encode()
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={
                "Content-Type": "application/json",
                "X-Amz-Invocation-Type": invocation_type,
                "X-Amz-Log-Type": "None",
            },
        )
        response = connection.getresponse()
        data = response.read()
    except (OSError, http.client.HTTPException) as error:
        raise ServiceError(
            "lambda", "ServiceException", f"Unable to reach the Lambda endpoint {endpoint}: {error}", 500
        ) from None
    finally:
        connection.close()
    request_id = response.getheader("x-amzn-RequestId") or ""
    text = data.decode("utf-8", errors="replace")
    if response.status >= 300:
        code, message = _api_error(response, text)
        raise ServiceError("lambda", code, message, response.status)
    result = _json(text)
    if response.getheader("X-Amz-Function-Error"):
        # A function error: Step Functions names the failure after the function's errorType and passes
        # the error payload on as the cause.
        error_type = result.get("errorType") if isinstance(result, dict) else None
        raise TaskFailure(str(error_type or "Lambda.Unknown"), text)
    return LambdaAnswer(
        result, request_id, response.getheader("X-Amz-Executed-Version") or "$LATEST", response.status
    )


def _json(text: str) -> Any:
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _api_error(response: http.client.HTTPResponse, text: str) -> tuple[str, str]:
    body = _json(text)
    body = body if isinstance(body, dict) else {}
    code = (response.getheader("x-amzn-ErrorType") or body.get("Type") or body.get("__type") or "").split(
        ":"
    )[0]
    message = body.get("message") or body.get("Message") or text or response.reason
    return code or f"Http{response.status}", str(message)
