"""`make train-ai` (python -m integrations.ai.training) on a small slice of data written here in the
documented layouts (tweet-sentiment/README.md: `label<TAB>text`, no header; tweeteval/README.md:
`<split>_text.txt`, `<split>_labels.txt`, `mapping.txt`)."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from integrations.ai.text.linear_model import LinearModel, TweetFeatures, normalise
from integrations.ai.training.__main__ import main
from integrations.ai.weights import sha256_of

POSITIVE = ["I love this, what a great day", "brilliant match, so happy", "amazing food and lovely staff"]
NEGATIVE = ["I hate this, awful service", "terrible game, so sad", "worst food ever, disgusting"]
NEUTRAL = ["the bus leaves at 9 tomorrow", "meeting moved to room 4", "the shop is on main street"]
RUDE = ["shut up you idiot", "you are a stupid loser", "go away moron"]
POLITE = ["thanks for your help", "see you at the game", "nice photo of the park"]


def _write_data(root, copies: int = 6) -> None:
    sentiment = root / "tweet-sentiment"
    sentiment.mkdir(parents=True)
    rows = [
        (label, text)
        for label, texts in (("positive", POSITIVE), ("negative", NEGATIVE), ("neutral", NEUTRAL))
        for text in texts
    ]
    train = [f"{label}\t{text} @someone {n}" for n, (label, text) in itertools.product(range(copies), rows)]
    (sentiment / "train.tsv").write_text("\n".join(train) + "\n")
    (sentiment / "val.tsv").write_text("\n".join(f"{label}\t{text}!" for label, text in rows) + "\n")
    for task, bad in (("offensive", "offensive"), ("hate", "hate")):
        folder = root / "tweeteval" / task
        folder.mkdir(parents=True)
        (folder / "mapping.txt").write_text(f"0\tnot-{bad}\n1\t{bad}\n")
        texts = [(text, "1") for text in RUDE] + [(text, "0") for text in POLITE]
        for split, repeat in (("train", copies), ("val", 1)):
            chosen = [item for _ in range(repeat) for item in texts]
            (folder / f"{split}_text.txt").write_text("\n".join(f"@user {text}" for text, _ in chosen) + "\n")
            (folder / f"{split}_labels.txt").write_text("\n".join(label for _, label in chosen) + "\n")


def test_training_writes_loadable_models_prints_validation_figures_and_is_reproducible(tmp_path, capsys):
    _write_data(tmp_path / "data")
    assert main(["--data", str(tmp_path / "data"), "--out", str(tmp_path / "one")]) == 0
    printed = capsys.readouterr().out
    assert (
        main(["--data", str(tmp_path / "data"), "--out", str(tmp_path / "two"), "--only", "sentiment"]) == 0
    )
    for name in ("sentiment", "offensive", "hate"):
        assert re.search(rf"{name}: training on \d+ tweets", printed)
    assert len(re.findall(r"validation \(\d+ tweets\): macro-recall [\d.]+ {2}macro-F1", printed)) == 3
    assert "VADER alone" in printed
    # The same data gives the same bytes, so the SHA-256 pinned in weights.py can be re-derived.
    hashes = re.findall(r"sha256 ([0-9a-f]{64})", printed)
    assert (
        hashes[0]
        == sha256_of(tmp_path / "one" / "sentiment.npz")
        == sha256_of(tmp_path / "two" / "sentiment.npz")
    )

    model = LinearModel.load(tmp_path / "one" / "sentiment.npz")
    assert model.classes == ("negative", "neutral", "positive")
    probabilities = model.probabilities(["what a great day, I love it", "awful, I hate it"])
    assert probabilities.sum(axis=1) == pytest.approx([1.0, 1.0])
    assert [model.classes[i] for i in probabilities.argmax(axis=1)] == ["positive", "negative"]
    assert "tweets: macro-recall" in model.validation
    assert not model.features.embedding
    rude = LinearModel.load(tmp_path / "one" / "offensive.npz")
    assert rude.features.embedding and rude.features.size > 384
    assert rude.classes == ("not-offensive", "offensive")
    assert rude.probabilities(["you stupid idiot"])[0][1] > 0.5


def test_missing_data_is_one_clear_line(tmp_path, capsys):
    assert main(["--data", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert "train.tsv is missing" in error and "--data" in error


def test_the_features_are_tfidf_vectorizers_own_numbers():
    # The models' own TF-IDF (fast on one tweet) must give the very values scikit-learn trained with.
    texts = [
        "I love it!! #great",
        "bad bad day @bob http://x.co",
        "so so 😤",
        "Love the camera, but awful",
    ] * 3
    features = TweetFeatures.fit(texts, 1000)
    from sklearn.feature_extraction.text import TfidfVectorizer

    # scikit-learn's own char_wb analyser here (the models use integrations.ai.text.ngrams).
    reference = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 5),
        sublinear_tf=True,
        dtype=np.float32,
        min_df=3,
        max_features=1000,
    ).fit([normalise(t) for t in texts])
    ours = features.transform(texts).toarray()
    words = len(features.word.index)
    theirs = reference.transform([normalise(t) for t in texts]).toarray()
    assert np.abs(ours[:, words : words + len(features.char.index)] - theirs).max() < 1e-6


def test_a_request_is_scored_as_the_sparse_matrix_training_fits_on():
    # LinearModel.scores multiplies each text's (columns, values) directly; training and the validation
    # figures use the same features as one scipy matrix. Both routes must give the same decision values.
    from integrations.ai.text import sentiment, toxicity

    texts = ["I love this, but the ending was awful!", "@user you are an idiot https://t.co/x", "ok", ""]
    for model in (sentiment.MODEL.get(), toxicity.OFFENSIVE.get(), toxicity.HATE.get()):
        sparse = np.asarray(model.features.transform(texts) @ model.weights.T) + model.bias
        assert np.abs(model.scores(texts) - sparse).max() < 1e-5
        assert model.scores(texts[:1]).shape == (1, len(model.classes))
