"""The word and character n-grams of the tweet models' TF-IDF features, without importing scikit-learn.

They are the n-grams scikit-learn's `TfidfVectorizer` makes with `analyzer="word"` and `analyzer="char_wb"`
and its defaults (lower case, tokens of two or more word characters, runs of whitespace as one space),
written out here because importing scikit-learn takes about 1.5 s (it imports scipy.stats), which the
first message after `sma up` waited for only to split a tweet into n-grams. Training passes these same
functions to `TfidfVectorizer` as its analyser, so a model's vocabulary and the n-grams looked up in it
at run time come from one place; `tests/unit/ai/test_ngrams.py` checks them against scikit-learn's own.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_WHITESPACE_RUN = re.compile(r"\s\s+")


def word_ngrams(text: str, sizes: tuple[int, int]) -> list[str]:
    """Tokens of the lower-cased text, then their n-grams for each n in `sizes` (inclusive), in order."""
    tokens = _TOKEN.findall(text.lower())
    low, high = sizes
    return [
        " ".join(tokens[start : start + n])
        for n in range(low, min(high, len(tokens)) + 1)
        for start in range(len(tokens) - n + 1)
    ]


def char_wb_ngrams(text: str, sizes: tuple[int, int]) -> list[str]:
    """Character n-grams inside each space-padded word of the lower-cased text; a word shorter than n
    gives itself once, and no longer n-grams."""
    grams: list[str] = []
    low, high = sizes
    for word in _WHITESPACE_RUN.sub(" ", text.lower()).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            grams.extend(padded[start : start + n] for start in range(max(1, len(padded) - n + 1)))
            if len(padded) <= n:
                break
    return grams


def analyser(kind: str, sizes: tuple[int, int]) -> Callable[[str], list[str]]:
    """The n-gram function of `kind` ("word" or "char_wb") for n-grams of `sizes`."""
    grams = {"word": word_ngrams, "char_wb": char_wb_ngrams}[kind]
    return lambda text: grams(text, sizes)
