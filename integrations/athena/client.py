"""`AthenaClient`: StartQueryExecution / GetQueryExecution / GetQueryResults in Athena's shapes, over
`execute_query`. Queries run to completion inside StartQueryExecution (a local lake answers in
milliseconds); a failing query is a FAILED execution with Athena's `StateChangeReason` and
`AthenaError`, as on AWS, not an exception. With an `OutputLocation` in an existing local bucket the
result is also written there as `<QueryExecutionId>.csv`, as Athena does."""

from __future__ import annotations

import base64
import csv
import io
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from integrations.athena.engine import QueryResult, execute_query
from integrations.athena.sql import SERVICE
from integrations.athena.tables import TableDefinition
from integrations.errors import ServiceError
from integrations.objectstore import ObjectStore

MAX_RESULTS = 1000
_TYPES = {
    "VARCHAR": "varchar",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "SMALLINT": "smallint",
    "TINYINT": "tinyint",
    "DOUBLE": "double",
    "FLOAT": "float",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamp with time zone",
}


def athena_type(duckdb_type: str) -> str:
    if duckdb_type.endswith("[]"):
        return "array"
    for prefix, name in (("STRUCT", "row"), ("MAP", "map"), ("DECIMAL", "decimal")):
        if duckdb_type.startswith(prefix):
            return name
    return _TYPES.get(duckdb_type, duckdb_type.lower())


