"""`sma` commands for this area (being built; registers nothing until its commands land)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    del app  # commands land with their issue
