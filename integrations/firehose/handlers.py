"""Step Functions' `aws-sdk:firehose:putRecord` / `putRecordBatch` over the local delivery streams.

`Record.Data` may be a string (its UTF-8 bytes) or any JSON value (its JSON text). Firehose's error
codes are already the Java SDK's exception names (`Firehose.ResourceNotFoundException`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from integrations.firehose.client import FirehoseClient
from workflows.engine import Handler


def _record(record: Mapping[str, Any]) -> dict[str, Any]:
    data = record.get("Data", "")
    return {
        **record,
        "Data": data.encode("utf-8") if isinstance(data, str) else json.dumps(data).encode("utf-8"),
    }


def _result(response: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


def engine_handlers(client: FirehoseClient) -> dict[str, Handler]:
    def put_record(arguments: dict[str, Any], invocation: Any) -> dict[str, Any]:
        del invocation
        return _result(client.put_record(**{**arguments, "Record": _record(arguments.get("Record", {}))}))

    def put_record_batch(arguments: dict[str, Any], invocation: Any) -> dict[str, Any]:
        del invocation
        records = [_record(record) for record in arguments.get("Records", [])]
        return _result(client.put_record_batch(**{**arguments, "Records": records}))

    return {
        "arn:aws:states:::aws-sdk:firehose:putRecord": put_record,
        "arn:aws:states:::aws-sdk:firehose:putRecordBatch": put_record_batch,
    }
