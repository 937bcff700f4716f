"""Linear classifiers over tweet features, trained by `make train-ai` and committed as small .npz files.

Features (`TweetFeatures`): TF-IDF of word 1-2-grams and of character 2-5-grams inside word boundaries
(sublinear term frequency, as Mohammad et al.'s and TweetEval's linear baselines use), plus six VADER
lexicon features (compound, positive, negative and neutral of the whole text, and the strongest positive
and negative clause), and for the abuse models also the tweet's all-MiniLM-L6-v2 sentence embedding
(384 numbers: meaning that shares no n-gram with the training tweets). Texts are first written the way
the training data is (`normalise`): URLs removed, every @handle as `@user`, HTML entities decoded,
whitespace collapsed.

A model file holds the vocabularies and IDF weights, the weight matrix and biases, the class names and a
softmax temperature fitted on the validation split, all as plain arrays (`numpy.load(allow_pickle=False)`:
loading one runs no code), and is checked against the SHA-256 in `weights.py` before use.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from integrations.ai.text.ngrams import analyser as ngrams_of

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

MODEL_DIR = Path(__file__).resolve().parent / "models"
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)
LEXICON_FEATURES = 6
EMBEDDING_FEATURES = 384  # all-MiniLM-L6-v2
_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+")
_SPACE = re.compile(r"\s+")
_HASHTAG = re.compile(r"#(\w+)")
_CLAUSE_BREAK = re.compile(
    r"(?<=[.!?;])\s+|\s*\b(?:but|however|although|though|yet|whereas)\b\s*", re.IGNORECASE
)


def normalise(text: str) -> str:
    """A tweet as the training data writes tweets (TweetEval's normalisation)."""
    text = _URL.sub(" ", html.unescape(text))
    return _SPACE.sub(" ", _MENTION.sub("@user", text)).strip()


def clauses(text: str) -> list[str]:
    """Sentences, and the parts around "but", "however", "although", …: where MIXED opinions split."""
    return [part for part in _CLAUSE_BREAK.split(text) if part and part.strip()]


def lexicon_features(texts: Sequence[str]) -> np.ndarray:
    """VADER's view of each text: (compound, pos, neg, neu, best clause compound, worst clause compound)."""
    from integrations.ai.text.sentiment import VADER

    analyser = VADER.get()
    rows = []
    for text in texts:
        plain = _HASHTAG.sub(r"\1", text).replace("@user", " ")
        whole = analyser.polarity_scores(plain)
        parts = [float(analyser.polarity_scores(part)["compound"]) for part in clauses(plain)] or [0.0]
        rows.append(
            [whole["compound"], whole["pos"], whole["neg"], whole["neu"], max(0.0, *parts), min(0.0, *parts)]
        )
    return np.asarray(rows, dtype=np.float32).reshape(len(texts), LEXICON_FEATURES)


@dataclass
class Vocabulary:
    """One TF-IDF space: its n-grams (`ngrams`, the same function in training and at run time), its terms
    and their IDF. Vectors are computed here, not by TfidfVectorizer.transform: its input validation
    costs ~10 ms a call, more than the whole model on one tweet, and loading a model then needs no
    scikit-learn at all."""

    analyse: Callable[[str], list[str]]
    index: dict[str, int]
    idf: np.ndarray

    @classmethod
    def fit(cls, analyzer: str, ngrams: tuple[int, int], texts: Sequence[str], **options: Any) -> Vocabulary:
        from sklearn.feature_extraction.text import TfidfVectorizer

        analyse = ngrams_of(analyzer, ngrams)
        vectorizer = TfidfVectorizer(analyzer=analyse, sublinear_tf=True, dtype=np.float32, **options).fit(
            texts
        )
        return cls(analyse, dict(vectorizer.vocabulary_), vectorizer.idf_.astype(np.float32))

    @classmethod
    def of(cls, analyzer: str, ngrams: tuple[int, int], terms: Sequence[str], idf: np.ndarray) -> Vocabulary:
        # tolist() makes the Python strings in one pass: half the time of a comprehension over numpy's
        # strings, and three models build ~200,000-term indexes each while the cloud starts.
        listed = terms.tolist() if isinstance(terms, np.ndarray) else [str(term) for term in terms]
        return cls(ngrams_of(analyzer, ngrams), dict(zip(listed, range(len(listed)), strict=True)), idf)

    def terms(self) -> np.ndarray:
        return np.asarray(sorted(self.index, key=self.index.__getitem__), dtype=str)

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(columns, values): sublinear TF times IDF, L2-normalised (TfidfVectorizer's defaults)."""
        index = self.index
        every = Counter(self.analyse(text))  # counted in C, then the terms outside the vocabulary dropped
        counts = [(index[term], count) for term, count in every.items() if term in index]
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        columns = np.fromiter((column for column, _ in counts), dtype=np.int64, count=len(counts))
        values = 1.0 + np.log(
            np.fromiter((count for _, count in counts), dtype=np.float32, count=len(counts))
        )
        values *= self.idf[columns]
        return columns, values / np.linalg.norm(values)


@dataclass
class TweetFeatures:
    word: Vocabulary
    char: Vocabulary
    embedding: bool = False  # whether the MiniLM sentence embedding follows the lexicon features

    @classmethod
    def fit(cls, texts: Sequence[str], max_features: int, *, embedding: bool = False) -> TweetFeatures:
        normalised = [normalise(text) for text in texts]
        return cls(
            Vocabulary.fit("word", WORD_NGRAMS, normalised, min_df=2, max_features=max_features),
            Vocabulary.fit("char_wb", CHAR_NGRAMS, normalised, min_df=3, max_features=max_features),
            embedding,
        )

    @property
    def size(self) -> int:
        dense = LEXICON_FEATURES + (EMBEDDING_FEATURES if self.embedding else 0)
        return len(self.word.index) + len(self.char.index) + dense

    def rows(
        self, texts: Sequence[str], embeddings: np.ndarray | None = None
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Each text's (columns, values): word TF-IDF, character TF-IDF, the lexicon features, then (if
        the model uses it) the sentence embedding of the normalised text: `embeddings` if given
        (training passes cached ones), else MiniLM's."""
        normalised = [normalise(text) for text in texts]
        dense = lexicon_features(normalised)
        if self.embedding:
            if embeddings is None:
                from integrations.ai.text.embeddings import embed

                embeddings = embed(normalised)
            dense = np.hstack([dense, embeddings.astype(np.float32)])
        offset = len(self.word.index)
        dense_columns = np.arange(dense.shape[1]) + offset + len(self.char.index)
        rows = []
        for row, text in enumerate(normalised):
            word_columns, word_values = self.word.vector(text)
            char_columns, char_values = self.char.vector(text)
            rows.append(
                (
                    np.concatenate([word_columns, char_columns + offset, dense_columns]),
                    np.concatenate([word_values, char_values, dense[row]]).astype(np.float32),
                )
            )
        return rows

    def transform(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> csr_matrix:
        """(texts, features): `rows` as one sparse matrix (what training fits on)."""
        from scipy.sparse import csr_matrix

        rows = self.rows(texts, embeddings)
        pointers = np.cumsum([0] + [len(columns) for columns, _ in rows])
        return csr_matrix(
            (
                np.concatenate([values for _, values in rows]),
                np.concatenate([columns for columns, _ in rows]),
                pointers,
            ),
            shape=(len(texts), self.size),
            dtype=np.float32,
        )

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            "word_terms": self.word.terms(),
            "word_idf": self.word.idf,
            "char_terms": self.char.terms(),
            "char_idf": self.char.idf,
            "embedding": np.asarray([int(self.embedding)], dtype=np.int8),
        }

    @classmethod
    def from_arrays(cls, arrays: Any) -> TweetFeatures:
        return cls(
            Vocabulary.of("word", WORD_NGRAMS, arrays["word_terms"], arrays["word_idf"]),
            Vocabulary.of("char_wb", CHAR_NGRAMS, arrays["char_terms"], arrays["char_idf"]),
            bool(arrays["embedding"][0]) if "embedding" in arrays else False,
        )


@dataclass
class LinearModel:
    """Class probabilities: softmax(temperature-scaled weights · features + bias)."""

    features: TweetFeatures
    weights: np.ndarray  # (classes, features)
    bias: np.ndarray  # (classes,)
    classes: tuple[str, ...]
    temperature: float
    validation: str = ""  # the validation figures printed at training, kept for the benchmark

    def __post_init__(self) -> None:
        # (features, classes), contiguous: a text's few hundred non-zero features pick whole rows.
        self._columns = np.ascontiguousarray(self.weights.T, dtype=np.float32)

    def scores(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """Raw decision values, (texts, classes): each text's non-zero features times their weights, row
        by row. No sparse matrix: for the one or few texts of a request scipy's checks cost more than the
        products, and its import (~0.2 s alone, several times that while the cloud starts) is not paid."""
        rows = self.features.rows(texts, embeddings)
        products = [values @ self._columns[columns] for columns, values in rows]
        return np.asarray(products, dtype=np.float32).reshape(len(texts), len(self.classes)) + self.bias

    def probabilities(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        return softmax(self.scores(texts, embeddings) / self.temperature)

    def save(self, path: Path) -> None:
        write_npz(
            path,
            {
                "weights": self.weights.astype(np.float32),
                "bias": self.bias.astype(np.float32),
                "classes": np.asarray(self.classes, dtype=str),
                "temperature": np.asarray([self.temperature], dtype=np.float32),
                "validation": np.asarray([self.validation], dtype=str),
                **self.features.arrays(),
            },
        )

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        with np.load(path, allow_pickle=False) as arrays:
            return cls(
                features=TweetFeatures.from_arrays(arrays),
                weights=arrays["weights"],
                bias=arrays["bias"],
                classes=tuple(str(name) for name in arrays["classes"]),
                temperature=float(arrays["temperature"][0]),
                validation=str(arrays["validation"][0]),
            )


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """An .npz numpy.load reads, written byte for byte the same for the same arrays (numpy.savez stamps
    each member with the current time, so retraining the same model would change its SHA-256)."""
    import io
    import zipfile

    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(arrays):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            member = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(member, buffer.getvalue())


def softmax(values: np.ndarray) -> np.ndarray:
    shifted = np.exp(values - values.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)
