"""A Glue table as the local Athena sees it: what Glue's CreateTable `TableInput` says (location,
columns with Hive types, partition keys, table parameters such as partition projection, the SerDe's
parameters), with the column schema DuckDB reads the JSON with.

The local Athena is given a table the way Athena is: by its catalog entry. `from_table_input` reads
the same document the AWS app hands to Glue, so both clouds query one definition. Columns are kept in
the case the JSON uses (`Text`, `Analysis`): locally DuckDB matches JSON keys by exact name, and SQL
reaches them case-insensitively (`detail.analysis.textsentiment`), which is what Athena's OpenX JSON
SerDe gives with its default `case.insensitive = true`.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from integrations.athena.hive_types import HiveType, parse_hive_type
from integrations.errors import ServiceError

OPENX_JSON_SERDE = "org.openx.data.jsonserde.JsonSerDe"
# How Athena keeps a view it creates in Glue: ViewOriginalText is this marker around the base64 of a JSON
# document whose `originalSql` is the view's query.
_PRESTO_VIEW = ("/* Presto View: ", " */")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Hive type, e.g. "array<struct<Name:string>>"
    comment: str = ""

    def parsed(self) -> HiveType:
        return parse_hive_type(self.type)


@dataclass(frozen=True)
class TableDefinition:
    name: str
    database: str
    bucket: str
    prefix: str  # the table's location under the bucket; every object below it is read
    columns: tuple[Column, ...]
    partition_keys: tuple[Column, ...] = ()
    # Glue's table parameters: `projection.*` and `storage.location.template` decide which objects
    # belong to which partition (integrations/athena/partitions.py).
    parameters: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    serde_parameters: Mapping[str, str] = field(
        default_factory=lambda: {"case.insensitive": "true", "ignore.malformed.json": "true"}
    )
    # A view (Glue's VIRTUAL_VIEW) has its Trino SQL here and no location of its own.
    view_sql: str | None = None

    @classmethod
    def from_table_input(cls, database: str, table_input: Mapping[str, Any]) -> TableDefinition:
        """The table Glue's CreateTable would store for this `TableInput` (an S3 location is required:
        Athena reads nothing else)."""
        descriptor = table_input.get("StorageDescriptor", {})

        def columns(items: Any) -> tuple[Column, ...]:
            return tuple(Column(c["Name"], c["Type"], c.get("Comment", "")) for c in items or ())

        if table_input.get("TableType") == "VIRTUAL_VIEW":
            return cls(
                name=str(table_input["Name"]),
                database=database,
                bucket="",
                prefix="",
                columns=columns(descriptor.get("Columns")),
                description=str(table_input.get("Description", "")),
                view_sql=_presto_view_sql(table_input),
            )
        location = str(descriptor.get("Location", ""))
        bucket, _, prefix = location.removeprefix("s3://").partition("/")
        if not location.startswith("s3://") or not bucket:
            raise ServiceError(
                "glue",
                "InvalidInputException",
                f"Table {table_input.get('Name')!r} needs an s3://bucket/prefix/ Location, not {location!r}",
            )
        return cls(
            name=str(table_input["Name"]),
            database=database,
            bucket=bucket,
            prefix=prefix,
            columns=columns(descriptor.get("Columns")),
            partition_keys=columns(table_input.get("PartitionKeys")),
            parameters=dict(table_input.get("Parameters", {})),
            description=str(table_input.get("Description", "")),
            serde_parameters=dict(descriptor.get("SerdeInfo", {}).get("Parameters", {})),
        )

    @property
    def location(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def duckdb_columns(self) -> dict[str, str]:
        """The schema for `read_json(columns=...)`: explicit, as inferred ones break on empty arrays
        and missing keys."""
        return {column.name: column.parsed().duckdb() for column in self.columns}

    def duckdb_partition_columns(self) -> dict[str, str]:
        return {key.name: key.parsed().duckdb() for key in self.partition_keys}


def _presto_view_sql(table_input: Mapping[str, Any]) -> str:
    """The query of a view Athena would read: ViewOriginalText must be a Presto View document."""
    text = str(table_input.get("ViewOriginalText", ""))
    start, end = _PRESTO_VIEW
    try:
        if not (text.startswith(start) and text.endswith(end)):
            raise ValueError("not a '/* Presto View: <base64> */' text")
        document = json.loads(base64.b64decode(text[len(start) : -len(end)], validate=True))
        sql = document["originalSql"]
        if not isinstance(sql, str) or not sql.strip():
            raise ValueError("originalSql is empty")
        return sql
    except (ValueError, KeyError, TypeError, binascii.Error) as error:
        raise ServiceError(
            "glue",
            "InvalidInputException",
            f"View {table_input.get('Name')!r} has no Athena view definition in ViewOriginalText ({error})",
        ) from None
