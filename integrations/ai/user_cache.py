"""The user's cache folder for files the AI services derive from their models.

`$SMA_CACHE_DIR`, else `$XDG_CACHE_HOME/sma`, else `~/.cache/sma`: derived files (MiniLM's ONNX graph,
a bot's embedded utterances) outlive a virtualenv that `make` recreates, are shared by checkouts using
the same models (every file is named by the hash of what it was made from), and are never committed.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    explicit = os.environ.get("SMA_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sma"
