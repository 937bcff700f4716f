"""Toxic content in tweets, scored with Comprehend's label names.

Two linear models trained by `make train-ai` (`linear_model`, with MiniLM sentence embeddings among their
features, computed once per request for both): one on TweetEval's offensive-language
task (OffensEval 2019, OLID: insults, threats and profanity, targeted or not) and one on its hate-speech
task (HatEval 2019: hate against immigrants and women). They map to DetectToxicContent's labels as:

* `HATE_SPEECH`: the hate model's probability;
* `INSULT`: the offensive model's probability (OLID's "offensive" is mostly insults);
* `HARASSMENT_OR_ABUSE`: the stronger of the two;
* `Toxicity` (the overall score): the stronger of the two as well.

PROFANITY, GRAPHIC, SEXUAL and VIOLENCE_OR_THREAT have no local training data, so they are left out of
`Labels` rather than given invented scores (as DetectFaces leaves out attributes it has no model for).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from integrations.ai.lazy import lazy_model
from integrations.ai.weights import verified_file

if TYPE_CHECKING:
    import numpy as np

    from integrations.ai.text.linear_model import LinearModel

MODEL_FILES = {
    "offensive": "integrations/ai/text/models/offensive.npz",
    "hate": "integrations/ai/text/models/hate.npz",
}


def _loader(task: str) -> LinearModel:
    from integrations.ai.text.linear_model import LinearModel

    return LinearModel.load(verified_file(MODEL_FILES[task]))


OFFENSIVE = lazy_model("tweet-offensive", lambda: _loader("offensive"))
HATE = lazy_model("tweet-hate", lambda: _loader("hate"))


def _probability(
    model: LinearModel, texts: Sequence[str], label: str, embeddings: np.ndarray | None
) -> list[float]:
    probabilities = model.probabilities(texts, embeddings if model.features.embedding else None)
    return [float(value) for value in probabilities[:, model.classes.index(label)]]


def detect(texts: Sequence[str]) -> list[dict[str, object]]:
    """One Comprehend `ToxicLabels` result per text, in order."""
    from integrations.ai.text.embeddings import embed
    from integrations.ai.text.linear_model import normalise

    offensive_model, hate_model = OFFENSIVE.get(), HATE.get()
    embeddings = None
    if offensive_model.features.embedding or hate_model.features.embedding:
        embeddings = embed([normalise(text) for text in texts])  # once, for both models
    offensive = _probability(offensive_model, texts, "offensive", embeddings)
    hate = _probability(hate_model, texts, "hate", embeddings)
    results: list[dict[str, object]] = []
    for insult, hateful in zip(offensive, hate, strict=True):
        strongest = max(insult, hateful)
        results.append(
            {
                "Labels": [
                    {"Name": "HATE_SPEECH", "Score": hateful},
                    {"Name": "INSULT", "Score": insult},
                    {"Name": "HARASSMENT_OR_ABUSE", "Score": strongest},
                ],
                "Toxicity": strongest,
            }
        )
    return results
