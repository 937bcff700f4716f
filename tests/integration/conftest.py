"""The local cloud the end-to-end modules share: one per module (the models load once), fully offline."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infra.local.layout import StateLayout
from infra.local.session import Session, local_session
from workflows.schemas import validate_event


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    layout = StateLayout(tmp_path_factory.mktemp("sma"))
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SMA_SECRET_SMA_X_CREDENTIALS", raising=False)
        with local_session(layout) as running:
            yield running
            # Every event the bus carried in this module obeys its domain event's JSON Schema.
            for event in running.recorder.events:
                validate_event(event["detail-type"], event["detail"])
