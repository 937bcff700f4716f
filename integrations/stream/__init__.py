"""A Kinesis-like stream: durable (SQLite WAL), MD5-routed shards, Kinesis's limits and error codes,
and `KinesisClient`, a boto3-compatible client over it."""

from __future__ import annotations

from integrations.stream.client import KinesisClient
from integrations.stream.store import StoredRecord, StreamStore, format_sequence, parse_sequence

__all__ = ["KinesisClient", "StoredRecord", "StreamStore", "format_sequence", "parse_sequence"]
