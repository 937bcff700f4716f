"""Intent classification for the local Lex, over MiniLM sentence embeddings of the sample utterances.

Two views of a message, combined: a logistic regression trained on the bot's own sample utterances at load
(which intent it is, as a probability over the bot's intents) and the nearest sample utterances (the mean
of its two highest cosine similarities to each intent's utterances: how close it is to anything the intent
was given). An intent's nluConfidence is their geometric mean, so it is high only when the message is
both clearly this intent rather than another *and* close to what the intent was written for; below the
bot's NluConfidenceThreshold the FallbackIntent leads. Measured on CLINC150's train (as the bot's
utterances) and validation splits, at Lex's default threshold 0.4: similarity alone 89.7 % of in-scope
requests right and 55 % of out-of-scope ones to the fallback; regression alone 94.6 % and 78 %; the
geometric mean 95.2 % and 74 % (see README). If MiniLM cannot be loaded (the `ai` extra without
onnxruntime, tokenizers or onnx), a TF-IDF model over word unigrams and bigrams of the same utterances
stands in (similarity only), and says so in `backend`.

Speed: the utterances are embedded once, by `prepare()` (which `sma ai warmup` and `sma ai serve --warm`
call), not on the first request, and the embeddings and regression are kept in the user's cache
(`intent_cache`), so a restart with the same bot reads them back instead. A request embeds its text
(onnxruntime, one thread) and scores every utterance with one float32 matrix-vector product in numpy,
then takes each intent's best matches on a padded grid of intents by utterances. numpy's BLAS is held to
the same thread count as the model (`threads.limit_blas_threads`): when MiniLM ran on torch, BLAS
threads and torch's OpenMP threads spun against each other on the 2 cores (a RecognizeText over 3,000
utterances took 108 ms instead of 13 ms).
"""

from __future__ import annotations

import contextlib
import itertools
import math
import re
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

TOP_MATCHES = 2
REGULARISATION = 20.0  # C of the regression, chosen on CLINC150's validation split (10, 20 and 50 tried)
MAX_ITERATIONS = 200
_WORD = re.compile(r"[a-z0-9']+")


@dataclass
class _Grid:
    """Utterance embeddings, and for each intent the rows of its utterances padded to one width."""

    utterances: np.ndarray  # (utterances, dimensions) float32, unit rows
    rows: np.ndarray  # (intents, widest intent) row numbers; padding points at a row of -inf
    counts: np.ndarray  # (intents,) how many of the best matches each intent averages
    weights: np.ndarray  # (intents, dimensions) of the logistic regression over the intents
    bias: np.ndarray  # (intents,)


