"""The seeds' Athena queries, unchanged, over events the local Firehose delivered into the lake with the
topology's one destination, read through the topology's table (tests/unit/athena/conftest.py)."""

from __future__ import annotations

import pytest

from integrations.athena import TableDefinition, run_query
from integrations.errors import ServiceError
from integrations.objectstore import ObjectStore

SEED_CELEBRITIES = """SELECT time, detail.author, celebrityfaces.name
FROM "analysed-messages-table"
CROSS JOIN UNNEST(detail.analysis.images) as t(images)
CROSS JOIN UNNEST(images.analysis.celebrityfaces) as t(celebrityfaces)
WHERE "detail-type" = 'MESSAGE_ANALYSED'
ORDER BY time DESC"""

SEED_LABELS = """SELECT time, detail.author, detail.text, labels.name
FROM "analysed-messages-table"
CROSS JOIN UNNEST(detail.analysis.images) as t(images)
CROSS JOIN UNNEST(images.analysis.labels) as t(labels)
WHERE "detail-type" = 'MESSAGE_ANALYSED'
ORDER BY time DESC"""

SEED_POSITIVE = """SELECT time, detail.author, detail.analysis.textsentiment, detail.text
FROM "analysed-messages-table"
CROSS JOIN UNNEST(detail.analysis.images) as t(images)
WHERE "detail-type" = 'MESSAGE_ANALYSED' AND detail.analysis.textsentiment='POSITIVE'
ORDER BY time DESC"""

SEED_LABEL_COUNTS = """SELECT labels.name, COUNT(1) as Count
FROM "analysed-messages-table"
CROSS JOIN UNNEST(detail.analysis.images) as t(images)
CROSS JOIN UNNEST(images.analysis.labels) as t(labels)
WHERE "detail-type" = 'MESSAGE_ANALYSED'
GROUP BY labels.name
ORDER BY COUNT(1) DESC"""


def test_the_lake_is_partitioned_by_detail_type_and_day(lake: ObjectStore, lake_bucket: str) -> None:
    folders = {tuple(info.key.split("/")[1:3]) for info in lake.iter_keys(lake_bucket, "events/")}
    assert folders == {
        ("detail_type=MESSAGE_ANALYSED", "day=2026-11-20"),
        ("detail_type=MESSAGE_RECEIVED", "day=2026-11-20"),
        ("detail_type=TWITTER_TWEETED", "day=2026-11-20"),
        ("detail_type=MESSAGE_ANALYSIS_FAILED", "day=2026-11-20"),
    }


def test_seed_query_celebrities(lake: ObjectStore, tables: list[TableDefinition]) -> None:
    columns, rows = run_query(SEED_CELEBRITIES, tables, store=lake)
    assert columns == ["time", "author", "name"]
    assert sorted(rows) == sorted(
        [
            ("2026-11-20T11:00:00Z", "sally", "Keanu Reeves"),
            ("2026-11-20T11:00:00Z", "sally", "Ada Lovelace"),
            ("2026-11-20T10:00:00Z", "harry11", "Keanu Reeves"),
        ]
    )
    assert [r[0] for r in rows] == sorted((r[0] for r in rows), reverse=True)


def test_seed_query_labels(lake: ObjectStore, tables: list[TableDefinition]) -> None:
    columns, rows = run_query(SEED_LABELS, tables, store=lake)
    assert columns == ["time", "author", "text", "name"]
    assert sorted(rows) == sorted(
        [
            ("2026-11-20T11:00:00Z", "sally", "@makitdev two photos", "Person"),
            ("2026-11-20T11:00:00Z", "sally", "@makitdev two photos", "Fowl"),
            ("2026-11-20T11:00:00Z", "sally", "@makitdev two photos", "Person"),
            ("2026-11-20T10:00:00Z", "harry11", "@makitdev look who I met", "Person"),
            ("2026-11-20T10:00:00Z", "harry11", "@makitdev look who I met", "Shoe"),
        ]
    )
    assert [r[0] for r in rows] == sorted((r[0] for r in rows), reverse=True)


