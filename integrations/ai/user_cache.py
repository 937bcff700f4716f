"""The user's cache folder for files the AI services derive from their models, and writing into it.

`$SMA_CACHE_DIR`, else `$XDG_CACHE_HOME/sma`, else `~/.cache/sma`: derived files (MiniLM's ONNX graph,
a bot's embedded utterances) outlive a virtualenv that `make` recreates, are shared by checkouts using
the same models (every file is named by the hash of what it was made from), and are never committed.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path


def cache_dir() -> Path:
    explicit = os.environ.get("SMA_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sma"


def write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary name and an atomic rename: a reader never sees half a file, and two
    processes writing the same file at once both leave a whole one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
