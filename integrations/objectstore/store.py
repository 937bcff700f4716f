"""The local object store: buckets are folders under the root its caller names, metadata lives in SQLite.

Bytes are written to a temporary file, fsynced and renamed into place (atomic on POSIX), then the
object's metadata row is committed; a reader resolves a key through that row only, so it never sees a
half-written object, and an object is listed only once its bytes are durable. Keys are arbitrary
strings: `keys.key_to_relative_path` maps them to paths that cannot escape the bucket.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from integrations.database import open_database
from integrations.errors import ServiceError
from integrations.objectstore.keys import conflict_path, key_to_relative_path

SERVICE = "s3"
MAX_KEY_BYTES = 1024
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_INDEX_FILE = ".index.sqlite"  # bucket names never start with a dot, so this cannot clash
_TEMP_FOLDER = ".tmp"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS buckets (name TEXT PRIMARY KEY, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS objects (
    bucket TEXT NOT NULL, key TEXT NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL,
    etag TEXT NOT NULL, content_type TEXT NOT NULL, last_modified TEXT NOT NULL,
    metadata TEXT NOT NULL, PRIMARY KEY (bucket, key)
);
"""


@dataclass(frozen=True)
class ObjectInfo:
    """What HeadObject knows about an object."""

    bucket: str
    key: str
    path: Path
    size: int
    etag: str  # MD5 hex in double quotes, as S3 returns it for single-part uploads
    content_type: str
    last_modified: datetime
    metadata: Mapping[str, str] = field(default_factory=dict)


def no_such_bucket(bucket: str) -> ServiceError:
    return ServiceError(SERVICE, "NoSuchBucket", f"The specified bucket does not exist: {bucket}", 404)


def no_such_key(bucket: str, key: str) -> ServiceError:
    return ServiceError(SERVICE, "NoSuchKey", f"The specified key does not exist: s3://{bucket}/{key}", 404)


