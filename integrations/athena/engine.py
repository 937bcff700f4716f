"""`run_query`: Athena SQL over the local data lake, answered by DuckDB.

Each query gets a fresh in-memory DuckDB whose views are named like the Glue tables and read the
table's JSON-lines objects (listed through the object store, so half-written objects are never seen)
with `read_json` and the table's explicit column schema. Values that do not fit the declared type read
as NULL (`ignore_errors`), as the OpenX SerDe's `ignore.malformed.json` does, so one odd event cannot
hide the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from integrations.athena.partitions import Partitions
from integrations.athena.sql import query_error, translate
from integrations.athena.tables import TableDefinition
from integrations.errors import ServiceError
from integrations.objectstore import ObjectStore


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _identifier(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@dataclass(frozen=True)
class TableFile:
    """An object Athena reads for a table, and the values of the partition it lies in."""

    path: str
    size: int
    partition: dict[str, str]


def view_sql(table: TableDefinition, files: Sequence[TableFile]) -> str:
    """The DuckDB view standing for a Glue table over these files (an empty typed view when none):
    the JSON's columns, then the partition keys, as Athena lists a partitioned table's columns."""
    columns = table.duckdb_columns()
    keys = table.duckdb_partition_columns()
    if not files:
        casts = ", ".join(
            f"CAST(NULL AS {kind}) AS {_identifier(name)}" for name, kind in {**columns, **keys}.items()
        )
        return f"CREATE VIEW {_identifier(table.name)} AS SELECT {casts} WHERE false"
    schema = "{" + ", ".join(f"{_literal(name)}: {_literal(kind)}" for name, kind in columns.items()) + "}"
    paths = "[" + ", ".join(_literal(file.path) for file in files) + "]"
    source = (
        f"read_json({paths}, columns = {schema}, format = 'newline_delimited', ignore_errors = true, "
        "hive_partitioning = false, maximum_object_size = 16777216"
    )
    if not keys:
        return f"CREATE VIEW {_identifier(table.name)} AS SELECT * FROM {source})"
    # Each file's partition values, joined on the file name DuckDB reports for every row.
    file_column = "__sma_source_file"
    rows = ", ".join(
        "(" + ", ".join([_literal(file.path), *(_literal(file.partition[name]) for name in keys)]) + ")"
        for file in files
    )
    aliases = ", ".join(_identifier(name) for name in [file_column, *keys])
    picked = ", ".join(
        f"CAST(p.{_identifier(name)} AS {kind}) AS {_identifier(name)}" for name, kind in keys.items()
    )
    return (
        f"CREATE VIEW {_identifier(table.name)} AS SELECT j.* EXCLUDE ({_identifier(file_column)}), {picked} "
        f"FROM {source}, filename = {_literal(file_column)}) AS j "
        f"JOIN (VALUES {rows}) AS p({aliases}) ON j.{_identifier(file_column)} = p.{_identifier(file_column)}"
    )


def table_files(table: TableDefinition, store: ObjectStore) -> list[TableFile]:
    """The objects Athena reads for `table`: below its location and, when it is partitioned, in one of
    the partitions its projection (or Hive-style folders) yields."""
    if not store.bucket_exists(table.bucket):
        return []
    layout = Partitions(table)
    files = []
    for info in store.iter_keys(table.bucket, table.prefix):
        partition = layout.of(info.key)
        if info.size > 0 and partition is not None:
            files.append(TableFile(str(info.path), info.size, partition))
    return files


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    types: list[str]  # DuckDB's type of each column
    rows: list[tuple[Any, ...]]
    scanned_bytes: int


def execute_query(
    sql: str,
    tables: Iterable[TableDefinition],
    *,
    store: ObjectStore,
    database: str | None = None,
) -> QueryResult:
    """Run one Athena SELECT. Failures are `ServiceError`s whose message starts with Athena's error
    category (SYNTAX_ERROR, COLUMN_NOT_FOUND, TABLE_NOT_FOUND, ...)."""
    definitions = {table.name: table for table in tables}
    duck_sql = translate(sql, definitions, database)
    objects = store
    connection = duckdb.connect(":memory:")
    # Trino divides integers as integers (5 / 2 = 2); DuckDB's `/` would give 2.5.
    connection.execute("SET integer_division = true")
    try:
        scanned = 0
        for table in definitions.values():
            if table.view_sql is None:
                files = table_files(table, objects)
                scanned += sum(file.size for file in files)
                connection.execute(view_sql(table, files))
        # Glue views after the tables they read; a view over another view would need them in order.
        for table in definitions.values():
            if table.view_sql is not None:
                body = translate(table.view_sql, definitions, table.database)
                connection.execute(f"CREATE VIEW {_identifier(table.name)} AS {body}")
        try:
            cursor = connection.execute(duck_sql)
        except duckdb.Error as error:
            raise _athena_error(error) from None
        description = cursor.description or []
        # Trino folds identifiers to lower case, so Athena's result columns are lower-case.
        columns = [column[0].lower() for column in description]
        types = [str(column[1]) for column in description]
        return QueryResult(columns, types, cursor.fetchall(), scanned)
    finally:
        connection.close()
        if store is None:
            objects.close()


def run_query(
    sql: str,
    tables: Iterable[TableDefinition],
    *,
    store: ObjectStore,
    database: str | None = None,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one Athena SELECT over `tables`; returns (column names, rows)."""
    result = execute_query(sql, tables, store=store, database=database)
    return result.columns, result.rows


def _athena_error(error: duckdb.Error) -> ServiceError:
    message = str(error).splitlines()[0]
    for prefix in ("Binder Error: ", "Catalog Error: ", "Parser Error: ", "Conversion Error: "):
        message = message.removeprefix(prefix)
    if isinstance(error, duckdb.ParserException):
        category = "SYNTAX_ERROR"
    elif isinstance(error, duckdb.BinderException) and "column" in message.lower():
        category = "COLUMN_NOT_FOUND"
    elif isinstance(error, duckdb.CatalogException) and "function" in message.lower():
        category = "FUNCTION_NOT_FOUND"
    elif isinstance(error, duckdb.BinderException | duckdb.CatalogException):
        category = "SEMANTIC_ERROR"
    elif isinstance(error, duckdb.ConversionException):
        category = "INVALID_CAST_ARGUMENT"
    else:
        category = "GENERIC_USER_ERROR"
    return query_error(category, message)
