"""A local DynamoDB for the few tables the product uses (the idempotency records and the egress guard).

It speaks DynamoDB's own item format (`{"S": "..."}` attribute values) through a boto3-compatible client
(`put_item`, `get_item`, `update_item`, `delete_item`), supports the part of the condition- and
update-expression languages an idempotency record needs (a lease is `#Status = :inProgress AND
LeaseExpiresAt < :now`; completing it is `SET #Status = :completed`), and raises DynamoDB's error
codes, so a conditional write behaves as on AWS: a second write of the same key fails with
`ConditionalCheckFailedException`. Items live in the SQLite file the caller names
(the local account: `$SMA_HOME/dynamodb/tables.sqlite3`).
"""

from integrations.dynamodb.client import DynamoDBClient, TableSchema

__all__ = ["DynamoDBClient", "TableSchema"]
