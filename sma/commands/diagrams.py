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


def review(
    execution: Annotated[
        str | None,
        typer.Option(help="An execution's name, ARN, or the start of either; default: the latest one."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option(help="The page to write; default $SMA_HOME/review.html.")
    ] = None,
) -> None:
    """Write a self-contained HTML page: every workflow's graph, one execution's path, its states' data."""
    from infra.diagrams.dot import GraphvizMissing
    from infra.diagrams.review import machine_of, review_page
    from sma.local_state import state_layout

    layout = state_layout()
    row = _find_execution(layout.executions, execution)
    if row is not None and machine_of(row) is None:
        raise _fail(f"execution {row['name']} ran {row['state_machine_arn']}, which is not in the topology")
    target = output or layout.review_page
    try:
        page = review_page(row)
    except GraphvizMissing as exc:
        raise _fail(str(exc)) from None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")
    shown = f"execution {row['name']} ({row['status']})" if row else "no execution (none recorded yet)"
    console.print(f"wrote {target}: every workflow, {shown}\nopen file://{target.resolve()}")


def _find_execution(store_path: Path, wanted: str | None) -> dict | None:
    """The chosen execution's record, the latest one when none is named, or None when none exist."""
    from integrations.stepfunctions.store import ExecutionStore

    if not store_path.is_file():
        if wanted:
            raise _fail(f"no executions recorded under {store_path.parent} (run `sma demo`, or `sma up`)")
        return None
    store = ExecutionStore(store_path)
    try:
        if wanted:
            row = store.find(wanted)
            if row is None:
                raise _fail(f"no single execution matches {wanted!r}: see `sma executions`")
            return row
        latest = store.list(limit=1)
        return latest[0] if latest else None
    finally:
        store.close()


def register(app: typer.Typer) -> None:
    app.command("diagrams")(diagrams)
    app.command("review")(review)