@dataclass
class IntentClassifier:
    """Scores text against intents given as {name: [sample utterances]}."""

    samples: Mapping[str, Sequence[str]]
    backend: str = "minilm"
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _intents: list[str] = field(default_factory=list, repr=False)
    _grid: _Grid | None = field(default=None, repr=False)
    _tfidf: TfIdf | None = field(default=None, repr=False)
    _owners: list[str] = field(default_factory=list, repr=False)

    @property
    def utterance_count(self) -> int:
        return sum(len(texts) for texts in self.samples.values())

    def scores(self, text: str) -> dict[str, float]:
        """{intent: confidence in [0, 1]} for every intent with samples."""
        self.prepare()
        if self._grid is not None:
            return self._minilm_scores(self._grid, text)
        assert self._tfidf is not None
        by_intent: dict[str, list[float]] = {}
        for owner, similarity in zip(self._owners, self._tfidf.similarities(text), strict=True):
            by_intent.setdefault(owner, []).append(similarity)
        return {
            intent: _clip(sum(top := sorted(values, reverse=True)[:TOP_MATCHES]) / len(top))
            for intent, values in by_intent.items()
        }

    def prepare(self) -> None:
        """Embed (or index) the sample utterances now; later calls return at once."""
        with self._lock:
            if self._grid is not None or self._tfidf is not None:
                return
            self._intents = [intent for intent, texts in self.samples.items() if texts]
            utterances = [(intent, text) for intent in self._intents for text in self.samples[intent]]
            self._owners = [intent for intent, _ in utterances]
            texts = [text for _, text in utterances]
            if self.backend == "minilm":
                try:
                    self._grid = _grid(self._intents, self.samples, texts)
                    return
                except ImportError:
                    self.backend = "tfidf"
            self._tfidf = TfIdf(texts)

    def _minilm_scores(self, grid: _Grid, text: str) -> dict[str, float]:
        import numpy as np

        from integrations.ai.text.embeddings import embed

        query = embed([text])[0]
        similarities = np.append(grid.utterances @ query, np.float32(-np.inf))  # one matrix-vector product
        padded = similarities[grid.rows]
        top = min(TOP_MATCHES, padded.shape[1])
        best = np.partition(padded, padded.shape[1] - top, axis=1)[:, -top:]
        best[np.isinf(best)] = 0.0  # an intent with fewer utterances than TOP_MATCHES: padding adds 0
        nearest = np.clip(best.sum(axis=1) / grid.counts, 0.0, 1.0)
        logits = grid.weights @ query + grid.bias
        probability = np.exp(logits - logits.max())
        probability /= probability.sum()
        confidence = np.sqrt(probability * nearest).tolist()
        return {intent: _clip(score) for intent, score in zip(self._intents, confidence, strict=True)}


def _grid(intents: list[str], samples: Mapping[str, Sequence[str]], texts: list[str]) -> _Grid:
    import numpy as np

    from integrations.ai.text import intent_cache
    from integrations.ai.threads import limit_blas_threads

    limit_blas_threads()
    cached_file = intent_cache.cache_file(
        intents, samples, {"regularisation": REGULARISATION, "max_iter": MAX_ITERATIONS}
    )
    cached = intent_cache.load(cached_file, len(texts), len(intents))
    if cached is not None:
        utterances, weights, bias = cached
    else:
        from integrations.ai.text.embeddings import embed

        utterances = np.ascontiguousarray(embed(texts), dtype=np.float32)
        owners = [number for number, intent in enumerate(intents) for _ in samples[intent]]
        weights, bias = _regression(utterances, owners, len(intents))
        with contextlib.suppress(OSError):  # an unwritable cache only means preparing again next time
            intent_cache.save(cached_file, utterances, weights, bias)
    width = max(len(samples[intent]) for intent in intents)
    rows = np.full((len(intents), width), len(texts), dtype=np.intp)  # len(texts): the -inf row
    start = 0
    for number, intent in enumerate(intents):
        count = len(samples[intent])
        rows[number, :count] = np.arange(start, start + count)
        start += count
    counts = np.asarray([min(TOP_MATCHES, len(samples[intent])) for intent in intents], dtype=np.float32)
    return _Grid(utterances, rows, counts, weights, bias)


def _regression(utterances: np.ndarray, owners: list[int], intents: int) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression of intent on embedding (scikit-learn's L-BFGS, C = REGULARISATION);
    with one intent, that intent has probability 1."""
    import numpy as np

    if intents == 1:
        return np.zeros((1, utterances.shape[1]), dtype=np.float32), np.zeros(1, dtype=np.float32)
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=REGULARISATION, max_iter=MAX_ITERATIONS).fit(utterances, owners)
    coefficients = np.asarray(model.coef_, dtype=np.float32)
    intercept = np.asarray(model.intercept_, dtype=np.float32)
    if intents == 2:  # scikit-learn keeps one row for two classes: the second class's logit
        return np.vstack([np.zeros_like(coefficients), coefficients]), np.concatenate(
            [np.zeros(1, dtype=np.float32), intercept]
        )
    return coefficients, intercept


def _clip(score: float) -> float:
    return max(0.0, min(1.0, score))


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
