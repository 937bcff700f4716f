"""Local Data Firehose: DirectPut delivery streams with a durable buffer, buffering hints on an
injectable clock, the AppendDelimiterToRecord processor, dynamic partitioning by jq query, and S3-style
object keys in the local object store; `FirehoseClient` is the boto3-compatible client."""

from __future__ import annotations

from integrations.firehose.client import FirehoseClient
from integrations.firehose.delivery import DeliveryStreams

__all__ = ["DeliveryStreams", "FirehoseClient"]
