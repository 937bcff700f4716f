"""The local cloud's state lives under SMA_HOME, one folder per service."""

from __future__ import annotations

from pathlib import Path

from integrations.state import state_dir


def test_state_dir_follows_sma_home(sma_home: Path) -> None:
    assert state_dir() == sma_home
    bus = state_dir("bus")
    assert bus == sma_home / "bus"
    assert bus.is_dir()


def test_state_dir_defaults_to_dot_sma(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SMA_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    assert state_dir("lake").resolve() == (tmp_path / ".sma" / "lake").resolve()
