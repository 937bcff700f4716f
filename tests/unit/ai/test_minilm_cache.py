"""The cached ONNX file of MiniLM: built when missing, rebuilt when altered or stale, never trusted blindly.

The builder is replaced here by one that writes known bytes (the cache's rules are what is tested; the
real graph's numbers are pinned in tests/ai/test_embeddings.py).
"""

from __future__ import annotations

import json

import pytest

from integrations.ai import threads
from integrations.ai.text import minilm_cache
from integrations.ai.user_cache import cache_dir

WEIGHTS_SHA = minilm_cache.EXPECTED_SHA256[minilm_cache.WEIGHTS]


@pytest.fixture
def builds(tmp_path, monkeypatch):
    """The cache folder is tmp_path; each build returns new bytes and is counted."""
    monkeypatch.setenv("SMA_CACHE_DIR", str(tmp_path))
    made: list[bytes] = []

    def build() -> bytes:
        made.append(f"model {len(made)}".encode())
        return made[-1]

    monkeypatch.setattr(minilm_cache, "build_bytes", build)
    return made


def test_a_missing_model_is_built_once_and_then_reused(builds, tmp_path, capsys):
    first = minilm_cache.onnx_model()
    assert first == minilm_cache.CachedModel.for_weights(WEIGHTS_SHA, tmp_path).onnx_file
    assert first.read_bytes() == b"model 0"
    assert "not built yet" in capsys.readouterr().err
    assert minilm_cache.onnx_model() == first
    assert len(builds) == 1
    note = json.loads(first.with_suffix(".json").read_text())
    assert note["weights_sha256"] == WEIGHTS_SHA
    assert not list(tmp_path.glob("*.tmp"))  # written through temporary names, none left behind


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda cached: cached.onnx_file.write_bytes(b"model"), "altered"),  # cut short
        (lambda cached: cached.onnx_file.unlink(), "not built yet"),
        (lambda cached: cached.note_file.write_text("{not json"), "unreadable"),
        (
            lambda cached: cached.note_file.write_text(
                json.dumps({**json.loads(cached.note_file.read_text()), "builder_version": 0})
            ),
            "another builder",
        ),
    ],
)
def test_a_damaged_or_stale_model_is_rebuilt_with_a_message(builds, tmp_path, capsys, damage, reason):
    path = minilm_cache.onnx_model()
    damage(minilm_cache.CachedModel.for_weights(WEIGHTS_SHA, tmp_path))
    capsys.readouterr()
    assert minilm_cache.onnx_model() == path
    assert reason in capsys.readouterr().err
    assert path.read_bytes() == b"model 1" and len(builds) == 2


def test_other_weights_use_another_file(tmp_path):
    ours = minilm_cache.CachedModel.for_weights(WEIGHTS_SHA, tmp_path)
    other = minilm_cache.CachedModel.for_weights("f" * 64, tmp_path)
    assert ours.onnx_file != other.onnx_file
    ours.write(b"model", WEIGHTS_SHA)
    assert ours.problem(WEIGHTS_SHA) is None
    assert ours.problem("f" * 64) is not None


def test_an_unwritable_cache_serves_the_model_from_memory(builds, tmp_path, monkeypatch):
    blocker = tmp_path / "a file, not a folder"
    blocker.write_text("")
    monkeypatch.setenv("SMA_CACHE_DIR", str(blocker / "sma"))
    assert minilm_cache.onnx_model() == b"model 0"


def test_the_cache_folder_follows_xdg_unless_given(monkeypatch, tmp_path):
    monkeypatch.delenv("SMA_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "sma"
    monkeypatch.setenv("SMA_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"


def test_the_thread_knob_and_its_former_name(monkeypatch):
    monkeypatch.delenv("SMA_AI_THREADS", raising=False)
    monkeypatch.delenv("SMA_TORCH_THREADS", raising=False)
    assert threads.ai_threads() == 1
    monkeypatch.setenv("SMA_TORCH_THREADS", "2")  # the name from when MiniLM ran on torch still works
    assert threads.ai_threads() == 2
    monkeypatch.setenv("SMA_AI_THREADS", "3")  # the new name wins
    assert threads.ai_threads() == 3
    monkeypatch.setenv("SMA_AI_THREADS", "0")
    assert threads.ai_threads() == 1
    monkeypatch.setenv("SMA_AI_THREADS", "many")
    with pytest.raises(ValueError, match="SMA_AI_THREADS"):
        threads.ai_threads()
