"""Athena on DuckDB: Glue-style table definitions over JSON-lines objects, Athena (Trino) SQL
transpiled with sqlglot, and `run_query(sql, tables) -> (columns, rows)`. The tables are given by the
caller (the lake's comes from `infra/topology.py`); nothing here knows a bucket or an account."""

from __future__ import annotations

from integrations.athena.engine import run_query
from integrations.athena.tables import Column, TableDefinition

__all__ = ["Column", "TableDefinition", "run_query"]
