"""A Glue-style table definition over JSON-lines files in the object store, and the two things made
from it: Glue's `TableInput` (for AWS) and the DuckDB column schema (for the local cloud).

Columns are declared in the case the JSON uses (`Text`, `Analysis`): locally DuckDB matches JSON keys
by exact name, and SQL reaches them case-insensitively (`detail.analysis.textsentiment`), which is what
Athena's OpenX JSON SerDe gives with its default `case.insensitive = true`. Glue itself stores the
names lower-case; `glue_table_input()` does that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from integrations.athena.hive_types import HiveType, parse_hive_type

OPENX_JSON_SERDE = "org.openx.data.jsonserde.JsonSerDe"


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
    description: str = ""
    serde_parameters: Mapping[str, str] = field(
        default_factory=lambda: {"case.insensitive": "true", "ignore.malformed.json": "true"}
    )

    @property
    def location(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def duckdb_columns(self) -> dict[str, str]:
        """The schema for `read_json(columns=...)`: explicit, as inferred ones break on empty arrays
        and missing keys."""
        return {column.name: column.parsed().duckdb() for column in self.columns}

    def glue_table_input(self) -> dict[str, Any]:
        """The `TableInput` of Glue's CreateTable for this table (a JSON table read by the OpenX SerDe)."""
        return {
            "Name": self.name,
            "Description": self.description,
            "TableType": "EXTERNAL_TABLE",
            "Parameters": {"classification": "json", "EXTERNAL": "TRUE"},
            "StorageDescriptor": {
                "Columns": [
                    {"Name": column.name.lower(), "Type": column.parsed().glue(), "Comment": column.comment}
                    for column in self.columns
                ],
                "Location": self.location,
                "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
                "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                "SerdeInfo": {
                    "SerializationLibrary": OPENX_JSON_SERDE,
                    "Parameters": dict(self.serde_parameters),
                },
            },
        }
