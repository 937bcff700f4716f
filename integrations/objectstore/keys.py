"""Where an object's bytes live on disk: S3 keys mapped to safe relative paths inside a bucket folder.

S3 keys are arbitrary strings (`../etc/passwd`, `a//b`, `dir/` are all valid keys), so a key is never
used as a path as it stands. Each `/`-separated segment is percent-encoded outside a conservative set of
characters, a leading dot is encoded (so `.` and `..` can never climb out, and dot-names stay ours), and
an empty segment becomes a lone `%`, which encoding never otherwise produces. The mapping is injective,
so two keys never share a file, and typical keys (`2026/05/01/12/lake-1-...`) stay readable on disk.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath

# Characters kept as they are in a path segment; everything else is %XX-encoded (UTF-8 bytes).
_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.=!~+,@")
# Most filesystems cap a single name at 255 bytes.
_MAX_SEGMENT_BYTES = 255
# Objects whose natural path collides with another object's folder live here, named by hash.
CONFLICT_FOLDER = ".conflicts"


def encode_segment(segment: str) -> str:
    """One key segment as a file or folder name that cannot escape or alias another segment."""
    if not segment:
        return "%"
    out = []
    for index, char in enumerate(segment):
        if char in _SAFE and not (index == 0 and char == "."):
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out)


def key_to_relative_path(key: str) -> PurePosixPath:
    """The path (relative to the bucket folder) an object's bytes are stored at."""
    segments = [encode_segment(part) for part in key.split("/")]
    if any(len(part.encode()) > _MAX_SEGMENT_BYTES for part in segments):
        return conflict_path(key)
    return PurePosixPath(*segments)


def conflict_path(key: str) -> PurePosixPath:
    """A flat, hash-named path for keys that cannot be stored at their natural path."""
    return PurePosixPath(CONFLICT_FOLDER, hashlib.sha256(key.encode("utf-8")).hexdigest())
