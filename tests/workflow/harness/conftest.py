"""The fixture state machines and their mock configs (tests/workflow/fixtures, by naming convention)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def definition() -> Callable[[str], dict[str, Any]]:
    """`definition("triage")`: the parsed fixtures/triage.asl.json."""

    def load(name: str) -> dict[str, Any]:
        return json.loads((FIXTURES / f"{name}.asl.json").read_text())

    return load
