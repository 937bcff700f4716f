"""The local cloud's background warm-up: it loads the models the workflows use, goes on past a model
that fails to load, leaves spaCy alone when no workflow calls the operations it serves, and says when it
is done (what a benchmark waits for before it measures)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from infra.local.cloud import LocalCloud, LocalCloudSettings
from infra.local.layout import StateLayout
from integrations.ai import warmup
from integrations.ai.lazy import LazyModel
from integrations.ai.text import nlp


def _cloud(tmp_path: Path, **settings: Any) -> LocalCloud:
    return LocalCloud(LocalCloudSettings(layout=StateLayout(tmp_path), **settings))


def test_the_warm_up_loads_past_a_failure_and_skips_spacy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    loaded: list[str] = []
    release = threading.Event()

    def loader(name: str) -> Any:
        def load() -> str:
            release.wait(10)
            if name == "broken":
                raise OSError("model file missing")
            loaded.append(name)
            return name

        return load

    spacy = LazyModel("spacy", loader("spacy"))
    fakes = {name: LazyModel(name, loader(name)) for name in ("first", "broken", "last")}
    monkeypatch.setattr(warmup, "models", lambda: {**fakes, "spacy": spacy})
    monkeypatch.setattr(nlp, "SPACY_EN", spacy)
    cloud = _cloud(tmp_path)
    prepared = threading.Event()
    monkeypatch.setattr(cloud.ai.lex, "prepare", prepared.set)
    try:
        cloud.warm_up()
        cloud.warm_up()  # once only
        assert not cloud.wait_for_models(0.05)  # still loading
        release.set()
        assert cloud.wait_for_models(10)
        assert prepared.is_set()
        # The bot's workflows call neither DetectEntities nor DetectKeyPhrases: spaCy is not loaded.
        assert loaded == ["first", "last"]
        assert not spacy.loaded
    finally:
        cloud.stop()


def test_without_a_warm_up_there_is_nothing_to_wait_for(tmp_path: Path):
    cloud = _cloud(tmp_path, warm_models=False)
    try:
        cloud.warm_up()
        assert cloud.wait_for_models(0)
    finally:
        cloud.stop()
