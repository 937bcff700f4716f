"""Athena on DuckDB: Glue-style table definitions over the JSON-lines data lake, Athena (Trino) SQL
transpiled with sqlglot, and `run_query(sql) -> (columns, rows)`."""

from __future__ import annotations

from integrations.athena.engine import run_query
from integrations.athena.lake_table import LAKE_TABLE
from integrations.athena.tables import Column, TableDefinition

__all__ = ["LAKE_TABLE", "Column", "TableDefinition", "run_query"]
