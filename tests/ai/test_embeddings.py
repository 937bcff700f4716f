"""MiniLM on onnxruntime gives the embeddings transformers gives, and the text path never imports torch.

The reference is computed here through transformers' `BertModel` (on torch, which stays installed for
EfficientNet) with sentence-transformers' pooling and normalisation written out, from the same
checkpoint: the committed toxicity models were trained on embeddings of that model, so the served ones
must be the same numbers, not merely similar ones.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from integrations.ai.text import embeddings, minilm_cache
from integrations.ai.weights import package_file

ROOT = Path(__file__).resolve().parents[2]
SENTENCES = [
    "tell me a joke",
    "Hello!!! 😀😀 this bot is 🔥🔥🔥 #blessed @someone https://t.co/abc123",
    "Привет! Как дела? Расскажи мне что-нибудь интересное.",
    "今日はとても良い天気ですね。散歩に行きましょう。",
    "مرحبا، كيف حالك اليوم؟",
    "Ünïcödé àccents, naïve café, Straße — and “curly quotes”",
    "a",
    "",
    # Longer than max_seq_length (256 word pieces), so cut there.
    "The committee met again on Tuesday to discuss the budget, the roads and the new library. " * 20,
    "這是一個很長的句子，用來測試截斷。" * 40,  # noqa: RUF001 - Chinese punctuation, on purpose
]


def reference(texts: list[str]) -> np.ndarray:
    """Embeddings through transformers: BertModel's last hidden state, mean-pooled over the attention
    mask, L2-normalised (the model's modules.json), texts cut at max_seq_length."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    directory = package_file(minilm_cache.MODEL_DIR)
    max_length = json.loads((directory / "sentence_bert_config.json").read_text())["max_seq_length"]
    tokenizer = AutoTokenizer.from_pretrained(str(directory), local_files_only=True)
    model = AutoModel.from_pretrained(str(directory), local_files_only=True).eval()
    batch = tokenizer(texts, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
    with torch.inference_mode():
        tokens = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).to(tokens.dtype)
    pooled = (tokens * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, p=2, dim=1).numpy()


def test_the_tokenizer_cuts_and_pads_as_transformers_does():
    from transformers import AutoTokenizer

    model = embeddings.MINILM.get()
    directory = package_file(minilm_cache.MODEL_DIR)
    expected = AutoTokenizer.from_pretrained(str(directory), local_files_only=True)(
        SENTENCES, padding=True, truncation=True, max_length=model.max_length
    )
    encodings = model.tokenizer.encode_batch(SENTENCES)
    assert [encoding.ids for encoding in encodings] == expected["input_ids"]
    assert [encoding.attention_mask for encoding in encodings] == expected["attention_mask"]
    assert model.max_length == 256
    assert sum(encodings[-1].attention_mask) == 256  # the long ones were cut, not dropped
    assert sum(encodings[-2].attention_mask) == 256


def test_embeddings_equal_transformers_within_float32_rounding():
    served = embeddings.embed(SENTENCES)
    expected = reference(SENTENCES)
    assert served.dtype == np.float32 and served.shape == (len(SENTENCES), 384)
    assert np.abs(served - expected).max() < 1e-5
    assert np.allclose(np.linalg.norm(served, axis=1), 1.0, atol=1e-5)


def test_long_lists_go_in_batches_and_keep_their_order():
    texts = [f"{text} {number}" for number in range(9) for text in SENTENCES[:8]]  # 72 > one batch of 64
    served = embeddings.embed(texts)
    one_by_one = np.vstack([embeddings.embed([text]) for text in texts])
    assert np.abs(served - one_by_one).max() < 1e-5
    assert np.abs(served[:8] - reference(texts[:8])).max() < 1e-5


def test_the_session_runs_on_the_threads_it_is_given():
    model = embeddings.MiniLM(package_file(minilm_cache.MODEL_DIR), minilm_cache.onnx_model(), 2)
    options = model.session.get_session_options()
    assert (options.intra_op_num_threads, options.inter_op_num_threads) == (2, 1)
    assert np.abs(model.encode(SENTENCES[:2]) - embeddings.embed(SENTENCES[:2])).max() < 1e-5


def test_the_text_path_imports_neither_torch_nor_transformers():
    code = (
        "import sys; from integrations.ai.lex import LexRuntime; "
        "from integrations.ai.text import sentiment, toxicity; "
        "lex = LexRuntime(); lex.prepare(); "
        "r = lex.recognize_text({'botId': 'ABCDEFGHIJ', 'botAliasId': 'TSTALIASID', 'localeId': 'en_GB', "
        "'sessionId': 's1', 'text': 'tell me a joke'}); "
        "assert r['sessionState']['intent']['name'] == 'Joke', r; "
        "sentiment.analyse('what a lovely day'); toxicity.detect(['you are an idiot']); "
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=240
    )
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stderr


def test_a_corrupt_cached_model_is_rebuilt_and_serves_the_same_numbers(corrupted_cache, capsys):
    cache_copy = corrupted_cache(minilm_cache.MINILM_ONNX)
    model = embeddings.MiniLM(package_file(minilm_cache.MODEL_DIR), minilm_cache.onnx_model(), 1)
    assert "altered" in capsys.readouterr().err
    assert np.abs(model.encode(SENTENCES[:3]) - embeddings.embed(SENTENCES[:3])).max() < 1e-6
    assert cache_copy.problem() is None


class _CountingModel:
    """MiniLM's `encode` with a count of the texts it was asked for: the real vectors, counted."""

    def __init__(self, model: embeddings.MiniLM) -> None:
        self.model = model
        self.asked: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.asked += texts
        return self.model.encode(texts)


@pytest.fixture
def counting(monkeypatch):
    model = _CountingModel(embeddings.MINILM.get())
    monkeypatch.setattr(embeddings, "MINILM", type("Loaded", (), {"get": staticmethod(lambda: model)})())
    monkeypatch.setattr(embeddings, "RECENT", embeddings._Recent(3))
    return model


def test_a_text_asked_for_again_is_not_embedded_again(counting):
    # The analysis's DetectToxicContent and the reply's RecognizeText embed the same words: one pass.
    first = embeddings.embed(["tell me a joke about rockets", "I love coffee"])
    again = embeddings.embed(["I love coffee", "tell me a joke about rockets", "I love coffee"])
    assert counting.asked == ["tell me a joke about rockets", "I love coffee"]
    assert np.array_equal(again, first[[1, 0, 1]])
    assert (
        np.abs(again - reference(["I love coffee", "tell me a joke about rockets", "I love coffee"])).max()
        < 1e-5
    )


def test_kept_vectors_cannot_be_changed_through_an_answer(counting):
    answer = embeddings.embed(["what a day"])
    answer[0, :] = 0.0  # the caller's own array: the kept vector is not it
    assert np.abs(embeddings.embed(["what a day"]) - reference(["what a day"])).max() < 1e-5
    assert counting.asked == ["what a day"]


def test_only_the_most_recent_texts_are_kept(counting):
    for text in ["one", "two", "three", "four"]:  # room for three
        embeddings.embed([text])
    embeddings.embed(["two", "one"])
    assert counting.asked == ["one", "two", "three", "four", "one"]


def test_bulk_calls_are_not_kept(counting):
    texts = [f"utterance {number}" for number in range(embeddings.REQUEST_TEXTS + 1)]
    embeddings.embed(texts)
    embeddings.embed(texts[:1])
    assert counting.asked == [*texts, texts[0]]
