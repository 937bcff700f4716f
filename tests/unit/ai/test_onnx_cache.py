"""Cached ONNX files: built when missing, rebuilt when altered or stale, never trusted blindly.

The recipes here build known bytes (the cache's rules are what is tested; the real graphs' numbers are
pinned in tests/ai/test_embeddings.py and tests/ai/test_efficientnet.py, which also rebuild a corrupted
real file).
"""

from __future__ import annotations

import json

import pytest

from integrations.ai import onnx_cache, threads
from integrations.ai.text import minilm_cache
from integrations.ai.user_cache import cache_dir
from integrations.ai.vision import efficientnet

WEIGHTS_SHA = "ab" * 32


@pytest.fixture
def builds(tmp_path, monkeypatch) -> list[bytes]:
    """The cache folder is tmp_path; each build returns new bytes and is counted."""
    monkeypatch.setenv("SMA_CACHE_DIR", str(tmp_path))
    return []


@pytest.fixture
def recipe(builds) -> onnx_cache.OnnxRecipe:
    def build() -> bytes:
        builds.append(f"model {len(builds)}".encode())
        return builds[-1]

    return onnx_cache.OnnxRecipe("Some-Net", WEIGHTS_SHA, 3, build)


def test_a_missing_model_is_built_once_and_then_reused(recipe, builds, tmp_path, capsys):
    first = recipe.model()
    assert first == recipe.cached(tmp_path).onnx_file == tmp_path / f"some-net-{'ab' * 8}-builder3.onnx"
    assert first.read_bytes() == b"model 0"
    assert "building the ONNX graph of Some-Net" in capsys.readouterr().err
    assert recipe.model() == first
    assert len(builds) == 1
    note = json.loads(first.with_suffix(".json").read_text())
    assert (note["weights_sha256"], note["builder_version"]) == (WEIGHTS_SHA, 3)
    assert not list(tmp_path.glob("*.tmp"))  # written through temporary names, none left behind


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda cached: cached.onnx_file.write_bytes(b"model"), "altered"),  # cut short
        (lambda cached: cached.onnx_file.unlink(), "not built yet"),
        (lambda cached: cached.note_file.unlink(), "not built yet"),
        (lambda cached: cached.note_file.write_text("{not json"), "unreadable"),
        (lambda cached: cached.note_file.write_text("[]"), "unreadable"),
        (
            lambda cached: cached.note_file.write_text(
                json.dumps({**json.loads(cached.note_file.read_text()), "builder_version": 0})
            ),
            "another builder",
        ),
    ],
)
def test_a_damaged_or_stale_model_is_rebuilt_with_a_message(recipe, builds, tmp_path, capsys, damage, reason):
    path = recipe.model()
    damage(recipe.cached(tmp_path))
    capsys.readouterr()
    assert recipe.model() == path
    assert reason in capsys.readouterr().err
    assert path.read_bytes() == b"model 1" and len(builds) == 2


def test_other_weights_or_builders_use_another_file(tmp_path):
    ours = onnx_cache.OnnxRecipe("Net", WEIGHTS_SHA, 1, bytes).cached(tmp_path)
    others = [
        onnx_cache.OnnxRecipe("Net", "f" * 64, 1, bytes).cached(tmp_path),
        onnx_cache.OnnxRecipe("Net", WEIGHTS_SHA, 2, bytes).cached(tmp_path),
    ]
    assert len({ours.onnx_file, *(other.onnx_file for other in others)}) == 3
    ours.write(b"model")
    assert ours.problem() is None
    for other in others:  # the same bytes under another's name are still not vouched for
        other.onnx_file.write_bytes(b"model")
        other.note_file.write_bytes(ours.note_file.read_bytes())
        assert other.problem() == "it was built from other weights or by another builder"


def test_an_unwritable_cache_serves_the_model_from_memory(recipe, tmp_path, monkeypatch):
    blocker = tmp_path / "a file, not a folder"
    blocker.write_text("")
    monkeypatch.setenv("SMA_CACHE_DIR", str(blocker / "sma"))
    assert recipe.model() == b"model 0"


def test_the_install_step_builds_every_model(builds, monkeypatch, capsys):
    models = [onnx_cache.OnnxRecipe(name, WEIGHTS_SHA, 1, name.encode) for name in ("A-Net", "B-Net")]
    monkeypatch.setattr(onnx_cache, "recipes", lambda: models)
    onnx_cache.main()
    assert [model.cached().onnx_file.read_bytes() for model in models] == [b"A-Net", b"B-Net"]
    assert f"B-Net ONNX model: {models[1].cached().onnx_file}" in capsys.readouterr().out


def test_the_install_step_knows_every_cached_model():
    real = onnx_cache.recipes()
    assert real == [minilm_cache.MINILM_ONNX, efficientnet.EFFICIENTNET_ONNX]
    assert len({recipe.cached().onnx_file for recipe in real}) == len(real)


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
