"""The Athena API shape over the local lake: executions, results pages, CSV output, failures."""

from __future__ import annotations

import json

import botocore.session
import pytest

from integrations.athena.client import AthenaClient, athena_text, engine_handlers
from integrations.errors import ServiceError
from integrations.objectstore import ObjectStore

MODEL = botocore.session.get_session().get_service_model("athena")
CELEBRITIES = (
    'SELECT detail.author, celebrityfaces FROM "analysed-messages-table" '
    "CROSS JOIN UNNEST(detail.analysis.images) as t(images) "
    "CROSS JOIN UNNEST(images.analysis.celebrityfaces) as t(celebrityfaces) ORDER BY 1, celebrityfaces.name"
)


@pytest.fixture
def athena(lake: ObjectStore, tables) -> AthenaClient:
    lake.create_bucket("athena-results")
    return AthenaClient(tables, store=lake)


def test_a_query_runs_and_pages_its_results(athena) -> None:
    started = athena.start_query_execution(
        QueryString='SELECT id, "detail-type" FROM "analysed-messages-table" ORDER BY id',
        QueryExecutionContext={"Database": "messages_data_lake"},
        ResultConfiguration={"OutputLocation": "s3://athena-results/queries/"},
    )
    execution = athena.get_query_execution(QueryExecutionId=started["QueryExecutionId"])["QueryExecution"]
    assert execution["Status"]["State"] == "SUCCEEDED"
    assert set(execution) <= set(MODEL.shape_for("QueryExecution").members)
    assert execution["Statistics"]["DataScannedInBytes"] > 0
    first = athena.get_query_results(QueryExecutionId=started["QueryExecutionId"], MaxResults=3)
    assert set(first) - {"ResponseMetadata"} <= set(
        MODEL.operation_model("GetQueryResults").output_shape.members
    )
    rows = first["ResultSet"]["Rows"]
    assert rows[0] == {"Data": [{"VarCharValue": "id"}, {"VarCharValue": "detail-type"}]}
    assert [c["Type"] for c in first["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]] == [
        "varchar",
        "varchar",
    ]
    second = athena.get_query_results(
        QueryExecutionId=started["QueryExecutionId"], NextToken=first["NextToken"]
    )
    ids = [r["Data"][0]["VarCharValue"] for r in rows[1:] + second["ResultSet"]["Rows"]]
    assert ids == sorted(["e1", "e2", "e3", "e4", "r1", "x1", "f1"])
    assert "NextToken" not in second
    key = execution["ResultConfiguration"]["OutputLocation"].removeprefix("s3://athena-results/")
    csv_text = athena.store.get("athena-results", key)[1].decode()
    assert csv_text.splitlines()[:2] == ['"id","detail-type"', '"e1","MESSAGE_ANALYSED"']


def test_rows_and_arrays_render_like_trino(athena) -> None:
    started = athena.start_query_execution(QueryString=CELEBRITIES)
    rows = athena.get_query_results(QueryExecutionId=started["QueryExecutionId"])["ResultSet"]["Rows"][1:]
    first = rows[0]["Data"][1]["VarCharValue"]
    assert first.startswith("{name=Keanu Reeves, id=id-Keanu Reeves, urls=[], matchconfidence=99.0")
    assert athena_text([1, None, {"A": True}]) == "[1, null, {a=true}]"


def test_a_failing_query_is_a_failed_execution(athena) -> None:
    started = athena.start_query_execution(QueryString='SELECT nope FROM "analysed-messages-table"')
    status = athena.get_query_execution(QueryExecutionId=started["QueryExecutionId"])["QueryExecution"][
        "Status"
    ]
    assert status["State"] == "FAILED"
    assert status["StateChangeReason"].startswith("COLUMN_NOT_FOUND: ")
    with pytest.raises(ServiceError) as error:
        athena.get_query_results(QueryExecutionId=started["QueryExecutionId"])
    assert error.value.code == "InvalidRequestException"
    with pytest.raises(ServiceError) as unknown:
        athena.get_query_execution(QueryExecutionId="nope")
    assert unknown.value.code == "InvalidRequestException"


def test_engine_handlers(athena) -> None:
    handlers = engine_handlers(athena)
    started = handlers["arn:aws:states:::athena:startQueryExecution"](
        {"QueryString": 'SELECT count(*) AS n FROM "analysed-messages-table"'}, None
    )
    described = handlers["arn:aws:states:::athena:getQueryExecution"](started, None)
    json.dumps(described)
    results = handlers["arn:aws:states:::athena:getQueryResults"](started, None)
    assert results["ResultSet"]["Rows"][1] == {"Data": [{"VarCharValue": "7"}]}
