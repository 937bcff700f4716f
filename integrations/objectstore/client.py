"""`S3Client`: the boto3 S3 client's methods, keyword arguments and response shapes over `ObjectStore`.

Code written against `boto3.client("s3")` runs unchanged against it. Errors are `ServiceError`s with
S3's codes (`NoSuchBucket`, `NoSuchKey`, `InvalidRange`, ...); like botocore, the Head operations,
which have no response body, fail with the bare HTTP status as the code (`"404"`).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from integrations.errors import ServiceError
from integrations.objectstore.body import StreamingBody
from integrations.objectstore.store import SERVICE, ObjectInfo, ObjectStore

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_MAX_KEYS = 1000


def _meta(status: int = 200) -> dict[str, Any]:
    return {"ResponseMetadata": {"HTTPStatusCode": status, "RetryAttempts": 0}}


def _as_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes | bytearray | memoryview):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        return _as_bytes(body.read())
    raise ServiceError(SERVICE, "InvalidArgument", f"Body must be bytes, str or a file, not {type(body)}")


def _head_fields(info: ObjectInfo) -> dict[str, Any]:
    return {
        "ContentLength": info.size,
        "ContentType": info.content_type,
        "ETag": info.etag,
        "LastModified": info.last_modified,
        "Metadata": dict(info.metadata),
        "AcceptRanges": "bytes",
    }


def _byte_range(spec: str, size: int) -> tuple[int, int] | None:
    """(first, last) inclusive for an HTTP Range header; None when the header is ignored, as S3 does."""
    match = _RANGE.match(spec.strip())
    if not match or match.groups() == ("", ""):
        return None
    first_text, last_text = match.groups()
    if not first_text:  # suffix range: the last N bytes
        length = int(last_text)
        if length == 0:
            raise _invalid_range(size)
        return max(size - length, 0), size - 1
    first = int(first_text)
    last = min(int(last_text), size - 1) if last_text else size - 1
    if first >= size or (last_text and int(last_text) < first):
        raise _invalid_range(size)
    return first, last


def _invalid_range(size: int) -> ServiceError:
    return ServiceError(
        SERVICE, "InvalidRange", f"The requested range is not satisfiable (object size {size}).", 416
    )


def _copy_source(source: str | Mapping[str, str]) -> tuple[str, str]:
    if isinstance(source, Mapping):
        return source["Bucket"], source["Key"]
    bucket, _, key = unquote(source.lstrip("/")).partition("/")
    if not bucket or not key:
        raise ServiceError(SERVICE, "InvalidArgument", f"Invalid copy source: {source!r} (want bucket/key)")
    return bucket, key


class S3Client:
    """A boto3-compatible S3 client backed by the local object store."""

    def __init__(self, store: ObjectStore) -> None:
        self.store = store

    # -- buckets ---------------------------------------------------------------------------------------

    def create_bucket(self, *, Bucket: str, **_options: Any) -> dict[str, Any]:
        self.store.create_bucket(Bucket)
        return {"Location": f"/{Bucket}", **_meta()}

    def head_bucket(self, *, Bucket: str) -> dict[str, Any]:
        if not self.store.bucket_exists(Bucket):
            raise ServiceError(SERVICE, "404", "Not Found", 404)
        return _meta()

    def list_buckets(self) -> dict[str, Any]:
        buckets = [{"Name": name, "CreationDate": created} for name, created in self.store.list_buckets()]
        return {"Buckets": buckets, "Owner": {"ID": "local"}, **_meta()}

    def delete_bucket(self, *, Bucket: str) -> dict[str, Any]:
        self.store.delete_bucket(Bucket)
        return _meta(204)

    # -- objects ---------------------------------------------------------------------------------------

    def put_object(
        self,
        *,
        Bucket: str,
        Key: str,
        Body: Any = None,
        ContentType: str = "binary/octet-stream",
        Metadata: Mapping[str, str] | None = None,
        **_options: Any,  # ACL, ServerSideEncryption, ...: accepted and meaningless locally
    ) -> dict[str, Any]:
        info = self.store.put(Bucket, Key, _as_bytes(Body), content_type=ContentType, metadata=Metadata)
        return {"ETag": info.etag, **_meta()}

    def get_object(
        self, *, Bucket: str, Key: str, Range: str | None = None, **_options: Any
    ) -> dict[str, Any]:
        info, data = self.store.get(Bucket, Key)
        response = _head_fields(info)
        window = _byte_range(Range, info.size) if Range else None
        if window is None:
            return {**response, "Body": StreamingBody(data), **_meta()}
        first, last = window
        return {
            **response,
            "Body": StreamingBody(data[first : last + 1]),
            "ContentLength": last - first + 1,
            "ContentRange": f"bytes {first}-{last}/{info.size}",
            **_meta(206),
        }

    def head_object(self, *, Bucket: str, Key: str, **_options: Any) -> dict[str, Any]:
        try:
            info = self.store.head(Bucket, Key)
        except ServiceError as error:
            raise ServiceError(SERVICE, "404", "Not Found", 404) from error
        return {**_head_fields(info), **_meta()}

    def delete_object(self, *, Bucket: str, Key: str, **_options: Any) -> dict[str, Any]:
        self.store.delete(Bucket, Key)
        return _meta(204)

    def copy_object(
        self,
        *,
        Bucket: str,
        Key: str,
        CopySource: str | Mapping[str, str],
        MetadataDirective: str = "COPY",
        ContentType: str | None = None,
        Metadata: Mapping[str, str] | None = None,
        **_options: Any,
    ) -> dict[str, Any]:
        source_bucket, source_key = _copy_source(CopySource)
        source, data = self.store.get(source_bucket, source_key)
        if MetadataDirective not in ("COPY", "REPLACE"):
            raise ServiceError(SERVICE, "InvalidArgument", "MetadataDirective must be COPY or REPLACE.")
        replace = MetadataDirective == "REPLACE"
        if (source_bucket, source_key) == (Bucket, Key) and not replace:
            raise ServiceError(
                SERVICE,
                "InvalidRequest",
                "This copy request is illegal because it is trying to copy an object to itself without "
                "changing the object's metadata.",
            )
        info = self.store.put(
            Bucket,
            Key,
            data,
            content_type=(ContentType or source.content_type) if replace else source.content_type,
            metadata=(Metadata or {}) if replace else source.metadata,
        )
        return {"CopyObjectResult": {"ETag": info.etag, "LastModified": info.last_modified}, **_meta()}

    def list_objects_v2(
        self,
        *,
        Bucket: str,
        Prefix: str = "",
        Delimiter: str = "",
        MaxKeys: int = _MAX_KEYS,
        ContinuationToken: str | None = None,
        StartAfter: str = "",
        **_options: Any,
    ) -> dict[str, Any]:
        if not isinstance(MaxKeys, int) or MaxKeys < 0:
            raise ServiceError(SERVICE, "InvalidArgument", "MaxKeys must be a non-negative integer.")
        limit = min(MaxKeys, _MAX_KEYS)
        after = _decode_token(ContinuationToken) if ContinuationToken else StartAfter
        contents: list[dict[str, Any]] = []
        prefixes: list[str] = []
        last = ""
        truncated = False
        # Without a delimiter one row more than the page tells whether it is truncated.
        rows = self.store.iter_keys(Bucket, Prefix, after, -1 if Delimiter else limit + 1)
        for info in rows:
            common = _common_prefix(info.key, Prefix, Delimiter)
            if common is not None and ((prefixes and prefixes[-1] == common) or common <= after):
                continue  # rolled up into a prefix already returned, here or on an earlier page
            if len(contents) + len(prefixes) >= limit:
                truncated = True
                break
            if common is not None:
                prefixes.append(common)
                last = common
            else:
                contents.append(_listing_entry(info))
                last = info.key
        response: dict[str, Any] = {
            "IsTruncated": truncated,
            "Name": Bucket,
            "Prefix": Prefix,
            "MaxKeys": MaxKeys,
            "KeyCount": len(contents) + len(prefixes),
            **_meta(),
        }
        if contents:
            response["Contents"] = contents
        if prefixes:
            response["CommonPrefixes"] = [{"Prefix": prefix} for prefix in prefixes]
        if Delimiter:
            response["Delimiter"] = Delimiter
        if ContinuationToken:
            response["ContinuationToken"] = ContinuationToken
        if StartAfter:
            response["StartAfter"] = StartAfter
        if truncated:
            response["NextContinuationToken"] = _encode_token(last)
        return response


def _common_prefix(key: str, prefix: str, delimiter: str) -> str | None:
    if not delimiter:
        return None
    position = key.find(delimiter, len(prefix))
    return None if position < 0 else key[: position + len(delimiter)]


def _listing_entry(info: ObjectInfo) -> dict[str, Any]:
    return {
        "Key": info.key,
        "LastModified": info.last_modified,
        "ETag": info.etag,
        "Size": info.size,
        "StorageClass": "STANDARD",
    }


def _encode_token(last: str) -> str:
    return base64.urlsafe_b64encode(last.encode("utf-8")).decode("ascii")


def _decode_token(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode("ascii")).decode("utf-8")
    except (ValueError, UnicodeError):
        raise ServiceError(
            SERVICE, "InvalidArgument", "The continuation token provided is incorrect."
        ) from None
