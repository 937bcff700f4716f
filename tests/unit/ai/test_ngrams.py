"""The tweet models' n-grams are exactly scikit-learn's: the committed vocabularies were built with its
analysers, and the run time now splits tweets without importing scikit-learn."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from integrations.ai.text.linear_model import CHAR_NGRAMS, WORD_NGRAMS, normalise
from integrations.ai.text.ngrams import analyser

TWEETS = [
    text
    for _, text in json.loads((Path(__file__).parents[2] / "ai" / "data" / "tweets.json").read_text())[
        "sentiment"
    ]
]
EDGES = [
    "",
    " ",
    "a",
    "ab",
    "abcd",
    "abcdef",
    "x y z",
    "I  am\t\tok\n",
    "ÀÉ Straße",
    "😀 hi 😀😀",
    "don't 12 3",
]
KINDS = [("word", WORD_NGRAMS), ("char_wb", CHAR_NGRAMS)]


def scikit_learn(kind: str, sizes: tuple[int, int]):
    return TfidfVectorizer(
        analyzer=kind, ngram_range=sizes, sublinear_tf=True, lowercase=True
    ).build_analyzer()


@pytest.mark.parametrize(("kind", "sizes"), KINDS)
def test_tweets_and_edge_cases_split_as_scikit_learn_splits_them(kind, sizes):
    expected, ours = scikit_learn(kind, sizes), analyser(kind, sizes)
    for text in [*TWEETS, *EDGES]:
        assert ours(text) == expected(text), text
        assert ours(normalise(text)) == expected(normalise(text)), text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_any_text_splits_as_scikit_learn_splits_it(text):
    for kind, sizes in [*KINDS, ("word", (1, 3)), ("char_wb", (1, 2))]:
        assert analyser(kind, sizes)(text) == scikit_learn(kind, sizes)(text)
