"""Payload sizes as AWS counts them: bytes of UTF-8, never characters or an ASCII-escaped serialisation.

EventBridge's PutEvents entry ("Calculating Amazon EventBridge PutEvents event entry size"), SNS's
message ("Amazon SNS message size": 256 KB of UTF-8 with its attributes) and Step Functions' execution
input ("Step Functions service quotas": 256 KiB of UTF-8) are all measured in UTF-8 bytes. A JSON
serialisation with `ensure_ascii` writes an emoji as `\\ud83d\\ude00`, twelve bytes where AWS counts four,
so documents bound for those limits are written with `json_text`.
"""

from __future__ import annotations

import json
from typing import Any

PAYLOAD_LIMIT = 256 * 1024  # EventBridge entries, SNS messages, Step Functions inputs: 262,144 bytes

_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def utf8_size(text: str) -> int:
    """The UTF-8 byte length of `text` (ASCII text, the usual case, without encoding it)."""
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def json_text(value: Any) -> str:
    """Compact JSON with characters as themselves, as AWS serialises a JSON parameter it sends on."""
    return _COMPACT.encode(value)
