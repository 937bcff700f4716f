"""Models load lazily, once per process, behind a lock of their own, and remember how long they took."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")


class LazyModel(Generic[T]):
    """A model built by `loader` on first use; concurrent first users wait for one load, not several."""

    def __init__(self, name: str, loader: Callable[[], T]) -> None:
        self.name = name
        self._loader = loader
        self._lock = threading.Lock()
        # For models whose inference is not thread-safe (dlib's DNN keeps scratch tensors, spaCy makes
        # no promise): callers hold this while they use the model. On 2 cores it costs little.
        self.inference_lock = threading.Lock()
        self._value: T | None = None
        self.load_seconds: float | None = None

    @property
    def module(self) -> str:
        """The module that declares the model (its loader's)."""
        return str(getattr(self._loader, "__module__", ""))

    @property
    def loaded(self) -> bool:
        return self._value is not None

    def get(self) -> T:
        value = self._value
        if value is not None:
            return value
        with self._lock:
            if self._value is None:
                started = time.perf_counter()
                self._value = self._loader()
                self.load_seconds = time.perf_counter() - started
            return self._value

    @contextmanager
    def exclusive(self) -> Iterator[T]:
        """The model, loaded if need be, held by this thread alone until the block ends."""
        model = self.get()
        with self.inference_lock:
            yield model


REGISTRY: dict[str, LazyModel[object]] = {}


def lazy_model(name: str, loader: Callable[[], T]) -> LazyModel[T]:
    """Create a lazily loaded model and register it for `sma ai warmup` and the benchmark."""
    model = LazyModel(name, loader)
    REGISTRY[name] = model  # type: ignore[assignment]
    return model
