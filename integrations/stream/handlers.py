"""Step Functions' `aws-sdk:kinesis:putRecord` / `putRecords` over the local stream, for the ASL engine.

`Data` may be a string (sent as its UTF-8 bytes) or any JSON value (sent as its JSON text). Kinesis's
error codes are already the Java SDK's exception names (`Kinesis.ResourceNotFoundException`).
"""

from __future__ import annotations

import json
from typing import Any

from integrations.stream.client import KinesisClient
from workflows.engine import Handler


def _data(value: Any) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else json.dumps(value).encode("utf-8")


def _result(response: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


def engine_handlers(client: KinesisClient) -> dict[str, Handler]:
    def put_record(arguments: dict[str, Any], invocation: Any) -> dict[str, Any]:
        del invocation
        return _result(client.put_record(**{**arguments, "Data": _data(arguments.get("Data", ""))}))

    def put_records(arguments: dict[str, Any], invocation: Any) -> dict[str, Any]:
        del invocation
        records = [
            {**record, "Data": _data(record.get("Data", ""))} for record in arguments.get("Records", [])
        ]
        return _result(client.put_records(**{**arguments, "Records": records}))

    return {
        "arn:aws:states:::aws-sdk:kinesis:putRecord": put_record,
        "arn:aws:states:::aws-sdk:kinesis:putRecords": put_records,
    }
