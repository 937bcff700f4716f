"""Keeping the local cloud's memory in check under bursts.

glibc gives each thread that allocates concurrently an arena of its own and rarely returns their memory;
the local cloud runs the models from many threads (workflow branches, Map iterations, bus workers), so a
burst of photo messages grew the process to about 2 GB, almost half of it idle arenas. Two arenas, set
before the workers start, hold it near 1.1 GB at the same speed (benchmarks/e2e.py, 30 photos).
"""

from __future__ import annotations

import ctypes
import ctypes.util

_M_ARENA_MAX = -8  # mallopt parameter number, from glibc's malloc.h


def limit_malloc_arenas(count: int = 2) -> bool:
    """Cap glibc's malloc arenas (as MALLOC_ARENA_MAX would); False where there is no glibc."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        return bool(libc.mallopt(_M_ARENA_MAX, count))
    except (OSError, AttributeError):  # musl, macOS: no mallopt, nothing to tune
        return False
