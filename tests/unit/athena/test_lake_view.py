"""The view queries read, `analysed-messages-table`: each event once, however often it reached the lake.

EventBridge delivers to its targets at least once (Amazon EventBridge User Guide, "Event retry policy and
using dead-letter queues"), Firehose's delivery to S3 is at least once, its retries "might introduce
duplicates" ("Understand data delivery in Amazon Data Firehose",
https://docs.aws.amazon.com/firehose/latest/dev/basic-deliver.html), and ingest can
publish a message again under a new event id when a crash falls between its PutEvents and its COMPLETED
mark. The table keeps every delivery; the view keeps the first of each event: a domain event's repeat is
one alike in detail-type, source and detail; any other event (MESSAGE_DUPLICATE, each of which counts one
more delivery of a post by X, and X's raw events, whose fields the lake does not type) is one per id.

The view lives in Glue as Athena keeps the views it creates: a VIRTUAL_VIEW whose ViewOriginalText is
"/* Presto View: <base64 JSON with originalSql, catalog, schema, columns> */" (the shape public Athena
view modules write, e.g. iconara/terraform-aws-athena-view's main.tf).
"""

from __future__ import annotations

import base64
import json
from typing import Any

import botocore.session
import pytest

from infra.topology import DOMAIN_DETAIL_TYPES, REPUBLISHABLE, TOPOLOGY, array, struct, trino_type
from integrations.athena import TableDefinition, run_query
from integrations.athena.hive_types import HiveType, parse_hive_type
from integrations.errors import ServiceError
from integrations.objectstore import ObjectStore
from tests.unit.athena.conftest import deliver_to_lake, envelope
from workflows.schemas import SCHEMA_FILES

GLUE = botocore.session.get_session().get_service_model("glue")
PER_TYPE = 'SELECT "detail-type", count(*) FROM "{}" GROUP BY 1 ORDER BY 1'


def received(event_id: str, time: str, tweet: str = "1870000000000000001") -> dict[str, Any]:
    detail = {"Text": "@makitdev hello", "Author": "ann", "Twitter": {"TweetId": tweet, "UserId": "42"}}
    return envelope("MESSAGE_RECEIVED", "TWITTER", time, detail, event_id)


def duplicate(event_id: str) -> dict[str, Any]:
    detail = {"Author": "ann", "Twitter": {"TweetId": "1870000000000000001", "UserId": "42"}}
    return envelope("MESSAGE_DUPLICATE", "TWITTER", "2026-11-20T10:00:05Z", detail, event_id)


@pytest.fixture
def deliver(sma_home, lake_bucket):
    store = ObjectStore(sma_home / "s3")

    def put(*events: dict[str, Any]) -> ObjectStore:
        deliver_to_lake(store, lake_bucket, list(events), sma_home / "firehose" / "buffer.sqlite3")
        return store

    return put


def counts(store: ObjectStore, tables: list[TableDefinition], name: str) -> dict[str, int]:
    return dict(run_query(PER_TYPE.format(name), tables, store=store)[1])


def test_an_event_delivered_twice_is_one_row_of_the_view(deliver, tables) -> None:
    event = received("a1", "2026-11-20T10:00:00Z")
    store = deliver(event, event)  # a redelivery: the same event id
    assert counts(store, tables, TOPOLOGY.lake.name) == {"MESSAGE_RECEIVED": 2}
    assert counts(store, tables, TOPOLOGY.lake_view.name) == {"MESSAGE_RECEIVED": 1}


def test_an_event_published_again_under_a_new_id_is_one_row_the_first(deliver, tables) -> None:
    store = deliver(received("late", "2026-11-20T10:00:09Z"), received("early", "2026-11-20T10:00:01Z"))
    _, rows = run_query(f'SELECT id, time FROM "{TOPOLOGY.lake_view.name}"', tables, store=store)
    assert rows == [("early", "2026-11-20T10:00:01Z")]


def test_events_that_differ_in_any_field_of_the_detail_are_all_kept(deliver, tables) -> None:
    other_tweet = received("b1", "2026-11-20T10:00:01Z", tweet="1870000000000000002")
    edited = received("b2", "2026-11-20T10:00:01Z")
    edited["detail"]["Text"] = "@makitdev hello!"
    store = deliver(received("b0", "2026-11-20T10:00:00Z"), other_tweet, edited)
    assert counts(store, tables, TOPOLOGY.lake_view.name) == {"MESSAGE_RECEIVED": 3}


def test_each_message_duplicate_counts_one_more_delivery_by_x(deliver, tables) -> None:
    first, second = duplicate("d1"), duplicate("d2")  # same detail, two deliveries by X
    store = deliver(first, second, second)  # ... and the second delivered twice to Firehose
    assert counts(store, tables, TOPOLOGY.lake.name) == {"MESSAGE_DUPLICATE": 3}
    assert counts(store, tables, TOPOLOGY.lake_view.name) == {"MESSAGE_DUPLICATE": 2}


def test_raw_x_events_are_one_per_id_as_the_lake_does_not_type_their_fields(deliver, tables) -> None:
    def tweeted(event_id: str, tweet: int) -> dict[str, Any]:
        detail = {"id": tweet, "text": "@makitdev hi", "user": {"screen_name": "ann"}}
        return envelope("TWITTER_TWEETED", "TWITTER", "2026-11-20T10:00:00Z", detail, event_id)

    first = tweeted("t1", 1870000000000000011)
    store = deliver(first, first, tweeted("t2", 1870000000000000012))
    assert counts(store, tables, TOPOLOGY.lake.name) == {"TWITTER_TWEETED": 3}
    assert counts(store, tables, TOPOLOGY.lake_view.name) == {"TWITTER_TWEETED": 2}


