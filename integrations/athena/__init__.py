"""Athena on DuckDB: Glue-style table definitions over JSON-lines objects, Athena (Trino) SQL
transpiled with sqlglot, and `run_query(sql, tables) -> (columns, rows)`. The tables are given by the
caller (the lake's comes from `infra/topology.py`); nothing here knows a bucket or an account."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from integrations.athena.tables import Column, TableDefinition

if TYPE_CHECKING:
    from integrations.athena.engine import run_query

__all__ = ["Column", "TableDefinition", "run_query"]


def __getattr__(name: str) -> Any:
    # The engine imports DuckDB; the topology only needs the type parser (hive_types), so importing
    # this package for it must not load a SQL engine into every process (the CDK app, `sma up`).
    if name == "run_query":
        from integrations.athena.engine import run_query

        return run_query
    raise AttributeError(name)
