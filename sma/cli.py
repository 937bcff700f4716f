"""The `sma` entry point: builds the Typer app from the command modules in `sma.commands`."""

from __future__ import annotations

import importlib

import typer

from sma import __version__
from sma.terminal import tolerate_any_text

# Each module exposes `register(app)`, adding its commands or sub-groups; the order is the help order.
COMMAND_MODULES = (
    "demo",
    "cloud",
    "workflow",
    "stepfunctions",
    "ai",
    "events",
    "query",
    "diagrams",
    "cost",
)

app = typer.Typer(
    name="sma",
    help="Serverless Message Analyser: an ASL-first AI bot for X, on AWS or on a local, offline cloud.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"sma {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Serverless Message Analyser."""
    tolerate_any_text()


for _name in COMMAND_MODULES:
    importlib.import_module(f"sma.commands.{_name}").register(app)


def main() -> None:
    app()