def athena_text(value: Any) -> str:
    """A value as Athena writes it in results: Trino's rendering of arrays and rows."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join("null" if v is None else athena_text(v) for v in value) + "]"
    if isinstance(value, dict):
        fields = ", ".join(f"{k.lower()}={'null' if v is None else athena_text(v)}" for k, v in value.items())
        return "{" + fields + "}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.") + f"{value.microsecond // 1000:03d}"
    if isinstance(value, date | Decimal):
        return str(value)
    return str(value)


class AthenaClient:
    def __init__(
        self,
        tables: Iterable[TableDefinition],
        *,
        store: ObjectStore,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.tables = tuple(tables)
        self.store = store
        self.clock = clock
        self._executions: dict[str, dict[str, Any]] = {}
        self._results: dict[str, QueryResult] = {}
        self._lock = threading.Lock()

    def start_query_execution(
        self,
        *,
        QueryString: str,
        QueryExecutionContext: Mapping[str, str] | None = None,
        ResultConfiguration: Mapping[str, Any] | None = None,
        WorkGroup: str = "primary",
        **_options: Any,
    ) -> dict[str, Any]:
        if not 1 <= len(QueryString) <= 262144:
            raise ServiceError(
                SERVICE, "InvalidRequestException", "QueryString must be 1 to 262144 characters."
            )
        execution_id = str(uuid.uuid4())
        context = dict(QueryExecutionContext or {})
        submitted = datetime.fromtimestamp(self.clock(), UTC)
        status: dict[str, Any] = {"SubmissionDateTime": submitted}
        execution: dict[str, Any] = {
            "QueryExecutionId": execution_id,
            "Query": QueryString,
            "StatementType": "DML",
            "QueryExecutionContext": context,
            "WorkGroup": WorkGroup,
            "Status": status,
        }
        output = (ResultConfiguration or {}).get("OutputLocation")
        if output:
            execution["ResultConfiguration"] = {"OutputLocation": f"{output.rstrip('/')}/{execution_id}.csv"}
        started = time.perf_counter()
        try:
            result = execute_query(
                QueryString, self.tables, store=self.store, database=context.get("Database")
            )
        except ServiceError as error:
            status.update(
                State="FAILED",
                StateChangeReason=error.message,
                AthenaError={
                    "ErrorCategory": 2,
                    "ErrorType": 1000,
                    "Retryable": False,
                    "ErrorMessage": error.message,
                },
            )
            execution["Statistics"] = {"DataScannedInBytes": 0, "EngineExecutionTimeInMillis": 0}
        else:
            status["State"] = "SUCCEEDED"
            elapsed = int((time.perf_counter() - started) * 1000)
            execution["Statistics"] = {
                "DataScannedInBytes": result.scanned_bytes,
                "EngineExecutionTimeInMillis": elapsed,
                "TotalExecutionTimeInMillis": elapsed,
            }
            self._results[execution_id] = result
            if output:
                self._write_csv(execution["ResultConfiguration"]["OutputLocation"], result)
        status["CompletionDateTime"] = datetime.fromtimestamp(self.clock(), UTC)
        with self._lock:
            self._executions[execution_id] = execution
        return {"QueryExecutionId": execution_id}

    def get_query_execution(self, *, QueryExecutionId: str) -> dict[str, Any]:
        return {"QueryExecution": self._execution(QueryExecutionId)}

    def get_query_results(
        self, *, QueryExecutionId: str, MaxResults: int = MAX_RESULTS, NextToken: str | None = None
    ) -> dict[str, Any]:
        execution = self._execution(QueryExecutionId)
        if execution["Status"]["State"] != "SUCCEEDED":
            raise ServiceError(
                SERVICE,
                "InvalidRequestException",
                f"Query did not finish successfully. Final query state: {execution['Status']['State']}",
            )
        if not 1 <= MaxResults <= MAX_RESULTS:
            raise ServiceError(SERVICE, "InvalidRequestException", "MaxResults must be between 1 and 1000.")
        result = self._results[QueryExecutionId]
        header = [{"Data": [{"VarCharValue": name} for name in result.columns]}]
        rows = header + [
            {"Data": [{} if value is None else {"VarCharValue": athena_text(value)} for value in row]}
            for row in result.rows
        ]
        start = int(base64.b64decode(NextToken).decode()) if NextToken else 0
        page = rows[start : start + MaxResults]
        response: dict[str, Any] = {
            "UpdateCount": 0,
            "ResultSet": {
                "Rows": page,
                "ResultSetMetadata": {
                    "ColumnInfo": [
                        {
                            "CatalogName": "hive",
                            "SchemaName": "",
                            "TableName": "",
                            "Name": name,
                            "Label": name,
                            "Type": athena_type(kind),
                            "Precision": 0,
                            "Scale": 0,
                            "Nullable": "UNKNOWN",
                            "CaseSensitive": kind == "VARCHAR",
                        }
                        for name, kind in zip(result.columns, result.types, strict=True)
                    ]
                },
            },
        }
        if start + MaxResults < len(rows):
            response["NextToken"] = base64.b64encode(str(start + MaxResults).encode()).decode()
        return response

    def _execution(self, execution_id: str) -> dict[str, Any]:
        with self._lock:
            execution = self._executions.get(execution_id)
        if execution is None:
            raise ServiceError(
                SERVICE, "InvalidRequestException", f"QueryExecution {execution_id} was not found"
            )
        return execution

    def _write_csv(self, location: str, result: QueryResult) -> None:
        bucket, _, key = location.removeprefix("s3://").partition("/")
        if not self.store.bucket_exists(bucket):
            return  # Athena would fail the query; locally the result stays readable through the API
        text = io.StringIO()
        writer = csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows(["" if v is None else athena_text(v) for v in row] for row in result.rows)
        self.store.put(bucket, key, text.getvalue().encode("utf-8"), content_type="text/csv")


def engine_handlers(client: AthenaClient) -> dict[str, Callable[[Any, Any], Any]]:
    """The request-response Athena integrations (`arn:aws:states:::athena:<action>`). The query has
    finished when StartQueryExecution returns, so a workflow can call GetQueryResults next."""

    def start(arguments: dict[str, Any], invocation: Any) -> dict[str, Any]:
        del invocation
        return client.start_query_execution(**arguments)

    def describe(arguments: dict[str, Any], invocation: Any) -> dict[str, Any]:
        del invocation
        return _json(client.get_query_execution(**arguments))

    def results(arguments: dict[str, Any], invocation: Any) -> dict[str, Any]:
        del invocation
        return client.get_query_results(**arguments)

    return {
        "arn:aws:states:::athena:startQueryExecution": start,
        "arn:aws:states:::athena:getQueryExecution": describe,
        "arn:aws:states:::athena:getQueryResults": results,
    }


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items()}
    if isinstance(value, datetime):
        return value.isoformat()
    return value
