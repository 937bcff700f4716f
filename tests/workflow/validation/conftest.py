"""Helpers for the validator tests: build minimal machines, and read problems as (pointer, message)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from workflows import validate

Machine = Callable[..., dict[str, Any]]
Check = Callable[..., list[tuple[str, str]]]


@pytest.fixture
def machine() -> Machine:
    """`machine(State1={...}, State2={...}, QueryLanguage=...)`: StartAt is the first state."""

    def build(query_language: str | None = None, **states: Any) -> dict[str, Any]:
        definition: dict[str, Any] = {"StartAt": next(iter(states)), "States": states}
        if query_language:
            definition["QueryLanguage"] = query_language
        return definition

    return build


@pytest.fixture
def errors_of() -> Check:
    """The (pointer, message) of every error the validator finds."""

    def check(definition: Any, **options: Any) -> list[tuple[str, str]]:
        return [(p.pointer, p.message) for p in validate(definition, **options) if p.is_error]

    return check
