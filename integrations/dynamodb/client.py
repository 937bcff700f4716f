"""The local DynamoDB client: tables in one SQLite file, items in DynamoDB's attribute-value format."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from integrations.database import GroupCommit, open_database
from integrations.dynamodb.conditions import Condition, compile_condition, invalid
from integrations.dynamodb.updates import compile_update
from integrations.errors import ServiceError

_SCALAR_KEY_TYPES = ("S", "N", "B")
_RETURN_VALUES = ("NONE", "ALL_OLD", "ALL_NEW", "UPDATED_OLD", "UPDATED_NEW")


@dataclass(frozen=True)
class TableSchema:
    """A table's name, key attributes and optional TTL attribute (epoch seconds, type N)."""

    name: str
    partition_key: str
    sort_key: str | None = None
    ttl_attribute: str | None = None


class DynamoDBClient:
    """`put_item`, `get_item`, `update_item` and `delete_item` with boto3's keyword arguments and
    DynamoDB's errors."""

    def __init__(
        self,
        tables: list[TableSchema] | None = None,
        *,
        path: Path,
        now: Callable[[], float] = time.time,
    ) -> None:
        self._tables = {table.name: table for table in tables or ()}
        self._now = now
        self._lock = threading.Lock()
        # Every write is on the disk before it is acknowledged, several writers sharing one flush.
        self._db = open_database(path, synchronous="NORMAL")
        self._disk = GroupCommit(path)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS items (tbl TEXT, pk TEXT, item TEXT, PRIMARY KEY (tbl, pk))"
        )

    def add_table(self, table: TableSchema) -> None:
        """Make `table` known (what CloudFormation's CreateTable does on AWS); idempotent."""
        self._tables[table.name] = table

    # -- the API ----------------------------------------------------------------------------------
    def put_item(
        self,
        *,
        TableName: str,
        Item: Mapping[str, Any],
        ConditionExpression: str | None = None,
        ExpressionAttributeNames: Mapping[str, str] | None = None,
        ExpressionAttributeValues: Mapping[str, Any] | None = None,
        ReturnValues: str = "NONE",
        **_: Any,
    ) -> dict[str, Any]:
        table = self._table(TableName)
        key = self._key_of(table, Item, "One or more parameter values were invalid: Missing the key")
        for name, value in Item.items():
            _check_attribute_value(name, value)
        check = compile_condition(ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues)
        new_item = dict(Item)
        return self._write(table, key, lambda old: new_item, check, ReturnValues)

    def update_item(
        self,
        *,
        TableName: str,
        Key: Mapping[str, Any],
        UpdateExpression: str | None = None,
        ConditionExpression: str | None = None,
        ExpressionAttributeNames: Mapping[str, str] | None = None,
        ExpressionAttributeValues: Mapping[str, Any] | None = None,
        ReturnValues: str = "NONE",
        **_: Any,
    ) -> dict[str, Any]:
        """Edit an item's attributes, creating the item (its key plus the SET attributes) if there is none,
        as DynamoDB's UpdateItem does; the condition is checked against the item as it was."""
        table = self._table(TableName)
        key = self._key_of(table, Key, "The provided key element does not match the schema", exact=True)
        for name, value in (ExpressionAttributeValues or {}).items():
            _check_attribute_value(name, value)
        keys = (table.partition_key,) + ((table.sort_key,) if table.sort_key else ())
        update, check = compile_update(
            UpdateExpression, ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues, keys
        )
        return self._write(table, key, lambda old: update(old or dict(Key)), check, ReturnValues)

    def delete_item(
        self,
        *,
        TableName: str,
        Key: Mapping[str, Any],
        ConditionExpression: str | None = None,
        ExpressionAttributeNames: Mapping[str, str] | None = None,
        ExpressionAttributeValues: Mapping[str, Any] | None = None,
        ReturnValues: str = "NONE",
        **_: Any,
    ) -> dict[str, Any]:
        table = self._table(TableName)
        key = self._key_of(table, Key, "The provided key element does not match the schema", exact=True)
        check = compile_condition(ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues)
        return self._write(table, key, lambda old: None, check, ReturnValues)

    def get_item(self, *, TableName: str, Key: Mapping[str, Any], **_: Any) -> dict[str, Any]:
        table = self._table(TableName)
        key = self._key_of(table, Key, "The provided key element does not match the schema", exact=True)
        item = self._read(table, key)
        return {"Item": item} if item is not None else {}

    def purge_expired(self) -> int:
        """Delete items whose TTL has passed, as DynamoDB's background TTL sweep does; returns how many."""
        removed = 0
        now = Decimal(str(self._now()))
        with self._lock:
            for table in self._tables.values():
                if not table.ttl_attribute:
                    continue
                rows = self._db.execute("SELECT pk, item FROM items WHERE tbl = ?", (table.name,)).fetchall()
                for pk, text in rows:
                    expiry = json.loads(text).get(table.ttl_attribute, {}).get("N")
                    if expiry is not None and Decimal(expiry) < now:
                        self._db.execute("DELETE FROM items WHERE tbl = ? AND pk = ?", (table.name, pk))
                        removed += 1
        return removed

    def close(self) -> None:
        self._db.close()
        self._disk.close()

    # -- internals --------------------------------------------------------------------------------
    def _write(
        self,
        table: TableSchema,
        key: str,
        change: Callable[[dict[str, Any] | None], dict[str, Any] | None],
        check: Condition | None,
        return_values: str,
    ) -> dict[str, Any]:
        """Apply `change` (old item or None -> new item, None deletes) if `check` holds for the old item."""
        if return_values not in _RETURN_VALUES:
            raise invalid(f"Return values set to invalid value: {return_values}")
        with self._lock:
            # The read, the condition and the write are one transaction: the guard is atomic.
            self._db.execute("BEGIN IMMEDIATE")
            try:
                old = self._read(table, key)
                if check is not None and not check(old or {}):
                    raise ServiceError(
                        "dynamodb", "ConditionalCheckFailedException", "The conditional request failed"
                    )
                new = change(old)
                if new is None:
                    self._db.execute("DELETE FROM items WHERE tbl = ? AND pk = ?", (table.name, key))
                else:
                    self._db.execute(
                        "INSERT OR REPLACE INTO items VALUES (?, ?, ?)",
                        (table.name, key, json.dumps(new, sort_keys=True)),
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            ticket = self._disk.committed()
        self._disk.sync(ticket)
        return _returned(return_values, old, new)

    def _read(self, table: TableSchema, key: str) -> dict[str, Any] | None:
        row = self._db.execute(
            "SELECT item FROM items WHERE tbl = ? AND pk = ?", (table.name, key)
        ).fetchone()
        return json.loads(row[0]) if row else None

    def _table(self, name: str) -> TableSchema:
        try:
            return self._tables[name]
        except KeyError:
            raise ServiceError(
                "dynamodb", "ResourceNotFoundException", "Requested resource not found"
            ) from None

    @staticmethod
    def _key_of(table: TableSchema, item: Mapping[str, Any], message: str, exact: bool = False) -> str:
        names = [table.partition_key] + ([table.sort_key] if table.sort_key else [])
        if exact and set(item) != set(names):
            raise invalid(message)
        parts = []
        for name in names:
            value = item.get(name)
            if (
                not isinstance(value, Mapping)
                or len(value) != 1
                or next(iter(value)) not in _SCALAR_KEY_TYPES
            ):
                raise invalid(f"{message} {name} in the item" if not exact else message)
            parts.append(value)
        return json.dumps(parts, sort_keys=True)


def _check_attribute_value(name: str, value: Any) -> None:
    """Refuse values that are not DynamoDB attribute values, with DynamoDB's wording."""
    if not isinstance(value, Mapping) or len(value) != 1:
        raise invalid(
            f"One or more parameter values were invalid: attribute {name} must be a single-typed "
            'attribute value such as {"S": "text"}'
        )
    ((kind, raw),) = value.items()
    if kind in ("S", "B") and raw == "":
        raise invalid(
            f"One or more parameter values are not valid. The AttributeValue for a key attribute "
            f"cannot contain an empty string value. Key: {name}"
        )
    if kind == "N":
        try:
            Decimal(str(raw))
        except ArithmeticError:
            raise invalid(f"A value provided cannot be converted into a number: {name}") from None


def _returned(return_values: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, Any]:
    """The response's Attributes as ReturnValues asks (UPDATED_*: only the attributes that changed)."""
    if return_values in ("ALL_OLD", "UPDATED_OLD"):
        chosen = old
    elif return_values in ("ALL_NEW", "UPDATED_NEW"):
        chosen = new
    else:
        return {}
    if chosen and return_values.startswith("UPDATED_"):
        before, after = old or {}, new or {}
        chosen = {k: v for k, v in chosen.items() if before.get(k) != after.get(k)}
    return {"Attributes": chosen} if chosen else {}
