"""Load every model once (for `sma ai warmup`, the server and the benchmark) and measure memory."""

from __future__ import annotations

import importlib
import resource
from collections.abc import Callable, Iterator

from integrations.ai.lazy import REGISTRY, LazyModel

# Importing these registers their models (each module declares its lazily loaded model at import), in the
# order a warm-up loads them: what every text message needs first, then photos, then spaCy, which only
# DetectEntities and DetectKeyPhrases use (the bot's own workflows no longer call them).
MODEL_MODULES = (
    "integrations.ai.text.sentiment",
    "integrations.ai.text.language",
    "integrations.ai.text.embeddings",
    "integrations.ai.text.toxicity",
    "integrations.ai.vision.efficientnet",
    "integrations.ai.vision.faces",
    "integrations.ai.vision.ocr",
    "integrations.ai.text.nlp",
)


def models() -> dict[str, LazyModel[object]]:
    """Every model, in MODEL_MODULES' order: the registry's own order is whichever module was imported
    first (the local cloud imports the vision services before any text model is asked for), which had
    the warm-up load dlib and EfficientNet while the first text message waited for its models."""
    for module in MODEL_MODULES:
        importlib.import_module(module)

    def rank(model: LazyModel[object]) -> int:
        return MODEL_MODULES.index(model.module) if model.module in MODEL_MODULES else len(MODEL_MODULES)

    return {model.name: model for model in sorted(REGISTRY.values(), key=rank)}


def load_all(before_each: Callable[[str], None] | None = None) -> Iterator[tuple[str, float]]:
    """Load each model (if not yet loaded) and yield its name and load time in seconds."""
    for name, model in models().items():
        if before_each is not None:
            before_each(name)
        model.get()
        yield name, model.load_seconds or 0.0


def current_rss_mib() -> float:
    """This process's resident memory now (from /proc, so Linux only)."""
    with open("/proc/self/statm") as stream:
        pages = int(stream.read().split()[1])
    return pages * resource.getpagesize() / (1024 * 1024)


def peak_rss_mib() -> float:
    """This process's peak resident memory so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
