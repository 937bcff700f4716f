"""Where the local cloud keeps its durable state: `$SMA_HOME`, or `.sma/` in the working directory.

Every local service that must survive a restart (archive, stream, checkpoints, object store, lake, …)
keeps its files in its own sub-folder of this directory, named after the service.
"""

from __future__ import annotations

import os
from pathlib import Path


def state_dir(service: str | None = None) -> Path:
    """The state directory (created on first use), or a service's own sub-folder of it."""
    root = Path(os.environ.get("SMA_HOME") or ".sma")
    folder = root / service if service else root
    folder.mkdir(parents=True, exist_ok=True)
    return folder
