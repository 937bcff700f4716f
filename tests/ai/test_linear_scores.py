"""The tweet models score a text without scipy: each text's non-zero features times their weights, equal
to the sparse product training fits on (`TweetFeatures.transform`), and no scipy import in the process."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from integrations.ai.text import sentiment, toxicity

TEXTS = [
    "@makitdev I love this so much!!! 😍",
    "this is the worst service ever, but the staff were kind",
    "",
    "https://t.co/abc #Monday blues…",
    "Нормально, спасибо. 日本語のテキスト",
    "a " * 300,
]


@pytest.mark.parametrize("model", [sentiment.MODEL, toxicity.OFFENSIVE, toxicity.HATE], ids=lambda m: m.name)
def test_scores_equal_the_sparse_product_training_fits_on(model) -> None:
    linear = model.get()
    embeddings = np.random.default_rng(7).normal(size=(len(TEXTS), 384)).astype(np.float32)
    given = embeddings if linear.features.embedding else None
    sparse = linear.features.transform(TEXTS, given) @ np.ascontiguousarray(linear.weights.T)
    expected = np.asarray(sparse) + linear.bias
    np.testing.assert_allclose(linear.scores(TEXTS, given), expected, rtol=1e-5, atol=1e-5)
    assert linear.scores([], given[:0] if given is not None else None).shape == (0, len(linear.classes))


def test_scoring_a_tweet_imports_no_scipy() -> None:
    program = (
        "import sys\n"
        "from integrations.ai.text import sentiment\n"
        "sentiment.MODEL.get().probabilities(['what a lovely day'])\n"
        "print('scipy' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
