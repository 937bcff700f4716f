"""How many threads a model's inference may use: one knob for every library the AI services run on.

`$SMA_AI_THREADS` (default 1). `$SMA_TORCH_THREADS`, its name from when MiniLM ran on torch, is still
read when the new name is not set. One thread by default because the local cloud runs on 2 cores shared
with everything else it does: a second worker thread that loses its core stalls the whole operation at
the next barrier (measured with MiniLM on torch, RecognizeText at 15,000 utterances: p50 16-20 ms and
p95 26-43 ms on one thread, p50 21-53 ms and p95 115-780 ms on two).
"""

from __future__ import annotations

import functools
import os

VARIABLE = "SMA_AI_THREADS"
FORMER_VARIABLE = "SMA_TORCH_THREADS"


def ai_threads() -> int:
    """The intra-op thread count for model inference (at least 1)."""
    value = os.environ.get(VARIABLE) or os.environ.get(FORMER_VARIABLE) or "1"
    try:
        threads = int(value)
    except ValueError:
        raise ValueError(f"${VARIABLE} must be a whole number of threads, not {value!r}") from None
    return max(1, threads)


@functools.cache  # once per process (a second concurrent first call would only repeat the same limit)
def limit_blas_threads() -> None:
    """Hold numpy's BLAS to `ai_threads()` threads, once per process.

    OpenBLAS keeps its worker threads spinning for a while after each call; beside another library's
    pool on 2 cores the two spin against each other (an intent over 3,000 utterances took 108 ms that
    way instead of 13 ms). The matrix-vector products done per request are small enough for one core.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=ai_threads(), user_api="blas")
