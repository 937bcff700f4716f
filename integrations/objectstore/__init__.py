"""Local S3: buckets as folders, objects with metadata, the boto3 client shape, and Step Functions'
S3 integrations. `ObjectStore(root).read(bucket, key)` is the reader other local services take."""

from __future__ import annotations

from integrations.objectstore.client import S3Client
from integrations.objectstore.store import ObjectInfo, ObjectStore

__all__ = ["ObjectInfo", "ObjectStore", "S3Client"]
