"""Sentence embeddings of training tweets, cached on disk outside the repository.

Embedding 10,000 tweets with MiniLM takes minutes on a shared 2-core machine, so each text's embedding
is kept, by the SHA-256 of the text, in one .npz under `cache` (default: the system's temporary
folder). A cached vector is the one MiniLM gave for exactly that text, so the cache changes speed only.
Vectors are computed by `integrations.ai.text.embeddings.embed`, the function that serves requests, so
the models train on the embeddings they are given at run time; those cached when MiniLM ran on torch
equal the onnxruntime ones within 2e-7 (`tests/ai/test_embeddings.py` pins 1e-5), so they stay valid.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from integrations.ai.text.linear_model import EMBEDDING_FEATURES, write_npz

STORE = "minilm-embeddings.npz"


def key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def load(cache: Path) -> dict[str, np.ndarray]:
    path = cache / STORE
    if not path.is_file():
        return {}
    with np.load(path, allow_pickle=False) as arrays:
        return dict(zip((str(k) for k in arrays["keys"]), arrays["vectors"], strict=True))


def save(cache: Path, store: dict[str, np.ndarray]) -> None:
    keys = sorted(store)
    vectors = np.asarray([store[k] for k in keys], dtype=np.float32).reshape(len(keys), EMBEDDING_FEATURES)
    write_npz(cache / STORE, {"keys": np.asarray(keys, dtype=str), "vectors": vectors})


def embeddings(texts: Sequence[str], cache: Path) -> np.ndarray:
    """(texts, 384) MiniLM embeddings of `texts`, computing only those not cached yet."""
    from integrations.ai.text.embeddings import embed

    store = load(cache)
    missing = sorted({text for text in texts if key(text) not in store})
    if missing:
        print(f"  embedding {len(missing)} tweets with MiniLM (cached in {cache})…", flush=True)
        for text, vector in zip(missing, embed(missing), strict=True):
            store[key(text)] = vector
        save(cache, store)
    return np.asarray([store[key(text)] for text in texts], dtype=np.float32)
