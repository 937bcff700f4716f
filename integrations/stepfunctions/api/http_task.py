"""`arn:aws:states:::http:invoke` tasks: the HTTP call and the result shape AWS documents ("Call HTTPS
APIs in Step Functions workflows"): `{"Headers", "ResponseBody", "StatusCode", "StatusText"}`, and a
non-2xx answer failing the task with `States.Http.StatusCode.<code>`."""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urlencode, urlsplit

from workflows.engine import TaskFailure

HTTP_TIMEOUT_SECONDS = 60  # AWS's limit for an HTTP Task's request


def call_http_endpoint(arguments: Any) -> dict[str, Any]:
    arguments = arguments if isinstance(arguments, dict) else {}
    url = urlsplit(str(arguments.get("ApiEndpoint", "")))
    if url.scheme not in ("http", "https") or not url.hostname:
        raise TaskFailure(
            "States.Runtime", f"ApiEndpoint must be an http(s) URL, got {arguments.get('ApiEndpoint')!r}"
        )
    method = str(arguments.get("Method", "GET")).upper()
    headers = {str(key): str(value) for key, value in (arguments.get("Headers") or {}).items()}
    body: bytes | None = None
    if "RequestBody" in arguments:
        request_body = arguments["RequestBody"]
        body = (request_body if isinstance(request_body, str) else json.dumps(request_body)).encode()
        headers.setdefault("Content-Type", "application/json")
    path = url.path or "/"
    query = [
        part for part in (url.query, urlencode(arguments.get("QueryParameters") or {}, doseq=True)) if part
    ]
    if query:
        path += "?" + "&".join(query)
    connection_type = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    connection = connection_type(url.hostname, url.port, timeout=HTTP_TIMEOUT_SECONDS)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read().decode("utf-8", errors="replace")
    except (OSError, http.client.HTTPException) as error:
        raise TaskFailure("States.Http.Socket", f"{type(error).__name__}: {error}") from None
    finally:
        connection.close()
    try:
        parsed: Any = json.loads(data) if data.strip() else ""
    except ValueError:
        parsed = data
    result = {
        "Headers": {key: [value] for key, value in response.getheaders()},
        "ResponseBody": parsed,
        "StatusCode": str(response.status),
        "StatusText": response.reason,
    }
    if not 200 <= response.status < 300:
        raise TaskFailure(f"States.Http.StatusCode.{response.status}", json.dumps(result))
    return result
