"""The local cloud the end-to-end modules share: one per module (the models load once), fully offline."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.local.layout import StateLayout
from infra.local.session import Session, local_session
from workflows.schemas import validate_event


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    layout = StateLayout(tmp_path_factory.mktemp("sma"))
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SMA_SECRET_SMA_X_CREDENTIALS", raising=False)
        with local_session(layout, record=True) as running:
            yield running
            # Every event the bus carried in this module obeys its domain event's JSON Schema.
            for event in running.recorder.events:
                validate_event(event["detail-type"], event["detail"])


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The environment of an `sma` child process on a state folder of its own, with no X credentials."""
    values = {**os.environ, "SMA_HOME": str(tmp_path / ".sma"), "LOG_LEVEL": "WARNING", "COLUMNS": "200"}
    values.pop("SMA_SECRET_SMA_X_CREDENTIALS", None)
    return values
