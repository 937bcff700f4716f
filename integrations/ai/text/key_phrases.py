"""Key phrases: spaCy noun chunks, without bare pronouns, plus @mentions and #hashtags.

Comprehend's key phrases are noun phrases with their determiners ("the new phone"); spaCy's noun chunks
are the same construct. The parser gives no probability per chunk, so Score is a fixed 0.9 for chunks
with a content word (documented, not measured per phrase) and hashtags/handles score 0.99 like entities.
"""

from __future__ import annotations

import re

from integrations.ai.text.nlp import parse

CHUNK_SCORE = 0.9
TAG_SCORE = 0.99
_TAGS = re.compile(r"(?<![\w@#])[@#]\w*[^\W\d_]\w*")


def detect(text: str) -> list[dict[str, object]]:
    """Comprehend's `KeyPhrases`: [{Score, Text, BeginOffset, EndOffset}] in text order."""
    phrases: list[dict[str, object]] = []
    taken: list[tuple[int, int]] = []
    for match in _TAGS.finditer(text):
        phrases.append(_phrase(text, match.start(), match.end(), TAG_SCORE))
        taken.append((match.start(), match.end()))
    for chunk in list(parse(text).noun_chunks):
        if all(token.pos_ == "PRON" or token.is_punct for token in chunk):
            continue
        start, end = chunk.start_char, chunk.end_char
        if any(start < stop and end > begin for begin, stop in taken):
            continue
        phrases.append(_phrase(text, start, end, CHUNK_SCORE))
    return sorted(phrases, key=lambda phrase: (phrase["BeginOffset"], phrase["EndOffset"]))


def _phrase(text: str, start: int, end: int, score: float) -> dict[str, object]:
    return {"Score": score, "Text": text[start:end], "BeginOffset": start, "EndOffset": end}