def test_seed_query_positive_messages_with_images(lake: ObjectStore, tables: list[TableDefinition]) -> None:
    # The CROSS JOIN UNNEST keeps only messages with images: e3 (positive, no image) is not there.
    columns, rows = run_query(SEED_POSITIVE, tables, store=lake)
    assert columns == ["time", "author", "textsentiment", "text"]
    assert rows == [("2026-11-20T10:00:00Z", "harry11", "POSITIVE", "@makitdev look who I met")]


def test_seed_query_label_counts(lake: ObjectStore, tables: list[TableDefinition]) -> None:
    columns, rows = run_query(SEED_LABEL_COUNTS, tables, store=lake)
    assert columns == ["name", "count"]  # Athena folds identifiers to lower case
    assert rows[0] == ("Person", 3)
    assert sorted(rows[1:]) == [("Fowl", 1), ("Shoe", 1)]


def test_every_event_type_is_visible_with_its_envelope(
    lake: ObjectStore, tables: list[TableDefinition]
) -> None:
    _, rows = run_query(
        'SELECT "detail-type", count(*) FROM "analysed-messages-table" GROUP BY 1 ORDER BY 1',
        tables,
        store=lake,
    )
    assert rows == [
        ("MESSAGE_ANALYSED", 4),
        ("MESSAGE_ANALYSIS_FAILED", 1),
        ("MESSAGE_RECEIVED", 1),
        ("TWITTER_TWEETED", 1),
    ]


def test_trino_functions_are_transpiled(lake: ObjectStore, tables: list[TableDefinition]) -> None:
    _, rows = run_query(
        "SELECT detail.author, cardinality(detail.analysis.images) AS images, "
        "date_format(from_iso8601_timestamp(time), '%Y-%m-%d') AS day, "
        'element_at(detail.imageurls, 1) AS url FROM messages_data_lake."analysed-messages-table" '
        "WHERE \"detail-type\" IN ('MESSAGE_ANALYSED', 'MESSAGE_RECEIVED') "
        "AND detail.author = 'harry11' ORDER BY \"detail-type\"",
        tables,
        store=lake,
    )
    assert rows == [
        ("harry11", 1, "2026-11-20", None),
        ("harry11", None, "2026-11-20", "https://pbs.twimg.com/media/x.jpg"),
    ]


def test_integer_division_is_trinos(lake: ObjectStore, tables: list[TableDefinition]) -> None:
    _, rows = run_query(
        'SELECT count(*) / 2, 7 / 2, -7 / 2, 7.0 / 2 FROM "analysed-messages-table"', tables, store=lake
    )
    assert rows == [(3, 3, -3, 3.5)]


def test_an_empty_lake_answers_with_no_rows(sma_home, tables: list[TableDefinition]) -> None:
    columns, rows = run_query(SEED_CELEBRITIES, tables, store=ObjectStore(sma_home / "s3"))
    assert (columns, rows) == (["time", "author", "name"], [])


@pytest.mark.parametrize(
    ("sql", "category"),
    [
        ("SELEC time FROM x", "SYNTAX_ERROR"),
        ('SELECT nope FROM "analysed-messages-table"', "COLUMN_NOT_FOUND"),
        ("SELECT * FROM other_table", "TABLE_NOT_FOUND"),
        ('SELECT * FROM otherdb."analysed-messages-table"', "TABLE_NOT_FOUND"),
        ("SELECT * FROM read_text('/etc/passwd')", "NOT_SUPPORTED"),
        ('DROP TABLE "analysed-messages-table"', "NOT_SUPPORTED"),
        ("SELECT 1; SELECT 2", "SYNTAX_ERROR"),
        ('SELECT no_such_fn(time) FROM "analysed-messages-table"', "FUNCTION_NOT_FOUND"),
    ],
)
def test_bad_queries_fail_with_athena_categories(
    lake: ObjectStore, tables: list[TableDefinition], sql: str, category: str
) -> None:
    with pytest.raises(ServiceError) as error:
        run_query(sql, tables, store=lake)
    assert error.value.code == "InvalidRequestException"
    assert error.value.message.startswith(f"{category}: "), error.value.message
