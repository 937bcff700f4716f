"""Intrinsics for data encoding and hashing: States.Base64Encode, Base64Decode, Hash."""

from __future__ import annotations

import base64
import binascii
import hashlib

from workflows.engine.intrinsics.arguments import Arguments

TEXT_LIMIT = 10_000
_ALGORITHMS = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512"}


def _limited(args: Arguments, index: int) -> str:
    text = args.string(index)
    if len(text) > TEXT_LIMIT:
        raise args.fail(f"the input has {len(text)} characters; at most {TEXT_LIMIT} are allowed")
    return text


def base64_encode(args: Arguments) -> str:
    args.expect_count(1)
    return base64.b64encode(_limited(args, 0).encode()).decode("ascii")


def base64_decode(args: Arguments) -> str:
    args.expect_count(1)
    try:
        decoded = base64.b64decode(_limited(args, 0), validate=True)
    except binascii.Error as exc:
        raise args.fail(f"the input is not valid base64 ({exc})") from None
    return decoded.decode(errors="replace")  # bytes that are not UTF-8 become U+FFFD, as on AWS


def hash_(args: Arguments) -> str:
    args.expect_count(2)
    data, algorithm = _limited(args, 0), args.string(1)
    if algorithm not in _ALGORITHMS:
        raise args.fail(f"unsupported algorithm {algorithm!r}; use one of {', '.join(_ALGORITHMS)}")
    return hashlib.new(_ALGORITHMS[algorithm], data.encode()).hexdigest()
