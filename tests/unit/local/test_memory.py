"""The local cloud caps glibc's malloc arenas, which a burst of threaded model calls would multiply."""

from __future__ import annotations

import platform

import pytest

from infra.local.memory import limit_malloc_arenas


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_the_arena_cap_is_accepted_by_glibc() -> None:
    assert limit_malloc_arenas(2) is True
