"""`sma query`: the lake answers SQL as a table, JSON or CSV; bad SQL is one line and exit code 2."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from infra.local.arns import AccountIdentity
from infra.topology import TOPOLOGY
from integrations.objectstore import ObjectStore
from sma.cli import app
from tests.unit.athena.conftest import deliver_to_lake

runner = CliRunner()
COUNT = 'SELECT "detail-type", count(*) AS n FROM "analysed-messages-table" GROUP BY 1 ORDER BY 1'


@pytest.fixture
def lake(sma_home, lake_events) -> None:
    """The lake where the local cloud keeps it: the topology's lake bucket, named as the local cloud
    names buckets."""
    store = ObjectStore(sma_home / "s3")
    bucket = AccountIdentity().bucket(TOPOLOGY.delivery_stream.bucket)
    deliver_to_lake(store, bucket, lake_events, sma_home / "firehose" / "buffer.sqlite3")
    store.close()


def test_json_output(lake) -> None:
    result = runner.invoke(app, ["query", COUNT, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "columns": ["detail-type", "n"],
        "rows": [
            ["MESSAGE_ANALYSED", 4],
            ["MESSAGE_ANALYSIS_FAILED", 1],
            ["MESSAGE_RECEIVED", 1],
            ["TWITTER_TWEETED", 1],
        ],
    }


def test_csv_output(lake) -> None:
    result = runner.invoke(app, ["query", COUNT, "--csv"])
    assert result.exit_code == 0
    assert result.output.splitlines()[:2] == ["detail-type,n", "MESSAGE_ANALYSED,4"]


def test_table_output(lake) -> None:
    result = runner.invoke(app, ["query", COUNT])
    assert result.exit_code == 0
    assert "MESSAGE_RECEIVED" in result.output and "4 rows" in result.output


@pytest.mark.parametrize(
    ("sql", "start"),
    [
        ("SELEC 1", "SYNTAX_ERROR: "),
        ('SELECT nope FROM "analysed-messages-table"', "COLUMN_NOT_FOUND: "),
    ],
)
def test_errors_are_one_line_and_exit_2(lake, sql, start) -> None:
    result = runner.invoke(app, ["query", sql])
    assert result.exit_code == 2
    assert result.output.startswith(start) and result.output.count("\n") == 1
