"""ASL engine handlers: the DynamoDB Task resources a workflow may name, backed by the local client.

Both the optimised integration (`arn:aws:states:::dynamodb:putItem`) and the SDK integration
(`arn:aws:states:::aws-sdk:dynamodb:putItem`) pass the API's own request members and get its response.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from integrations.dynamodb.client import DynamoDBClient
from workflows.engine import Handler

_ACTIONS = {
    "putItem": "put_item",
    "getItem": "get_item",
    "updateItem": "update_item",
    "deleteItem": "delete_item",
    "transactWriteItems": "transact_write_items",
}


def engine_handlers(client: DynamoDBClient) -> dict[str, Handler]:
    """Resource ARN → handler for every DynamoDB action the local client implements."""
    handlers: dict[str, Handler] = {}
    for action, method in _ACTIONS.items():
        call = getattr(client, method)

        def handler(arguments: Any, invocation: Any, call: Callable[..., Any] = call) -> Any:
            del invocation  # the call depends on its arguments only
            return call(**arguments)

        handlers[f"arn:aws:states:::dynamodb:{action}"] = handler
        handlers[f"arn:aws:states:::aws-sdk:dynamodb:{action}"] = handler
    return handlers
