"""Athena (Trino) SQL made DuckDB SQL: sqlglot transpiles the dialect, and this module resolves table
names against the Glue-style definitions, refuses what Athena would not run on a table (DDL, DML,
DuckDB's file-reading table functions), and reports errors with Athena's categories
(`SYNTAX_ERROR: line 1:8: ...`, `TABLE_NOT_FOUND: ...`)."""

from __future__ import annotations

from collections.abc import Mapping

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from integrations.athena.tables import TableDefinition
from integrations.errors import ServiceError

SERVICE = "athena"
DEFAULT_CATALOG = "awsdatacatalog"


def query_error(category: str, message: str) -> ServiceError:
    """A failed query, the way Athena words it (`<ERROR_CATEGORY>: <message>`)."""
    return ServiceError(SERVICE, "InvalidRequestException", f"{category}: {message}")


def _parse(sql: str) -> exp.Expr:
    try:
        statements = [s for s in sqlglot.parse(sql, read="athena") if s is not None]
    except ParseError as error:
        detail = error.errors[0] if error.errors else {}
        line, column = detail.get("line", 1), detail.get("col", 1)
        reason = str(detail.get("description", error)).splitlines()[0]
        raise query_error("SYNTAX_ERROR", f"line {line}:{column}: {reason}") from None
    except TokenError as error:
        raise query_error("SYNTAX_ERROR", str(error).splitlines()[0]) from None
    if len(statements) != 1:
        raise query_error("SYNTAX_ERROR", "exactly one statement per query")
    return statements[0]


def translate(sql: str, tables: Mapping[str, TableDefinition], database: str | None = None) -> str:
    """DuckDB SQL for an Athena query; table references become the views named after the tables."""
    tree = _parse(sql)
    if not isinstance(tree, exp.Query):
        raise query_error("NOT_SUPPORTED", "only SELECT queries run on the local data lake")
    cte_names = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    known = {name.lower(): table for name, table in tables.items()}
    for table in list(tree.find_all(exp.Table)):
        if not isinstance(table.this, exp.Identifier):
            raise query_error("NOT_SUPPORTED", f"table functions are not available: {table.this.sql()}")
        name, db, catalog = table.name.lower(), table.db.lower(), table.catalog.lower()
        if not db and name in cte_names:
            continue
        definition = known.get(name)
        wanted_db = db or (database or "").lower()
        if (
            definition is None
            or (wanted_db and wanted_db != definition.database.lower())
            or (catalog and catalog != DEFAULT_CATALOG)
        ):
            where = f"{catalog or DEFAULT_CATALOG}.{wanted_db or 'default'}.{table.name}"
            raise query_error("TABLE_NOT_FOUND", f"Table '{where}' does not exist")
        replacement = exp.Table(this=exp.to_identifier(definition.name, quoted=True))
        if table.args.get("alias") is not None:
            replacement.set("alias", table.args["alias"])
        table.replace(replacement)
    return tree.sql(dialect="duckdb")
