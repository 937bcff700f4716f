"""Tweet sentiment: VADER's lexicon, calibrated for tweets and taught to say MIXED.

VADER alone labels a text POSITIVE or NEGATIVE as soon as its compound score leaves ±0.05, so most
neutral tweets with one friendly word come out POSITIVE, and it has no notion of MIXED. Here:

* hashtags are read as words (`#fail` counts as "fail");
* the text is split into clauses (sentences, and around "but", "however", "although", …), each scored
  on its own: a text with a clearly positive clause *and* a clearly negative one is MIXED;
* the neutral band is wider than VADER's (tuned on the labelled tweets in tests/ai, see the README).

Scores have Comprehend's shape: four numbers in [0, 1] that sum to 1.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from integrations.ai.lazy import lazy_model

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

NEUTRAL_BAND = 0.3  # |compound| below this is NEUTRAL (VADER's own rule uses 0.05)
CLAUSE_STRENGTH = 0.3  # a clause this positive and another this negative make the text MIXED
_CLAUSE_BREAK = re.compile(
    r"(?<=[.!?;])\s+|\s*\b(?:but|however|although|though|yet|whereas)\b\s*|\n+", re.IGNORECASE
)
_HASHTAG = re.compile(r"#(\w+)")
_URL = re.compile(r"https?://\S+")
_MENTION = re.compile(r"@\w+")


def _load() -> SentimentIntensityAnalyzer:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


VADER = lazy_model("vader-sentiment", _load)


@dataclass(frozen=True)
class Sentiment:
    label: str  # POSITIVE | NEGATIVE | NEUTRAL | MIXED
    positive: float
    negative: float
    neutral: float
    mixed: float

    def as_comprehend(self) -> dict[str, object]:
        return {
            "Sentiment": self.label,
            "SentimentScore": {
                "Positive": self.positive,
                "Negative": self.negative,
                "Neutral": self.neutral,
                "Mixed": self.mixed,
            },
        }


def _clean(text: str) -> str:
    """Hashtags become words; URLs and @handles carry no sentiment (and confuse the lexicon)."""
    return _MENTION.sub(" ", _URL.sub(" ", _HASHTAG.sub(r"\1", text)))


def vader_compound(text: str) -> float:
    """VADER's compound score of the raw text: the baseline the calibrated rule is measured against."""
    return float(VADER.get().polarity_scores(text)["compound"])


def vader_baseline_label(text: str) -> str:
    """VADER's published rule (±0.05), the baseline that `analyse` has to beat."""
    compound = vader_compound(text)
    if compound >= 0.05:
        return "POSITIVE"
    if compound <= -0.05:
        return "NEGATIVE"
    return "NEUTRAL"


def analyse(text: str) -> Sentiment:
    analyser = VADER.get()
    cleaned = _clean(text)
    compound = float(analyser.polarity_scores(cleaned)["compound"])
    clauses = [part for part in _CLAUSE_BREAK.split(cleaned) if part and part.strip()]
    clause_scores = [float(analyser.polarity_scores(part)["compound"]) for part in clauses]
    strongest_positive = max([0.0, *clause_scores])
    strongest_negative = -min([0.0, *clause_scores])
    # Mixed evidence is as strong as the weaker of the two opposite clauses.
    mixed_evidence = min(strongest_positive, strongest_negative)

    # Turn the evidence into four logits and a softmax, so the scores read like probabilities; the
    # neutral logit is highest near compound 0 and falls off past the neutral band.
    logits = {
        "POSITIVE": 4.0 * (compound - NEUTRAL_BAND) if compound > 0 else -4.0,
        "NEGATIVE": 4.0 * (-compound - NEUTRAL_BAND) if compound < 0 else -4.0,
        "NEUTRAL": 4.0 * (NEUTRAL_BAND - abs(compound)) * 0.5,
        "MIXED": 6.0 * (mixed_evidence - CLAUSE_STRENGTH),
    }
    exps = {label: math.exp(value) for label, value in logits.items()}
    total = sum(exps.values())
    probabilities = {label: value / total for label, value in exps.items()}
    label = max(probabilities, key=probabilities.__getitem__)
    return Sentiment(
        label=label,
        positive=probabilities["POSITIVE"],
        negative=probabilities["NEGATIVE"],
        neutral=probabilities["NEUTRAL"],
        mixed=probabilities["MIXED"],
    )
