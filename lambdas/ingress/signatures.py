"""X's webhook cryptography: the CRC response token and the payload signature (HMAC-SHA256, base64)."""

from __future__ import annotations

import base64
import hashlib
import hmac

PREFIX = "sha256="


def sign(consumer_secret: str, message: bytes) -> str:
    """`sha256=<base64 HMAC-SHA256(consumer_secret, message)>`, the form X uses for both."""
    digest = hmac.new(consumer_secret.encode("utf-8"), message, hashlib.sha256).digest()
    return PREFIX + base64.b64encode(digest).decode("ascii")


def crc_response_token(consumer_secret: str, crc_token: str) -> str:
    """The `response_token` that answers X's challenge-response check for `crc_token`."""
    return sign(consumer_secret, crc_token.encode("utf-8"))


def signature_matches(consumer_secret: str, body: bytes, header_value: str) -> bool:
    """True when `header_value` is the signature of `body`, compared in constant time."""
    expected = sign(consumer_secret, body).encode("ascii")
    try:
        given = header_value.strip().encode("ascii")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(expected, given)
