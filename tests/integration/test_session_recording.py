"""A session that serves for days (`sma up`) keeps nothing per message in memory: its recorder, which
the reports of `sma demo` and `sma send` read, is off, and the bot answers all the same."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra.local.layout import StateLayout
from infra.local.session import local_session
from infra.local.webhooks import deliver, mention


def test_a_session_without_recording_answers_and_keeps_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SMA_SECRET_SMA_X_CREDENTIALS", raising=False)
    layout = StateLayout(tmp_path / ".sma")
    heard: list[str] = []
    with local_session(layout, gallery=None, record=False) as session:
        session.cloud.on(lambda kind, document: heard.append(kind))  # the live feed still hears it all
        body = json.dumps(mention("tell me a fact please", [], tweet_id="1790000000000000042")).encode()
        assert deliver(session.cloud.webhook_url, body, session.secret)[0] == 200
        assert session.cloud.settle(timeout=300)
        recorder = session.recorder
        assert (recorder.events, recorder.executions, recorder.alerts) == ([], [], [])
    assert "event" in heard and "execution" in heard
    outbox = (layout.home / "outbox" / "outbox.jsonl").read_text().splitlines()
    replies = [json.loads(line) for line in outbox]
    assert [reply["ReplyToTweetId"] for reply in replies] == ["1790000000000000042"]