def test_the_domain_events_are_those_with_a_schema() -> None:
    # Content tells a domain event's repeat only because the lake types every field of its schema
    # (test_lake_table_schemas.py); MESSAGE_DUPLICATE is the one domain event whose repeats count.
    assert set(DOMAIN_DETAIL_TYPES) == set(SCHEMA_FILES)
    assert set(DOMAIN_DETAIL_TYPES) - set(REPUBLISHABLE) == {"MESSAGE_DUPLICATE"}


def test_the_view_has_the_tables_columns_and_reads_the_seed_fixtures_whole(lake, tables) -> None:
    table_columns, _ = run_query(f'SELECT * FROM "{TOPOLOGY.lake.name}" LIMIT 1', tables, store=lake)
    view_columns, _ = run_query(f'SELECT * FROM "{TOPOLOGY.lake_view.name}" LIMIT 1', tables, store=lake)
    assert view_columns == table_columns == [c.name.lower() for c in TOPOLOGY.lake.queried_columns()]
    assert counts(lake, tables, TOPOLOGY.lake_view.name) == counts(lake, tables, TOPOLOGY.lake.name)
    _, rows = run_query(
        f"SELECT count(*) FROM \"{TOPOLOGY.lake_view.name}\" WHERE day = '2026-11-20' AND detail_type = "
        "'MESSAGE_ANALYSED'",
        tables,
        store=lake,
    )
    assert rows == [(4,)]


def test_the_views_table_input_is_glues_shape_with_athenas_view_document() -> None:
    view = TOPOLOGY.lake_view
    table_input = view.table_input()
    assert set(table_input) <= set(GLUE.shape_for("TableInput").members)
    assert table_input["TableType"] == "VIRTUAL_VIEW"
    assert table_input["Parameters"] == {"presto_view": "true", "comment": "Presto View"}
    text = table_input["ViewOriginalText"]
    assert text.startswith("/* Presto View: ") and text.endswith(" */")
    document = json.loads(base64.b64decode(text.removeprefix("/* Presto View: ").removesuffix(" */")))
    assert document["originalSql"] == view.sql
    assert (document["catalog"], document["schema"]) == ("awsdatacatalog", TOPOLOGY.lake.database)
    columns = table_input["StorageDescriptor"]["Columns"]
    assert [c["name"] for c in document["columns"]] == [c["Name"].lower() for c in columns]
    # Glue holds the Hive types, the view document Trino's.
    assert [c["type"] for c in document["columns"]] == [
        trino_type(c.type) for c in TOPOLOGY.lake.queried_columns()
    ]


@pytest.mark.parametrize(
    ("hive", "trino"),
    [
        ("string", "varchar"),
        ("int", "integer"),
        (array("string"), "array(varchar)"),
        (
            array(struct(("Name", "string"), ("Confidence", "double"))),
            "array(row(name varchar, confidence double))",
        ),
        (
            struct(
                (
                    "Box",
                    struct(
                        ("Left", "double"),
                    ),
                ),
                ("Ids", array("bigint")),
            ),
            "row(box row(left double), ids array(bigint))",
        ),
    ],
)
def test_the_lakes_hive_types_as_trino_writes_them(hive: str, trino: str) -> None:
    # Athena's "Data types in Athena": string is varchar, int integer, struct row; a view's columns are
    # listed in Trino's types, lower-cased as Athena stores names.
    assert trino_type(hive) == trino


def test_every_lake_column_is_the_same_type_to_glue_and_to_the_view() -> None:
    # What Glue is given (Hive) and what the view lists (Trino) are one type: the Trino spelling is
    # written again here from the local Athena's parse of the Hive one.
    names = {"string": "varchar", "int": "integer"}

    def trino(parsed: HiveType) -> str:
        if parsed.kind == "array":
            return f"array({trino(parsed.children[0])})"
        if parsed.kind == "struct":
            pairs = zip(parsed.fields, parsed.children, strict=True)
            return "row(" + ", ".join(f"{name.lower()} {trino(child)}" for name, child in pairs) + ")"
        return names.get(parsed.kind, parsed.kind)

    for column in TOPOLOGY.lake.queried_columns():
        assert trino_type(column.type) == trino(parse_hive_type(column.type)), column.name


@pytest.mark.parametrize(
    "text",
    [
        "SELECT 1",  # not the Presto View marker
        "/* Presto View: not-base64! */",
        "/* Presto View: " + base64.b64encode(b'{"catalog": "awsdatacatalog"}').decode() + " */",
        "/* Presto View: " + base64.b64encode(b'{"originalSql": "  "}').decode() + " */",
    ],
)
def test_a_view_without_athenas_view_document_is_refused(text: str) -> None:
    table_input = {**TOPOLOGY.lake_view.table_input(), "ViewOriginalText": text}
    with pytest.raises(ServiceError) as error:
        TableDefinition.from_table_input("db", table_input)
    assert error.value.code == "InvalidInputException"
    assert TOPOLOGY.lake_view.name in error.value.message