class ObjectStore:
    """Buckets and objects on the local disk; safe to share between threads and processes."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / _TEMP_FOLDER).mkdir(exist_ok=True)
        self._lock = threading.RLock()
        self._db = open_database(self.root / _INDEX_FILE, autocommit=False)
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- buckets ---------------------------------------------------------------------------------------

    def create_bucket(self, bucket: str, *, exist_ok: bool = False) -> None:
        if not _BUCKET_NAME.match(bucket) or ".." in bucket:
            raise ServiceError(SERVICE, "InvalidBucketName", f"The specified bucket is not valid: {bucket!r}")
        with self._lock, self._db:
            created = self._db.execute(
                "INSERT OR IGNORE INTO buckets VALUES (?, ?)", (bucket, _now().isoformat())
            ).rowcount
        if not created and not exist_ok:
            raise ServiceError(
                SERVICE,
                "BucketAlreadyOwnedByYou",
                f"Your bucket {bucket} already exists and you own it.",
                409,
            )
        (self.root / bucket).mkdir(exist_ok=True)

    def bucket_exists(self, bucket: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM buckets WHERE name = ?", (bucket,)).fetchone() is not None

    def list_buckets(self) -> list[tuple[str, datetime]]:
        with self._lock:
            rows = self._db.execute("SELECT name, created FROM buckets ORDER BY name").fetchall()
        return [(name, datetime.fromisoformat(created)) for name, created in rows]

    def delete_bucket(self, bucket: str) -> None:
        self._require_bucket(bucket)
        with self._lock, self._db:
            if self._db.execute("SELECT 1 FROM objects WHERE bucket = ? LIMIT 1", (bucket,)).fetchone():
                raise ServiceError(
                    SERVICE, "BucketNotEmpty", "The bucket you tried to delete is not empty.", 409
                )
            self._db.execute("DELETE FROM buckets WHERE name = ?", (bucket,))
        _remove_empty_tree(self.root / bucket)

    def _require_bucket(self, bucket: str) -> None:
        if not self.bucket_exists(bucket):
            raise no_such_bucket(bucket)

    # -- objects ---------------------------------------------------------------------------------------

    def put(
        self,
        bucket: str,
        key: str,
        body: bytes,
        *,
        content_type: str = "binary/octet-stream",
        metadata: Mapping[str, str] | None = None,
    ) -> ObjectInfo:
        self._require_bucket(bucket)
        _check_key(key)
        etag = f'"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"'
        with self._lock:
            existing = self._db.execute(
                "SELECT path FROM objects WHERE bucket = ? AND key = ?", (bucket, key)
            ).fetchone()
            # An overwrite keeps the object's file, so a key never leaves an orphan behind.
            relative = Path(existing[0]) if existing else self._free_path(bucket, key)
            target = self.root / bucket / relative
            _atomic_write(target, body, self.root / _TEMP_FOLDER)
            info = ObjectInfo(
                bucket, key, target, len(body), etag, content_type, _now(), dict(metadata or {})
            )
            with self._db:
                self._db.execute(
                    "INSERT OR REPLACE INTO objects VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        bucket,
                        key,
                        str(relative),
                        info.size,
                        etag,
                        content_type,
                        info.last_modified.isoformat(),
                        json.dumps(info.metadata),
                    ),
                )
        return info

    def head(self, bucket: str, key: str) -> ObjectInfo:
        self._require_bucket(bucket)
        with self._lock:
            row = self._db.execute(
                "SELECT key, path, size, etag, content_type, last_modified, metadata FROM objects "
                "WHERE bucket = ? AND key = ?",
                (bucket, key),
            ).fetchone()
        if row is None:
            raise no_such_key(bucket, key)
        return self._info(bucket, row)

    def read(self, bucket: str, key: str) -> bytes:
        """An object's bytes (`NoSuchBucket` / `NoSuchKey` as `ServiceError` when it is not there): the
        `(bucket, key) -> bytes` reader other local services (Rekognition) take."""
        return self.get(bucket, key)[1]

    def get(self, bucket: str, key: str) -> tuple[ObjectInfo, bytes]:
        info = self.head(bucket, key)
        try:
            return info, info.path.read_bytes()
        except FileNotFoundError:  # deleted between the lookup and the read
            raise no_such_key(bucket, key) from None

    def delete(self, bucket: str, key: str) -> None:
        """Deleting a missing key succeeds, as in S3."""
        self._require_bucket(bucket)
        with self._lock:
            row = self._db.execute(
                "SELECT path FROM objects WHERE bucket = ? AND key = ?", (bucket, key)
            ).fetchone()
            if row is None:
                return
            with self._db:
                self._db.execute("DELETE FROM objects WHERE bucket = ? AND key = ?", (bucket, key))
            path = self.root / bucket / row[0]
            path.unlink(missing_ok=True)
            _remove_empty_parents(path.parent, self.root / bucket)

    def iter_keys(
        self, bucket: str, prefix: str = "", after: str | None = None, limit: int = -1
    ) -> Iterator[ObjectInfo]:
        """Objects whose key starts with `prefix`, in S3 order (UTF-8 bytes), strictly after `after`;
        at most `limit` of them (-1: all)."""
        self._require_bucket(bucket)
        with self._lock:
            rows = self._db.execute(
                "SELECT key, path, size, etag, content_type, last_modified, metadata FROM objects "
                "WHERE bucket = ? AND key >= ? AND substr(key, 1, ?) = ? AND key > ? ORDER BY key LIMIT ?",
                (bucket, prefix, len(prefix), prefix, after or "", limit),
            ).fetchall()
        for row in rows:
            yield self._info(bucket, row)

    def _info(self, bucket: str, row: tuple[str, str, int, str, str, str, str]) -> ObjectInfo:
        key, path, size, etag, content_type, modified, metadata = row
        return ObjectInfo(
            bucket,
            key,
            self.root / bucket / path,
            size,
            etag,
            content_type,
            datetime.fromisoformat(modified),
            json.loads(metadata),
        )

    def _free_path(self, bucket: str, key: str) -> Path:
        """The key's natural path, unless it collides with another key's file or folder (`a` vs `a/b`)."""
        relative = Path(key_to_relative_path(key))
        bucket_dir = self.root / bucket
        target = bucket_dir / relative
        parents_are_folders = all(
            not (bucket_dir / parent).is_file() for parent in relative.parents if parent != Path(".")
        )
        if parents_are_folders and not target.is_dir():
            return relative
        return Path(conflict_path(key))


def _check_key(key: str) -> None:
    if not key:
        raise ServiceError(SERVICE, "InvalidArgument", "Object key must not be empty.")
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        raise ServiceError(SERVICE, "KeyTooLongError", "Your key is too long (the limit is 1024 bytes).")


def _atomic_write(target: Path, body: bytes, temp_folder: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=temp_folder)
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(body)
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _remove_empty_parents(folder: Path, stop: Path) -> None:
    """Folders exist only to hold objects: remove the ones a delete left empty, up to the bucket."""
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _remove_empty_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if path.is_dir():
            path.rmdir()
    folder.rmdir()


def _now() -> datetime:
    return datetime.now(UTC)
