"""Intent classification for the local Lex: nearest sample utterances in MiniLM's embedding space.

Each intent is represented by its sample utterances. A message's score for an intent is the mean of its
two highest cosine similarities to that intent's utterances (one lucky match is weaker evidence than two),
clipped to [0, 1]; Lex calls this nluConfidence. If MiniLM cannot be loaded (the `ai` extra without torch),
a TF-IDF model over word unigrams and bigrams of the same utterances stands in, and says so in `backend`.
"""

from __future__ import annotations

import itertools
import math
import re
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

TOP_MATCHES = 2
_WORD = re.compile(r"[a-z0-9']+")


@dataclass
class IntentClassifier:
    """Scores text against intents given as {name: [sample utterances]}."""

    samples: Mapping[str, Sequence[str]]
    backend: str = "minilm"
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _matrix: object | None = field(default=None, repr=False)
    _owners: list[str] = field(default_factory=list, repr=False)
    _tfidf: TfIdf | None = field(default=None, repr=False)

    def scores(self, text: str) -> dict[str, float]:
        """{intent: confidence in [0, 1]} for every intent with samples."""
        self._prepare()
        if self._tfidf is not None:
            similarities = self._tfidf.similarities(text)
        else:
            from integrations.ai.text.embeddings import embed

            similarities = [float(value) for value in (self._matrix @ embed([text])[0])]  # type: ignore[operator]
        by_intent: dict[str, list[float]] = {}
        for owner, similarity in zip(self._owners, similarities, strict=True):
            by_intent.setdefault(owner, []).append(similarity)
        return {
            intent: max(0.0, min(1.0, sum(top := sorted(values, reverse=True)[:TOP_MATCHES]) / len(top)))
            for intent, values in by_intent.items()
        }

    def _prepare(self) -> None:
        with self._lock:
            if self._matrix is not None or self._tfidf is not None:
                return
            utterances = [(intent, text) for intent, texts in self.samples.items() for text in texts]
            self._owners = [intent for intent, _ in utterances]
            texts = [text for _, text in utterances]
            if self.backend == "minilm":
                try:
                    from integrations.ai.text.embeddings import embed

                    self._matrix = embed(texts)
                    return
                except ImportError:
                    self.backend = "tfidf"
            self._tfidf = TfIdf(texts)


def _terms(text: str) -> list[str]:
    words = _WORD.findall(text.lower())
    return words + [f"{first} {second}" for first, second in itertools.pairwise(words)]


class TfIdf:
    """Cosine similarity of TF-IDF vectors: the fallback when no sentence-embedding model is installed."""

    def __init__(self, documents: Sequence[str]) -> None:
        counts = [Counter(_terms(document)) for document in documents]
        frequency = Counter(term for count in counts for term in count)
        total = len(documents)
        self._idf = {term: math.log((1 + total) / (1 + seen)) + 1.0 for term, seen in frequency.items()}
        self._vectors = [self._vector(count) for count in counts]

    def _vector(self, count: Counter[str]) -> dict[str, float]:
        vector = {term: times * self._idf.get(term, 0.0) for term, times in count.items()}
        norm = math.sqrt(sum(value * value for value in vector.values())) or 1.0
        return {term: value / norm for term, value in vector.items()}

    def similarities(self, text: str) -> list[float]:
        query = self._vector(Counter(_terms(text)))
        return [
            sum(weight * vector.get(term, 0.0) for term, weight in query.items()) for vector in self._vectors
        ]
