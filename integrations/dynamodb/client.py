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
_TRANSACT_ACTIONS = ("ConditionCheck", "Put", "Delete", "Update")
MAX_TRANSACT_ITEMS = 100  # TransactWriteItems' limit (API reference: TransactItems, 1-100 items)


@dataclass(frozen=True)
class TableSchema:
    """A table's name, key attributes and optional TTL attribute (epoch seconds, type N)."""

    name: str
    partition_key: str
    sort_key: str | None = None
    ttl_attribute: str | None = None


@dataclass(frozen=True)
class _Write:
    """One item's write: its table and key, the new item from the old (None deletes; a condition check
    gives the old item back), and the condition the old item must meet."""

    table: TableSchema
    key: str
    change: Callable[[dict[str, Any] | None], dict[str, Any] | None]
    check: Condition | None


class DynamoDBClient:
    """`put_item`, `get_item`, `update_item`, `delete_item` and `transact_write_items` with boto3's keyword
    arguments and DynamoDB's errors."""

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
        expression = _expression(ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues)
        return self._write(self._put({"TableName": TableName, "Item": Item, **expression}), ReturnValues)

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
        expression = _expression(ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues)
        request = {"TableName": TableName, "Key": Key, "UpdateExpression": UpdateExpression, **expression}
        return self._write(self._update(request), ReturnValues)

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
        expression = _expression(ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues)
        return self._write(self._delete({"TableName": TableName, "Key": Key, **expression}), ReturnValues)

    def transact_write_items(self, *, TransactItems: list[Mapping[str, Any]], **_: Any) -> dict[str, Any]:
        """All the writes or none (TransactWriteItems): each item is one ConditionCheck, Put, Delete or
        Update, at most one per item; if any condition fails nothing is written and the error is a
        TransactionCanceledException whose CancellationReasons say, in request order, which one did
        (`ConditionalCheckFailed`) and which did not (`None`), as DynamoDB answers."""
        if not isinstance(TransactItems, list) or not 1 <= len(TransactItems) <= MAX_TRANSACT_ITEMS:
            count = len(TransactItems) if isinstance(TransactItems, list) else 0
            raise invalid(
                "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: "
                f"Member must have length less than or equal to {MAX_TRANSACT_ITEMS} and greater than or "
                f"equal to 1 (got {count})"
            )
        writes = [self._transact_write(entry) for entry in TransactItems]
        targets = [(write.table.name, write.key) for write in writes]
        if len(set(targets)) != len(targets):
            raise invalid("Transaction request cannot include multiple operations on one item")
        self._apply(writes, _cancelled)
        return {}

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
    def _put(self, request: Mapping[str, Any]) -> _Write:
        """A PutItem request (or a transaction's Put: the same members) as a write."""
        table = self._table(request.get("TableName", ""))
        item = request.get("Item", {})
        key = self._key_of(table, item, "One or more parameter values were invalid: Missing the key")
        for name, value in item.items():
            _check_attribute_value(name, value)
        new_item = dict(item)
        return _Write(table, key, lambda old: new_item, _condition(request))

    def _update(self, request: Mapping[str, Any]) -> _Write:
        """An UpdateItem request (or a transaction's Update) as a write: the item is created (its key plus
        the SET attributes) if there is none, as DynamoDB's UpdateItem does."""
        table = self._table(request.get("TableName", ""))
        key_value = request.get("Key", {})
        key = self._key_of(table, key_value, "The provided key element does not match the schema", exact=True)
        values = request.get("ExpressionAttributeValues")
        for name, value in (values or {}).items():
            _check_attribute_value(name, value)
        keys = (table.partition_key,) + ((table.sort_key,) if table.sort_key else ())
        update, check = compile_update(
            request.get("UpdateExpression"),
            request.get("ConditionExpression"),
            request.get("ExpressionAttributeNames"),
            values,
            keys,
        )
        return _Write(table, key, lambda old: update(old or dict(key_value)), check)

    def _delete(self, request: Mapping[str, Any]) -> _Write:
        """A DeleteItem request (or a transaction's Delete) as a write."""
        table = self._table(request.get("TableName", ""))
        key = self._key_of(
            table, request.get("Key", {}), "The provided key element does not match the schema", exact=True
        )
        return _Write(table, key, lambda old: None, _condition(request))

    def _transact_write(self, entry: Mapping[str, Any]) -> _Write:
        """One TransactItems member as the write it asks for."""
        actions = [name for name in _TRANSACT_ACTIONS if name in entry] if isinstance(entry, Mapping) else []
        if len(actions) != 1:
            raise invalid(
                "TransactItems can only contain one of Check, Put, Update or Delete"
                if actions
                else "1 validation error detected: a TransactWriteItem must name one of ConditionCheck, "
                "Put, Delete or Update"
            )
        action = actions[0]
        member: Mapping[str, Any] = entry[action]
        if action == "Put":
            return self._put(member)
        if action == "Update":
            return self._update(member)
        if not member.get("ConditionExpression") and action == "ConditionCheck":
            raise invalid("The ConditionCheck must have a ConditionExpression")
        write = self._delete(member)
        return write if action == "Delete" else _Write(write.table, write.key, lambda old: old, write.check)

    def _write(self, write: _Write, return_values: str) -> dict[str, Any]:
        """Apply one write if its condition holds for the old item."""
        if return_values not in _RETURN_VALUES:
            raise invalid(f"Return values set to invalid value: {return_values}")
        ((old, new),) = self._apply([write], _conditional_check_failed)
        return _returned(return_values, old, new)

    def _apply(
        self, writes: list[_Write], refusal: Callable[[list[bool]], ServiceError]
    ) -> list[tuple[dict[str, Any] | None, dict[str, Any] | None]]:
        """Apply every write or none: the reads, the conditions and the writes are one transaction, so a
        guard is atomic; if a condition fails, `refusal` (given which did) is the error. Returns each
        item's (old, new). Acknowledged only once on the disk, several writers sharing one flush."""
        with self._disk.durable(self._lock):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                olds = [self._read(write.table, write.key) for write in writes]
                failed = [
                    write.check is not None and not write.check(old or {})
                    for write, old in zip(writes, olds, strict=True)
                ]
                if any(failed):
                    raise refusal(failed)
                news = [write.change(old) for write, old in zip(writes, olds, strict=True)]
                for write, new in zip(writes, news, strict=True):
                    self._store(write.table, write.key, new)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return list(zip(olds, news, strict=True))

    def _store(self, table: TableSchema, key: str, item: dict[str, Any] | None) -> None:
        """Write `item` under `key` (None deletes it), inside the caller's transaction."""
        if item is None:
            self._db.execute("DELETE FROM items WHERE tbl = ? AND pk = ?", (table.name, key))
        else:
            self._db.execute(
                "INSERT OR REPLACE INTO items VALUES (?, ?, ?)",
                (table.name, key, json.dumps(item, sort_keys=True)),
            )

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


