"""Local S3: buckets as folders, objects with metadata, the boto3 client shape, and Step Functions'
S3 integrations. `read_object(bucket, key)` is the reader other local services take."""

from __future__ import annotations

from integrations.objectstore.client import S3Client
from integrations.objectstore.store import ObjectInfo, ObjectStore


def read_object(bucket: str, key: str, store: ObjectStore | None = None) -> bytes:
    """An object's bytes (`NoSuchBucket` / `NoSuchKey` as `ServiceError` when it is not there)."""
    owned = store is None
    active = store if store is not None else ObjectStore()
    try:
        return active.get(bucket, key)[1]
    finally:
        if owned:
            active.close()


__all__ = ["ObjectInfo", "ObjectStore", "S3Client", "read_object"]
