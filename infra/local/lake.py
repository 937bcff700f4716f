"""The data lake as the local Athena reads it: the topology's Glue `TableInput`s (the very documents the
AWS app gives Glue), the table placed in the local bucket the caller names, and the view over it that
queries read (`analysed-messages-table`: each event once)."""

from __future__ import annotations

from infra.topology import TOPOLOGY, LakeTable, LakeView
from integrations.athena import TableDefinition


def lake_tables(
    bucket: str, table: LakeTable = TOPOLOGY.lake, view: LakeView = TOPOLOGY.lake_view
) -> list[TableDefinition]:
    """The lake table over `bucket` (the local cloud's physical name of the topology's lake bucket) and
    the view over it."""
    return [
        TableDefinition.from_table_input(table.database, table.table_input(bucket)),
        TableDefinition.from_table_input(table.database, view.table_input()),
    ]
