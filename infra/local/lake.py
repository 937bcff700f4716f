"""The data lake's table as the local Athena reads it: the topology's Glue `TableInput` (the very
document the AWS app gives Glue) placed in the local bucket the caller names."""

from __future__ import annotations

from infra.topology import TOPOLOGY, LakeTable
from integrations.athena import TableDefinition


def lake_table(bucket: str, table: LakeTable = TOPOLOGY.lake) -> TableDefinition:
    """The lake table over `bucket` (the local cloud's physical name of the topology's lake bucket)."""
    return TableDefinition.from_table_input(table.database, table.table_input(bucket))
