"""Text that any Unicode, valid or not, passes through: payload sizes as AWS counts them, JSON as AWS
services put it on the wire, and strings made safe for UTF-8 files, databases and terminals.

Sizes: EventBridge's PutEvents entry ("Calculating Amazon EventBridge PutEvents event entry size"), SNS's
message ("Amazon SNS message size": 256 KB of UTF-8 with its attributes) and Step Functions' execution
input ("Step Functions service quotas": 256 KiB of UTF-8) are all measured in UTF-8 bytes, never in
characters or in an ASCII-escaped serialisation.

JSON: compact, UTF-8, non-ASCII characters as they are (written by `workflows.json_codec`).

Python's `json.dumps` escapes every non-ASCII character (`\\ud83d\\ude00`, 12 bytes for one emoji of 4),
which makes a payload look three times its size to a limit counted in UTF-8 bytes. A lone surrogate (a
JSON `"\\ud800"` escape without its pair, which RFC 8259 lets through and Python's json parses) cannot
be encoded as UTF-8 at all: such a value keeps its escapes, so the text is always encodable and means
what the value meant.
"""

from __future__ import annotations

from typing import Any

from workflows import json_codec

PAYLOAD_LIMIT = 256 * 1024  # EventBridge entries, SNS messages, Step Functions inputs: 262,144 bytes


def utf8_size(text: str) -> int:
    """The UTF-8 byte length of `text` (ASCII text, the usual case, without encoding it); a lone
    surrogate counts the three bytes it would take, so measuring never fails."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def json_text(value: Any, default: json_codec.Default | None = None, *, datetimes: bool = False) -> str:
    """`value` as compact JSON text that always encodes to UTF-8 (`default` and `datetimes` as
    `json_codec.dumps` takes them)."""
    text = json_codec.dumps(value, default, datetimes=datetimes)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return json_codec.json_dumps(value, default, datetimes=datetimes, ascii_only=True)
    return text


def utf8_safe(text: str) -> str:
    """`text` unchanged when UTF-8 can carry it; otherwise each lone surrogate written as its `\\udXXX`
    escape, so a name or a line can be stored and printed (SQLite, files and terminals take UTF-8 only)."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text