def _expression(
    condition: str | None, names: Mapping[str, str] | None, values: Mapping[str, Any] | None
) -> dict[str, Any]:
    """A request's expression members, by their API names."""
    return {
        "ConditionExpression": condition,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }


def _condition(request: Mapping[str, Any]) -> Condition | None:
    return compile_condition(
        request.get("ConditionExpression"),
        request.get("ExpressionAttributeNames"),
        request.get("ExpressionAttributeValues"),
    )


def _conditional_check_failed(failed: list[bool]) -> ServiceError:
    del failed  # a single write: it was the one
    return ServiceError("dynamodb", "ConditionalCheckFailedException", "The conditional request failed")


def _cancelled(failed: list[bool]) -> ServiceError:
    """TransactionCanceledException with its CancellationReasons, in request order (`None` for the items
    that were not the reason), in the response as DynamoDB sends it."""
    reasons = [
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}
        if fail
        else {"Code": "None"}
        for fail in failed
    ]
    codes = ", ".join(reason["Code"] for reason in reasons)
    error = ServiceError(
        "dynamodb",
        "TransactionCanceledException",
        f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]",
    )
    response: dict[str, Any] = error.response  # type: ignore[assignment]  # botocore's TypedDict lacks it
    response["CancellationReasons"] = reasons
    return error


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
