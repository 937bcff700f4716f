"""Tweet sentiment: a linear model trained on 47,000 labelled tweets, with Comprehend's four sentiments.

The model (`linear_model`, trained by `make train-ai` on TweetEval's sentiment train split plus SemEval-
2016 devtest, chosen on TweetEval's validation split) gives calibrated probabilities of negative,
neutral and positive. Comprehend's fourth sentiment, MIXED, has no training data, so it is decided from
the same model applied clause by clause (sentences, and the parts around "but", "however", …): a text
with a clause the model finds clearly positive *and* one it finds clearly negative is MIXED. Scores have
Comprehend's shape: four numbers in [0, 1] that sum to 1.

VADER (`vader_baseline_label`) stays as the baseline the model is measured against, and its lexicon
scores are six of the model's features.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from integrations.ai.lazy import lazy_model
from integrations.ai.weights import verified_file

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from integrations.ai.text.linear_model import LinearModel

MODEL_FILE = "integrations/ai/text/models/sentiment.npz"
# MIXED: the weaker of the strongest positive clause and the strongest negative clause, through a
# logistic curve centred here (0.5: each polarity is the model's best guess for one of the clauses).
MIXED_CENTRE = 0.5
MIXED_STEEPNESS = 12.0


def _load() -> SentimentIntensityAnalyzer:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


VADER = lazy_model("vader-sentiment", _load)


def _load_model() -> LinearModel:
    from integrations.ai.text.linear_model import LinearModel

    return LinearModel.load(verified_file(MODEL_FILE))


MODEL = lazy_model("tweet-sentiment", _load_model)


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
    from integrations.ai.text.linear_model import clauses, normalise

    model = MODEL.get()
    parts = clauses(normalise(text))
    rows = model.probabilities([text, *parts] if len(parts) > 1 else [text])
    column = {name: number for number, name in enumerate(model.classes)}
    whole = rows[0]
    strongest_positive = float(rows[:, column["positive"]].max())
    strongest_negative = float(rows[:, column["negative"]].max())
    evidence = min(strongest_positive, strongest_negative)
    mixed = 1.0 / (1.0 + math.exp(-MIXED_STEEPNESS * (evidence - MIXED_CENTRE)))
    scores = {
        "POSITIVE": (1.0 - mixed) * float(whole[column["positive"]]),
        "NEGATIVE": (1.0 - mixed) * float(whole[column["negative"]]),
        "NEUTRAL": (1.0 - mixed) * float(whole[column["neutral"]]),
        "MIXED": mixed,
    }
    label = max(scores, key=scores.__getitem__)
    return Sentiment(
        label=label,
        positive=scores["POSITIVE"],
        negative=scores["NEGATIVE"],
        neutral=scores["NEUTRAL"],
        mixed=scores["MIXED"],
    )
