"""Named entities: spaCy's English NER mapped to Comprehend's types, plus rules for tweet syntax.

Scores: en_core_web_sm does not expose per-entity probabilities, so each entity's Score is the
precision spaCy measured for that entity type on OntoNotes (from the pipeline's own meta.json): an
honest "how often is an entity of this type right", not a per-mention confidence. Rule-based matches
(@mentions, #hashtags, URLs) are unambiguous by construction and score 0.99.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import TYPE_CHECKING

from integrations.ai.text.nlp import MODEL_DIR, parse
from integrations.ai.weights import package_file

if TYPE_CHECKING:
    from spacy.tokens import Span

# OntoNotes labels (spaCy) → Comprehend EntityType.
SPACY_TO_COMPREHEND = {
    "PERSON": "PERSON",
    "NORP": "OTHER",
    "FAC": "LOCATION",
    "ORG": "ORGANIZATION",
    "GPE": "LOCATION",
    "LOC": "LOCATION",
    "PRODUCT": "COMMERCIAL_ITEM",
    "EVENT": "EVENT",
    "WORK_OF_ART": "TITLE",
    "LAW": "OTHER",
    "LANGUAGE": "OTHER",
    "DATE": "DATE",
    "TIME": "DATE",
    "PERCENT": "QUANTITY",
    "MONEY": "QUANTITY",
    "QUANTITY": "QUANTITY",
    "ORDINAL": "QUANTITY",
    "CARDINAL": "QUANTITY",
}
RULE_SCORE = 0.99
_DURATION_UNITS = frozenset(
    {"second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "month",
     "months", "year", "years", "decade", "decades"}
)  # fmt: skip
# An @handle names an account, which is a person far more often than not; hashtags and URLs are OTHER.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<![\w@])@\w{1,15}"), "PERSON"),
    (re.compile(r"(?<![\w#])#\w*[^\W\d_]\w*"), "OTHER"),
    (re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)\]]"), "OTHER"),
)


@cache
def _type_precision() -> dict[str, float]:
    meta = json.loads((package_file(MODEL_DIR) / "meta.json").read_text())
    return {label: float(scores["p"]) for label, scores in meta["performance"]["ents_per_type"].items()}


def detect(text: str) -> list[dict[str, object]]:
    """Comprehend's `Entities`: [{Score, Type, Text, BeginOffset, EndOffset}] in text order."""
    found: list[dict[str, object]] = []
    taken: list[tuple[int, int]] = []
    for pattern, entity_type in _RULES:
        for match in pattern.finditer(text):
            found.append(_entity(text, match.start(), match.end(), entity_type, RULE_SCORE))
            taken.append((match.start(), match.end()))
    precision = _type_precision()
    for ent in parse(text).ents:
        start, end = ent.start_char, ent.end_char
        # spaCy sometimes tags part of a handle or URL; the rule's reading of that span wins.
        if any(start < stop and end > begin for begin, stop in taken):
            continue
        found.append(_entity(text, start, end, _comprehend_type(ent), precision.get(ent.label_, 0.5)))
    return sorted(found, key=lambda entity: (entity["BeginOffset"], entity["EndOffset"]))


def _comprehend_type(ent: Span) -> str:
    """OntoNotes files durations ("three hours", "two weeks") under TIME or DATE; Comprehend's DATE is a
    point in time, and an amount of time is a QUANTITY."""
    if ent.label_ in ("DATE", "TIME") and ent[0].like_num and ent[-1].lower_ in _DURATION_UNITS:
        return "QUANTITY"
    return SPACY_TO_COMPREHEND[ent.label_]


def _entity(text: str, start: int, end: int, entity_type: str, score: float) -> dict[str, object]:
    return {
        "Score": score,
        "Type": entity_type,
        "Text": text[start:end],
        "BeginOffset": start,
        "EndOffset": end,
    }
