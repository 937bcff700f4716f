"""`FirehoseClient`: boto3's Firehose client methods and shapes over the local delivery streams.

Limits are Firehose's: 1,000 KiB per record, 500 records and 4 MiB per PutRecordBatch. A call that
breaks one is refused whole (nothing is buffered) with Firehose's error code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from integrations.errors import ServiceError
from integrations.firehose.config import SERVICE
from integrations.firehose.delivery import DeliveryStreams
from integrations.identity import DEFAULT_ACCOUNT_ID, DEFAULT_REGION

MAX_RECORD_BYTES = 1000 * 1024
MAX_BATCH_RECORDS = 500
MAX_BATCH_BYTES = 4 * 1024 * 1024
_NAME = re.compile(r"^[a-zA-Z0-9_.-]{1,64}$")


def _meta() -> dict[str, Any]:
    return {"ResponseMetadata": {"HTTPStatusCode": 200, "RetryAttempts": 0}}


def _validation(message: str) -> ServiceError:
    return ServiceError(SERVICE, "ValidationException", f"1 validation error detected: {message}")


def _data(record: Mapping[str, Any], where: str) -> bytes:
    if not isinstance(record, Mapping) or "Data" not in record:
        raise _validation(f"Value at '{where}' failed to satisfy constraint: Member must have a Data blob")
    data = record["Data"]
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, bytes | bytearray | memoryview):
        raise _validation(f"Value at '{where}.data' must be a blob, not {type(data).__name__}")
    data = bytes(data)
    if len(data) > MAX_RECORD_BYTES:
        raise _validation(
            f"Value at '{where}.data' failed to satisfy constraint: Member must have length less than or "
            f"equal to {MAX_RECORD_BYTES} (got {len(data)})"
        )
    return data


def _record_id(row_id: int) -> str:
    return f"{row_id:032d}"


class FirehoseClient:
    """A boto3-compatible Firehose client (DirectPut delivery streams to the local object store)."""

    def __init__(
        self,
        streams: DeliveryStreams,
        *,
        region: str = DEFAULT_REGION,
        account: str = DEFAULT_ACCOUNT_ID,
    ) -> None:
        self.streams = streams
        self.region = region
        self.account = account

    def arn(self, name: str) -> str:
        return f"arn:aws:firehose:{self.region}:{self.account}:deliverystream/{name}"

    def create_delivery_stream(
        self,
        *,
        DeliveryStreamName: str,
        DeliveryStreamType: str = "DirectPut",
        ExtendedS3DestinationConfiguration: Mapping[str, Any] | None = None,
        S3DestinationConfiguration: Mapping[str, Any] | None = None,
        **_options: Any,
    ) -> dict[str, Any]:
        if not _NAME.match(DeliveryStreamName):
            raise _validation(
                f"Value '{DeliveryStreamName}' at 'deliveryStreamName' failed to satisfy constraint"
            )
        if DeliveryStreamType != "DirectPut":
            raise ServiceError(
                SERVICE,
                "InvalidArgumentException",
                "Only DirectPut delivery streams exist in the local cloud.",
            )
        destination = ExtendedS3DestinationConfiguration or S3DestinationConfiguration
        if destination is None:
            raise ServiceError(
                SERVICE, "InvalidArgumentException", "An (Extended)S3DestinationConfiguration is required."
            )
        if not self.streams.create(DeliveryStreamName, dict(destination)):
            raise ServiceError(
                SERVICE,
                "ResourceInUseException",
                f"Firehose {DeliveryStreamName} under accountId {self.account} already exists",
            )
        return {"DeliveryStreamARN": self.arn(DeliveryStreamName), **_meta()}

    def describe_delivery_stream(self, *, DeliveryStreamName: str, **_options: Any) -> dict[str, Any]:
        config = self.streams.config(DeliveryStreamName)
        destination = {
            key: value
            for key, value in config.api_shape.items()
            if key not in ("S3BackupConfiguration", "RoleARN")
        }
        destination.setdefault("BufferingHints", {})
        destination["BufferingHints"] = {
            "SizeInMBs": config.size_mb,
            "IntervalInSeconds": config.interval_seconds,
        }
        destination.setdefault("CompressionFormat", "UNCOMPRESSED")
        destination["RoleARN"] = config.api_shape.get("RoleARN", f"arn:aws:iam::{self.account}:role/firehose")
        return {
            "DeliveryStreamDescription": {
                "DeliveryStreamName": config.name,
                "DeliveryStreamARN": self.arn(config.name),
                "DeliveryStreamStatus": "ACTIVE",
                "DeliveryStreamType": "DirectPut",
                "VersionId": "1",
                "CreateTimestamp": datetime.fromtimestamp(self.streams.created(config.name), UTC),
                "Destinations": [
                    {
                        "DestinationId": "destinationId-000000000001",
                        "ExtendedS3DestinationDescription": destination,
                    }
                ],
                "HasMoreDestinations": False,
            },
            **_meta(),
        }

    def update_destination(
        self,
        *,
        DeliveryStreamName: str,
        CurrentDeliveryStreamVersionId: str,
        DestinationId: str,
        ExtendedS3DestinationUpdate: Mapping[str, Any] | None = None,
        S3DestinationUpdate: Mapping[str, Any] | None = None,
        **_options: Any,
    ) -> dict[str, Any]:
        """Merge the update into the destination (Firehose's UpdateDestination; the version stays "1")."""
        config = self.streams.config(DeliveryStreamName)
        if DestinationId != "destinationId-000000000001":
            raise ServiceError(SERVICE, "InvalidArgumentException", f"Destination {DestinationId} not found.")
        if CurrentDeliveryStreamVersionId != "1":
            raise ServiceError(
                SERVICE,
                "ConcurrentModificationException",
                "CurrentDeliveryStreamVersionId is not current (1).",
            )
        update = ExtendedS3DestinationUpdate or S3DestinationUpdate or {}
        self.streams.update(DeliveryStreamName, {**config.api_shape, **update})
        return _meta()

    def list_delivery_streams(self, **_options: Any) -> dict[str, Any]:
        return {"DeliveryStreamNames": self.streams.names(), "HasMoreDeliveryStreams": False, **_meta()}

    def delete_delivery_stream(self, *, DeliveryStreamName: str, **_options: Any) -> dict[str, Any]:
        self.streams.config(DeliveryStreamName)
        self.streams.delete(DeliveryStreamName)
        return _meta()

    def put_record(self, *, DeliveryStreamName: str, Record: Mapping[str, Any]) -> dict[str, Any]:
        data = _data(Record, "record")
        [row_id] = self.streams.put(DeliveryStreamName, [data])
        return {"RecordId": _record_id(row_id), "Encrypted": False, **_meta()}

    def put_record_batch(
        self, *, DeliveryStreamName: str, Records: Sequence[Mapping[str, Any]]
    ) -> dict[str, Any]:
        self.streams.config(DeliveryStreamName)
        if not 1 <= len(Records) <= MAX_BATCH_RECORDS:
            raise _validation(
                f"Value at 'records' failed to satisfy constraint: Member must have length between 1 and "
                f"{MAX_BATCH_RECORDS} (got {len(Records)})"
            )
        payloads = [_data(record, f"records.{index + 1}.member") for index, record in enumerate(Records)]
        total = sum(len(data) for data in payloads)
        if total > MAX_BATCH_BYTES:
            raise ServiceError(
                SERVICE,
                "InvalidArgumentException",
                f"Records size {total} bytes exceeds the PutRecordBatch limit of {MAX_BATCH_BYTES} bytes.",
            )
        ids = self.streams.put(DeliveryStreamName, payloads)
        return {
            "FailedPutCount": 0,  # the batch is committed in one transaction: all or nothing
            "Encrypted": False,
            "RequestResponses": [{"RecordId": _record_id(row_id)} for row_id in ids],
            **_meta(),
        }
