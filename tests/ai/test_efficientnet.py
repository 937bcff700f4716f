"""EfficientNet-Lite0 on onnxruntime gives the PyTorch model's probabilities, and a photo never imports torch.

The reference is the PyTorch implementation DetectLabels ran before (tests/ai/efficientnet_torch.py),
loaded from the same hash-checked checkpoint with its batch norms unfolded: the label catalogue's
thresholds were chosen on its numbers, so the served ones must be the same numbers.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from integrations.ai.vision import efficientnet
from integrations.ai.vision.efficientnet_graph import read_checkpoint

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ("astronaut", "camera", "chelsea", "coffee", "notice", "rocket")


def _drawn() -> list[np.ndarray]:
    """A non-square drawing with hard edges, a tiny image, and noise: shapes no photo has."""
    canvas = Image.new("RGB", (517, 301), (30, 90, 160))
    draw = ImageDraw.Draw(canvas)
    draw.ellipse((40, 30, 260, 250), fill=(240, 200, 40))
    draw.rectangle((300, 60, 480, 280), outline=(255, 255, 255), width=9)
    noise = np.random.default_rng(19).integers(0, 256, size=(180, 240, 3), dtype=np.uint8)
    return [np.asarray(canvas), np.full((3, 5, 3), 200, dtype=np.uint8), noise]


@pytest.fixture(scope="module")
def reference():
    from tests.ai import efficientnet_torch

    model = efficientnet_torch.reference_model()
    return lambda pixels: efficientnet_torch.reference_probabilities(model, pixels)


def test_probabilities_equal_the_pytorch_model(reference, photo):
    images = [np.asarray(Image.open(io.BytesIO(photo(name))).convert("RGB")) for name in SAMPLES] + _drawn()
    for pixels in images:
        served = efficientnet.classify(pixels)
        expected = reference(pixels)
        assert served.dtype == np.float32 and served.shape == (1000,)
        assert np.abs(served - expected).max() < 1e-4
        assert served.argmax() == expected.argmax()
        assert abs(float(served.sum()) - 1.0) < 1e-5


def test_the_checkpoint_is_read_whole():
    tensors = read_checkpoint(efficientnet.verified_file(efficientnet.WEIGHTS))
    assert tensors["_conv_stem.weight"].shape == (32, 3, 3, 3)
    assert tensors["_fc.weight"].shape == (1000, 1280)
    assert not any(name.endswith("num_batches_tracked") for name in tensors)
    assert all(array.dtype == np.float32 for array in tensors.values())


def test_a_corrupt_cached_model_is_rebuilt_and_gives_the_same_probabilities(corrupted_cache, photo, capsys):
    cache_copy = corrupted_cache(efficientnet.EFFICIENTNET_ONNX)
    rebuilt = efficientnet.session()
    assert "altered" in capsys.readouterr().err
    assert cache_copy.problem() is None
    pixels = np.asarray(Image.open(io.BytesIO(photo("chelsea"))).convert("RGB"))
    (probabilities,) = rebuilt.run(
        [efficientnet.OUTPUT], {efficientnet.INPUT: efficientnet.preprocessed(pixels)}
    )
    assert np.abs(probabilities[0] - efficientnet.classify(pixels)).max() < 1e-6


def test_the_session_runs_on_the_threads_it_is_given(monkeypatch):
    monkeypatch.setenv("SMA_AI_THREADS", "2")
    options = efficientnet.session().get_session_options()
    assert (options.intra_op_num_threads, options.inter_op_num_threads) == (2, 1)
    monkeypatch.delenv("SMA_AI_THREADS")
    assert efficientnet.session().get_session_options().intra_op_num_threads == 1


def test_a_photos_labels_import_neither_torch_nor_onnx(tmp_path):
    efficientnet.EFFICIENTNET_ONNX.model()  # built (once) here, so the fresh process only loads it
    code = (
        "import sys; from pathlib import Path; from integrations.ai.rekognition import Rekognition; "
        "from integrations.ai.vision.face_store import FaceStore; "
        "photo = Path('examples/media/chelsea.jpg').read_bytes(); "
        f"rekognition = Rekognition(FaceStore(Path({str(tmp_path)!r}))); "
        "labels = rekognition.detect_labels({'Image': {'Bytes': photo}})['Labels']; "
        "assert 'Cat' in {label['Name'] for label in labels}, labels; "
        "print(sorted(name for name in ('torch', 'torchvision', 'onnx') if name in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=False, cwd=ROOT, capture_output=True, text=True, timeout=240
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stderr
