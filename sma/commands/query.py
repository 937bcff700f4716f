"""`sma query "SQL"`: Athena SQL over the local data lake (DuckDB), as a table, JSON or CSV.

The SQL runs unchanged as it would in Athena: `"analysed-messages-table"` is the view that holds each event
once, `"analysed-messages-raw"` the table below it with every delivery Firehose made. A query
that fails prints one line in Athena's words (`SYNTAX_ERROR: ...`, `COLUMN_NOT_FOUND: ...`) and exits 2.
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from integrations.errors import ServiceError


def _plain(value: Any) -> Any:
    """A value as JSON can hold it (dates as ISO text, decimals as numbers)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list | tuple):
        return json.dumps(_plain(value))
    return str(_plain(value))


def query(
    sql: str = typer.Argument(
        ..., help="One Athena (Trino) SELECT, e.g. 'SELECT count(*) FROM \"analysed-messages-table\"'."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print {columns, rows} as JSON."),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV with a header row."),
) -> None:
    """Run Athena SQL on the local data lake and print the result."""
    from infra.local.account import LocalAccount
    from infra.local.lake import lake_tables
    from infra.topology import TOPOLOGY
    from integrations.athena import run_query
    from sma.local_state import state_layout

    if as_json and as_csv:
        typer.echo("Choose one of --json and --csv.", err=True)
        raise typer.Exit(2)
    try:
        account = LocalAccount(state_layout())
        lake = lake_tables(account.identity.bucket(TOPOLOGY.delivery_stream.bucket))
        columns, rows = run_query(sql, lake, store=account.client("s3").store)
    except ServiceError as error:
        typer.echo(error.message, err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(
            json.dumps({"columns": columns, "rows": [[_plain(v) for v in row] for row in rows]}, indent=2)
        )
    elif as_csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_text(v) for v in row] for row in rows)
    else:
        table = Table(caption=f"{len(rows)} row{'s' if len(rows) != 1 else ''}")
        for column in columns:
            table.add_column(column)
        for row in rows:
            table.add_row(*(_text(v) for v in row))
        Console().print(table)


def register(app: typer.Typer) -> None:
    app.command("query")(query)
