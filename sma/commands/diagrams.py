"""`sma diagrams` (regenerate docs/diagrams/ from the ASL and the topology) and `sma review` (the
static review page for one execution). The work happens in `infra.diagrams`; this module reads the
options, calls it and prints.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

console = Console(highlight=False, soft_wrap=True)


def _fail(message: str) -> typer.Exit:
    Console(stderr=True, highlight=False, soft_wrap=True).print(f"[red]error:[/red] {escape(message)}")
    return typer.Exit(2)


def diagrams(
    output: Annotated[Path | None, typer.Option(help="Folder to write; default docs/diagrams/.")] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if the folder is stale.")
    ] = False,
) -> None:
    """Regenerate the workflow and system diagrams (Mermaid .mmd and Graphviz .svg)."""
    from infra.diagrams.dot import GraphvizMissing
    from infra.diagrams.generate import DIAGRAMS, generate, stale_files

    folder = output or DIAGRAMS
    try:
        if check:
            with tempfile.TemporaryDirectory() as fresh:
                generate(Path(fresh))
                stale = stale_files(folder, Path(fresh)) if folder.is_dir() else ["(folder missing)"]
            if stale:
                console.print(f"[red]stale[/red] in {folder}: {', '.join(stale)} (run `sma diagrams`)")
                raise typer.Exit(1)
            console.print(f"{folder} is up to date.")
            return
        written = generate(folder)
    except GraphvizMissing as exc:
        raise _fail(str(exc)) from None
    for path in written:
        console.print(f"wrote {path}")


def register(app: typer.Typer) -> None:
    app.command("diagrams")(diagrams)
