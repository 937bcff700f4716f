"""The local Athena reads a partitioned table as Athena does: only the objects in the partitions its
projection yields, with the partition keys as columns after the table's own.

Sources: "Partition projection with Amazon Athena" / "Supported types for partition projection"
(https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html: enum values,
date `format` and `range` with the NOW token) and "How to use the date type"
(https://docs.aws.amazon.com/athena/latest/ug/partition-projection-kinesis-firehose-example-using-the-date-type.html).
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from infra.topology import TOPOLOGY
from integrations.athena import TableDefinition, run_query
from integrations.errors import ServiceError
from integrations.objectstore import ObjectStore

COUNT = 'SELECT count(*) FROM "analysed-messages-raw"'


def put(store: ObjectStore, bucket: str, key: str, *events: dict) -> None:
    store.put(bucket, key, "".join(json.dumps(event) + "\n" for event in events).encode())


def test_partition_keys_are_columns_after_the_tables_own(lake, table: TableDefinition) -> None:
    columns, rows = run_query(
        'SELECT * FROM "analysed-messages-raw" WHERE "detail-type" = \'MESSAGE_RECEIVED\'',
        [table],
        store=lake,
    )
    assert columns == [c.name for c in TOPOLOGY.lake.columns] + ["detail_type", "day"]
    assert rows[0][-2:] == ("MESSAGE_RECEIVED", "2026-11-20")
    _, counts = run_query(
        'SELECT detail_type, day, count(*) FROM "analysed-messages-raw" '
        "WHERE day >= '2026-11-20' AND detail_type LIKE 'MESSAGE_%' GROUP BY 1, 2 ORDER BY 1",
        [table],
        store=lake,
    )
    assert counts == [
        ("MESSAGE_ANALYSED", "2026-11-20", 4),
        ("MESSAGE_ANALYSIS_FAILED", "2026-11-20", 1),
        ("MESSAGE_RECEIVED", "2026-11-20", 1),
    ]


def test_only_projected_partitions_are_read(
    lake, table: TableDefinition, lake_bucket: str, lake_events
) -> None:
    event = lake_events[0]
    outside = [
        "events/detail_type=NOT_AN_EVENT_TYPE/day=2026-11-20/a",  # not in the enum
        "events/detail_type=MESSAGE_ANALYSED/day=2025-12-31/a",  # before the range starts
        "events/detail_type=MESSAGE_ANALYSED/day=2999-01-01/a",  # after NOW
        "events/detail_type=MESSAGE_ANALYSED/day=2026-13-01/a",  # not a yyyy-MM-dd date
        "events/detail_type=MESSAGE_ANALYSED/day=2026-1-05/a",  # not in the format's own spelling
        "events/detail_type=MESSAGE_ANALYSED/a",  # no day folder
        "events/stray",  # not in any partition
    ]
    for key in outside:
        put(lake, lake_bucket, key, event)
    assert run_query(COUNT, [table], store=lake)[1] == [(7,)]
    put(lake, lake_bucket, "events/detail_type=MESSAGE_ANALYSED/day=2026-11-21/b", event)
    assert run_query(COUNT, [table], store=lake)[1] == [(8,)]


def test_without_projection_the_hive_style_folders_are_the_partitions(
    lake, table: TableDefinition, lake_bucket: str, lake_events
) -> None:
    # What MSCK REPAIR TABLE registers: every <key>=<value>/ folder, whatever the value.
    put(lake, lake_bucket, "events/detail_type=NOT_AN_EVENT_TYPE/day=1999-01-01/a", lake_events[0])
    plain = dataclasses.replace(table, parameters={"classification": "json"})
    _, rows = run_query(
        'SELECT detail_type, count(*) FROM "analysed-messages-raw" GROUP BY 1',
        [plain],
        store=lake,
    )
    counts = dict(rows)
    assert counts["NOT_AN_EVENT_TYPE"] == 1 and sum(counts.values()) == 8


def test_an_unpartitioned_table_reads_everything_below_its_location(lake, lake_bucket: str) -> None:
    table_input = TOPOLOGY.lake.table_input(lake_bucket)
    table_input = {**table_input, "PartitionKeys": [], "Parameters": {"classification": "json"}}
    table = TableDefinition.from_table_input("messages_data_lake", table_input)
    put(lake, lake_bucket, "events/stray", {"detail-type": "X"})
    assert run_query(COUNT, [table], store=lake)[1] == [(8,)]


def test_a_table_must_live_in_s3(lake_bucket: str) -> None:
    table_input = TOPOLOGY.lake.table_input(lake_bucket)
    table_input["StorageDescriptor"] = {**table_input["StorageDescriptor"], "Location": "/tmp/lake"}
    with pytest.raises(ServiceError) as error:
        TableDefinition.from_table_input("db", table_input)
    assert error.value.code == "InvalidInputException"
