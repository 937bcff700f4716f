"""Character offsets as Comprehend reports them, and AWS's size limits in UTF-8 bytes.

Offsets are counted in Unicode code points (Python `str` indices): an astral-plane emoji such as 😀 counts
as one character, not as two UTF-16 code units. Comprehend's documentation speaks of "characters" in
the UTF-8 encoded text; code points are the unit that makes `Text[BeginOffset:EndOffset]` return the
entity in Python, JSONata and ASL's intrinsic functions alike.
"""

from __future__ import annotations


def utf8_size(text: str) -> int:
    return len(text.encode("utf-8"))
