"""A bot's prepared intents (its utterances' MiniLM embeddings and the regression fitted on them), kept in
the user's cache so that a restart does not embed and fit them again.

Preparing is the slow part of a bot's start: embedding infra/bot.json's utterances and importing
scikit-learn for the regression took about 2.5 s of the first reply after `sma up`, and CLINC150's
15,000 utterances take a minute or more. The file is named by the SHA-256 of everything its numbers
come from (the intents and their utterances in order, MiniLM's weights and graph builder, the
regression's settings and scikit-learn's version), so any change to the bot or the models makes a new
file rather than reusing a stale one. A file that cannot be read whole (numpy checks each member's CRC)
or whose shapes do not fit the bot is ignored and prepared again.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path

import numpy as np

from integrations.ai.text.minilm_cache import WEIGHTS
from integrations.ai.text.minilm_graph import BUILDER_VERSION
from integrations.ai.user_cache import cache_dir
from integrations.ai.weights import EXPECTED_SHA256
from integrations.files import write_atomically

FORMAT = 1


def cache_file(
    intents: Sequence[str], samples: Mapping[str, Sequence[str]], settings: Mapping[str, float]
) -> Path:
    made_from = {
        "format": FORMAT,
        "intents": [[intent, list(samples[intent])] for intent in intents],
        "minilm": [EXPECTED_SHA256[WEIGHTS], BUILDER_VERSION],
        "settings": dict(settings),
        "scikit-learn": metadata.version("scikit-learn"),
    }
    digest = hashlib.sha256(json.dumps(made_from, sort_keys=True).encode()).hexdigest()
    return cache_dir() / f"intents-{digest[:32]}.npz"


def load(path: Path, utterances: int, intents: int) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(utterance embeddings, regression weights, bias) from `path`, or None if it is absent or unfit."""
    try:
        with np.load(path, allow_pickle=False) as arrays:
            embedded, weights, bias = (np.asarray(arrays[name]) for name in ("utterances", "weights", "bias"))
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None
    dimensions = embedded.shape[1] if embedded.ndim == 2 else -1
    fits = (
        embedded.shape == (utterances, dimensions)
        and weights.shape == (intents, dimensions)
        and bias.shape == (intents,)
        and all(array.dtype == np.float32 for array in (embedded, weights, bias))
    )
    return (embedded, weights, bias) if fits else None


def save(path: Path, utterances: np.ndarray, weights: np.ndarray, bias: np.ndarray) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, utterances=utterances, weights=weights, bias=bias)
    write_atomically(path, buffer.getvalue())
