"""Kinesis records as EventBridge Pipes presents them to filters, input templates and targets.

Pipes hands a Kinesis record over flat (not nested under `kinesis` as Lambda does), with `data`
base64-encoded. Filters and input templates see `data` decoded and parsed when it is JSON
("implicit body parsing"), so a pattern can say `{"data": {"event_type": ["post"]}}`.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from integrations.stream import StoredRecord
from integrations.stream.hashing import shard_id

KINESIS_SCHEMA_VERSION = "1.0"


def pipes_record(record: StoredRecord, stream_arn: str, region: str, role_arn: str) -> dict[str, Any]:
    """The record as the pipe's target receives it (one element of the batch array)."""
    shard = shard_id(record.shard)
    return {
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"{shard}:{record.sequence_number}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": role_arn,
        "awsRegion": region,
        "eventSourceARN": stream_arn,
        "kinesisSchemaVersion": KINESIS_SCHEMA_VERSION,
        "partitionKey": record.partition_key,
        "sequenceNumber": record.sequence_number,
        "data": base64.b64encode(record.data).decode("ascii"),
        "approximateArrivalTimestamp": record.arrival,
    }


def parsed_view(event: dict[str, Any]) -> dict[str, Any]:
    """The record with `data` decoded and parsed when it holds JSON; as it is otherwise."""
    try:
        data = json.loads(base64.b64decode(event["data"]))
    except (ValueError, UnicodeDecodeError):
        return event
    return {**event, "data": data}
