"""The lake's one declaration (infra/topology.py): its Glue table, its Firehose destination and the
partition projection agree, and AWS's constraints on them hold."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import botocore.session
import pytest

from infra.topology import TOPOLOGY, WORKFLOWS, DeliveryStream, LakeTable, PartitionKey
from integrations.athena.partitions import Partitions
from integrations.athena.tables import TableDefinition
from integrations.firehose import prefixes
from integrations.firehose.config import from_api
from integrations.firehose.jq import compile_query
from workflows.schemas import detail_types

GLUE = botocore.session.get_session().get_service_model("glue")


def _kinds(definition: dict) -> set[str]:
    """The raw detail-types the ingest workflow publishes: the values of its lookup tables (each X kind
    is data there, in the first state's Assign), plus TWITTER_UNKNOWN for what no table names."""
    tables = definition["States"][definition["StartAt"]]["Assign"]
    found = {"TWITTER_UNKNOWN"}
    for table in tables.values():
        if isinstance(table, dict):
            found |= {value for value in table.values() if isinstance(value, str)}
    return found


def test_the_enum_projection_lists_every_detail_type_the_bus_carries() -> None:
    # Athena reads only the partitions a projection yields ("Supported types for partition
    # projection", https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html):
    # a detail-type missing here would land in S3 and never be queried on AWS.
    kinds = _kinds(json.loads((WORKFLOWS / "ingest.asl.json").read_text()))
    assert len(kinds) >= 10, (
        "the ingest workflow no longer keeps its kinds in lookup tables; update this test"
    )
    carried = set(detail_types()) | kinds
    [detail_type] = [key for key in TOPOLOGY.lake.partition_keys if key.query is not None]
    assert carried <= set(detail_type.values), sorted(carried - set(detail_type.values))
    assert len(set(detail_type.values)) == len(detail_type.values)


def test_the_table_input_is_glues_shape_with_a_projection_for_every_partition_key() -> None:
    table_input = TOPOLOGY.lake.table_input("bucket")
    assert set(table_input) <= set(GLUE.shape_for("TableInput").members)
    assert set(table_input["StorageDescriptor"]) <= set(GLUE.shape_for("StorageDescriptor").members)
    parameters = table_input["Parameters"]
    assert parameters["projection.enabled"] == "true"
    for key in table_input["PartitionKeys"]:
        assert parameters[f"projection.{key['Name']}.type"] in {"enum", "date"}
    # A partition key may not share a column's name (Glue names are case-insensitive).
    columns = {column["Name"].lower() for column in table_input["StorageDescriptor"]["Columns"]}
    assert not columns & {key["Name"].lower() for key in table_input["PartitionKeys"]}


def test_the_firehose_prefix_writes_where_the_location_template_points() -> None:
    lake, stream = TOPOLOGY.lake, TOPOLOGY.delivery_stream
    moment = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
    record = {"detail-type": "MESSAGE_ANALYSED", "detail": {}}
    config = from_api(stream.name, stream.destination("arn:aws:s3:::bucket"))
    keys = config.partition_keys(record)
    assert keys == {"detail_type": "MESSAGE_ANALYSED"}
    written = "s3://bucket/" + prefixes.render(config.prefix, moment, partition=keys)
    template = lake.location_template("bucket")
    assert written == template.replace("${detail_type}", "MESSAGE_ANALYSED").replace("${day}", "2026-12-03")
    # ... and the local Athena reads an object there, with those partition values.
    table = TableDefinition.from_table_input(lake.database, lake.table_input("bucket"))
    key = written.removeprefix("s3://bucket/") + "LakeDelivery-1-2026-12-03-09-30-00-x"
    assert Partitions(table).of(key) == {"detail_type": "MESSAGE_ANALYSED", "day": "2026-12-03"}
    assert compile_query(str(lake.metadata_query)).evaluate(record) == keys


def test_dynamic_partitioning_streams_need_64_mib_buffers() -> None:
    # "When data format conversion or dynamic partitioning is enabled, buffering size must be at least
    # 64 MiBs" (aws-cdk-lib's Firehose S3 destination, https://github.com/aws/aws-cdk/pull/35903), and
    # "Zero buffering feature is not available for dynamic partitioning."
    # (https://docs.aws.amazon.com/firehose/latest/dev/buffering.html).
    hints = TOPOLOGY.delivery_stream.destination("arn:aws:s3:::bucket")["BufferingHints"]
    assert hints["SizeInMBs"] >= 64 and hints["IntervalInSeconds"] > 0
    for size, interval in ((1, 60), (64, 0)):
        with pytest.raises(ValueError, match="64 MiB"):
            DeliveryStream("Small", "Lake", TOPOLOGY.lake, "errors/", interval, size)


def test_bad_lake_declarations_are_refused() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        PartitionKey("both", query=".a", values=("x",), timestamp="yyyy", since="2026")
    with pytest.raises(ValueError, match="values"):
        PartitionKey("open", query=".a")
    with pytest.raises(ValueError, match="clash"):
        LakeTable(
            "db", "t", "", "x/", TOPOLOGY.lake.columns, (PartitionKey("ID", timestamp="yyyy", since="2026"),)
        )
