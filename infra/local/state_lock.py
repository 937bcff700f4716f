"""One local cloud per state folder: an advisory lock file holding the running cloud's PID.

Two clouds on one state folder would both poll the same stream and bus and do every message twice. The
lock is `flock`ed, so the kernel releases it when the process dies however it dies (SIGKILL included):
a stale lock file never blocks the next start.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class StateFolderInUse(RuntimeError):
    """Another local cloud holds the state folder."""


class StateLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> StateLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise StateFolderInUse(
                f"the state folder {self.path.parent} is in use by another local cloud (PID {holder}): "
                "stop that one, or point SMA_HOME at another folder"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
