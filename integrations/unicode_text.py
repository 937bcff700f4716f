"""Text that any Unicode, valid or not, passes through: JSON as AWS services put it on the wire, and
strings made safe for UTF-8 files, databases and terminals.

JSON: compact, UTF-8, non-ASCII characters as they are.

Python's `json.dumps` escapes every non-ASCII character (`\\ud83d\\ude00`, 12 bytes for one emoji of 4),
which makes a payload look three times its size to a limit counted in UTF-8 bytes. A lone surrogate (a
JSON `"\\ud800"` escape without its pair, which RFC 8259 lets through and Python's json parses) cannot
be encoded as UTF-8 at all: such a value keeps its escapes, so the text is always encodable and means
what the value meant.
"""

from __future__ import annotations

import json
from typing import Any


def compact_json(value: Any) -> str:
    """`value` as compact JSON text that always encodes to UTF-8."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return json.dumps(value, separators=(",", ":"))
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
