"""ONNX files built once from hash-checked weights and kept in the user's cache: MiniLM's and EfficientNet's.

Where: the user's cache folder (`user_cache.cache_dir`: `$SMA_CACHE_DIR`, `$XDG_CACHE_HOME/sma` or
`~/.cache/sma`). Not the virtualenv, which `make` recreates and which may be read-only where the package is
installed system-wide; not the repository (derived, tens of MB, never committed). A file's name carries
the SHA-256 of the weights it was built from and its builder's version, so other weights or a changed
builder never pick up a stale file, and virtualenvs or worktrees with the same weights share one. A JSON
note beside it records the file's own SHA-256; a file that is missing, cut short or altered is rebuilt
(a few seconds, with a message on stderr), never trusted and never a failed request. If the cache folder
cannot be written, the model is built in memory for this process only.

`make demo` and `make test` build every one at install (`python -m integrations.ai.onnx_cache`), so the
first `sma up` only loads them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from integrations.ai.user_cache import cache_dir
from integrations.ai.weights import sha256_of
from integrations.files import write_atomically

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CachedModel:
    """Where an ONNX file is (or will be), the note that vouches for it, and what it must be built from."""

    onnx_file: Path
    note_file: Path
    weights_sha256: str
    builder_version: int

    def problem(self) -> str | None:
        """Why the cached file cannot be used, or None if it can."""
        if not self.onnx_file.is_file() or not self.note_file.is_file():
            return "not built yet"
        try:
            note = json.loads(self.note_file.read_text())
        except (OSError, ValueError) as error:
            return f"its note is unreadable ({error})"
        if not isinstance(note, dict):
            return "its note is unreadable (not a JSON object)"
        if (
            note.get("weights_sha256") != self.weights_sha256
            or note.get("builder_version") != self.builder_version
        ):
            return "it was built from other weights or by another builder"
        if note.get("onnx_sha256") != sha256_of(self.onnx_file):
            return "its SHA-256 differs from the one recorded when it was built (cut short or altered)"
        return None

    def write(self, model_bytes: bytes) -> None:
        """Write the file and then its note, each through a temporary name and an atomic rename, so a
        reader never sees half a file and two processes building at once both end with a whole one."""
        write_atomically(self.onnx_file, model_bytes)
        note = {
            "weights_sha256": self.weights_sha256,
            "builder_version": self.builder_version,
            "onnx_sha256": hashlib.sha256(model_bytes).hexdigest(),
        }
        write_atomically(self.note_file, json.dumps(note, indent=2).encode())


@dataclass(frozen=True)
class OnnxRecipe:
    """How one model's ONNX file is made: `build` writes it from the weights whose pinned SHA-256 is
    `weights_sha256` (checking the installed file against it), as `builder_version` of its builder."""

    title: str  # the model's name in messages, and (lower-cased) the start of the file's name
    weights_sha256: str
    builder_version: int
    build: Callable[[], bytes]
    # One build at a time in a process; processes race safely (atomic renames).
    _lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    def cached(self, folder: Path | None = None) -> CachedModel:
        # Keyed by the pinned hash: the build checks the installed weights against it, and a cached file
        # (checked against its own note) holds those weights, so the weights are not read again to load.
        stem = f"{self.title.lower()}-{self.weights_sha256[:16]}-builder{self.builder_version}"
        folder = folder or cache_dir()
        return CachedModel(
            folder / f"{stem}.onnx", folder / f"{stem}.json", self.weights_sha256, self.builder_version
        )

    def model(self) -> Path | bytes:
        """The cached ONNX file's path, building (or rebuilding) it first if need be; the model's bytes
        instead when the cache folder cannot be written."""
        cached = self.cached()
        with self._lock:
            reason = cached.problem()
            if reason is None:
                return cached.onnx_file
            print(
                f"sma: building the ONNX graph of {self.title} into {cached.onnx_file} ({reason}); "
                "this happens once",
                file=sys.stderr,
                flush=True,
            )
            model_bytes = self.build()
            try:
                cached.write(model_bytes)
            except OSError as error:
                _log.warning(
                    "cannot cache the %s ONNX model in %s (%s): using it from memory",
                    self.title,
                    cached.onnx_file.parent,
                    error,
                )
                return model_bytes
            return cached.onnx_file


def recipes() -> list[OnnxRecipe]:
    """Every model kept here (imported when asked for: their modules import this one)."""
    from integrations.ai.text.minilm_cache import MINILM_ONNX
    from integrations.ai.vision.efficientnet import EFFICIENTNET_ONNX

    return [MINILM_ONNX, EFFICIENTNET_ONNX]


def main() -> None:
    """Build every cached model that is not there and whole (the install step of `make demo`/`make test`)."""
    for recipe in recipes():
        model = recipe.model()
        where = model if isinstance(model, Path) else "in memory only (the cache folder is not writable)"
        print(f"{recipe.title} ONNX model: {where}")


if __name__ == "__main__":
    main()
