"""Running Parallel branches and Map iterations: scopes, clock forks and (with a real clock) threads."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workflows.engine.clock import Clock
    from workflows.engine.scope import Scope

Job = Callable[["Scope"], Any]


def run_concurrently(
    scope: Scope,
    state_name: str,
    jobs: Sequence[Job],
    max_concurrency: int,
    on_result: Callable[[int, Any, BaseException | None], bool],
) -> None:
    """Run each job of the Parallel or Map state `state_name` in its own child scope, at most
    `max_concurrency` at a time (0 means no limit).

    `on_result(index, value, error)` is told about each job; it returns False to stop starting new ones
    (a failure). Under a virtual clock the jobs run one after another, each starting at the virtual time
    its concurrency slot frees up, so the parent ends at the time concurrent work would have ended.
    """
    clock = scope.clock
    # Every branch or item is named after this visit of the state and its position in it (call ids).
    lineage = scope.step(state_name) + "/"

    def child(index: int, clock: Clock) -> Scope:
        return scope.child(f"{state_name}/", clock, f"{lineage}{index}/")

    limit = max_concurrency if 0 < max_concurrency < len(jobs) else len(jobs)
    if clock.concurrent and len(jobs) > 1:
        _run_threads(
            lambda index: child(index, clock), jobs, min(limit, scope.run.max_concurrency), on_result
        )
        return
    start = clock.now()
    slots = [start] * max(limit, 1)
    forks = []
    for index, job in enumerate(jobs):
        slot_start = heapq.heappop(slots)
        fork = clock.fork(slot_start)
        forks.append(fork)
        try:
            value, error = job(child(index, fork)), None
        except Exception as exc:  # handed to on_result, which decides: the state's error or tolerated
            value, error = None, exc
        heapq.heappush(slots, fork.now())
        if not on_result(index, value, error):
            break
    clock.join(forks)


def _run_threads(
    child: Callable[[int], Scope],
    jobs: Sequence[Job],
    workers: int,
    on_result: Callable[[int, Any, BaseException | None], bool],
) -> None:
    stop = False

    def guarded(index: int) -> tuple[Any, BaseException | None]:
        if stop:
            return None, None
        try:
            return jobs[index](child(index)), None
        except Exception as exc:
            return None, exc

    workers = max(workers, 1)
    # Every job has a slot of its own: the calling thread takes the first instead of waiting idle for a
    # thread started to run it (a Parallel of two branches starts one thread, not two). With more jobs
    # than slots, `workers` threads take them in turn while this one hands out the results.
    inline = len(jobs) <= workers
    with ThreadPoolExecutor(max_workers=len(jobs) - 1 if inline else workers) as pool:
        futures = [pool.submit(guarded, index) for index in range(1 if inline else 0, len(jobs))]
        outcomes: Iterator[tuple[Any, BaseException | None]] = (future.result() for future in futures)
        if inline:
            outcomes = itertools.chain([guarded(0)], outcomes)
        for index, (value, error) in enumerate(outcomes):
            if stop:
                continue
            if not on_result(index, value, error):
                stop = True
