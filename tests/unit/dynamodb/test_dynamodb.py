"""The local DynamoDB: a conditional write is an atomic guard, errors use DynamoDB's codes and wording."""

from __future__ import annotations

import threading
from pathlib import Path

import botocore.session
import pytest

from integrations.dynamodb import DynamoDBClient, TableSchema
from integrations.dynamodb.conditions import compile_condition
from integrations.dynamodb.handlers import engine_handlers
from integrations.errors import ServiceError

GUARD = TableSchema("EgressGuard", partition_key="ReplyToTweetId", ttl_attribute="ExpiresAt")
FIRST_WRITE = {
    "ConditionExpression": "attribute_not_exists(#id)",
    "ExpressionAttributeNames": {"#id": "ReplyToTweetId"},
}


@pytest.fixture
def client(tmp_path: Path) -> DynamoDBClient:
    clock = {"now": 1_000.0}
    db = DynamoDBClient([GUARD], path=tmp_path / "tables.sqlite3", now=lambda: clock["now"])
    db.clock = clock  # type: ignore[attr-defined]
    return db


def item(tweet_id: str, expires: int = 2_000) -> dict:
    return {"ReplyToTweetId": {"S": tweet_id}, "ExpiresAt": {"N": str(expires)}}


def test_conditional_put_succeeds_once_then_fails_with_conditional_check(client: DynamoDBClient) -> None:
    assert client.put_item(TableName="EgressGuard", Item=item("42"), **FIRST_WRITE) == {}
    with pytest.raises(ServiceError) as failure:
        client.put_item(TableName="EgressGuard", Item=item("42"), **FIRST_WRITE)
    assert failure.value.code == "ConditionalCheckFailedException"
    assert client.put_item(TableName="EgressGuard", Item=item("43"), **FIRST_WRITE) == {}


def test_concurrent_guards_let_exactly_one_writer_through(client: DynamoDBClient) -> None:
    outcomes: list[str] = []

    def write() -> None:
        try:
            client.put_item(TableName="EgressGuard", Item=item("7"), **FIRST_WRITE)
            outcomes.append("written")
        except ServiceError as error:
            outcomes.append(error.code)

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ConditionalCheckFailedException"] * 7 + ["written"]


def test_items_survive_a_new_client_on_the_same_file(tmp_path: Path) -> None:
    DynamoDBClient([GUARD], path=tmp_path / "t.sqlite3").put_item(TableName="EgressGuard", Item=item("9"))
    reopened = DynamoDBClient([GUARD], path=tmp_path / "t.sqlite3")
    assert reopened.get_item(TableName="EgressGuard", Key={"ReplyToTweetId": {"S": "9"}})["Item"] == item("9")


def test_get_missing_item_returns_no_item_key(client: DynamoDBClient) -> None:
    assert client.get_item(TableName="EgressGuard", Key={"ReplyToTweetId": {"S": "nope"}}) == {}


def test_delete_with_all_old_returns_the_removed_item(client: DynamoDBClient) -> None:
    client.put_item(TableName="EgressGuard", Item=item("5"))
    removed = client.delete_item(
        TableName="EgressGuard", Key={"ReplyToTweetId": {"S": "5"}}, ReturnValues="ALL_OLD"
    )
    assert removed == {"Attributes": item("5")}
    assert client.get_item(TableName="EgressGuard", Key={"ReplyToTweetId": {"S": "5"}}) == {}


def test_ttl_sweep_removes_only_expired_items(client: DynamoDBClient) -> None:
    client.put_item(TableName="EgressGuard", Item=item("old", expires=1_500))
    client.put_item(TableName="EgressGuard", Item=item("new", expires=5_000))
    client.clock["now"] = 2_000.0  # type: ignore[attr-defined]
    assert client.purge_expired() == 1
    assert client.get_item(TableName="EgressGuard", Key={"ReplyToTweetId": {"S": "old"}}) == {}
    assert "Item" in client.get_item(TableName="EgressGuard", Key={"ReplyToTweetId": {"S": "new"}})


@pytest.mark.parametrize(
    ("call", "code", "fragment"),
    [
        (
            {"TableName": "Nope", "Item": item("1")},
            "ResourceNotFoundException",
            "Requested resource not found",
        ),
        (
            {"TableName": "EgressGuard", "Item": {"Other": {"S": "x"}}},
            "ValidationException",
            "Missing the key",
        ),
        (
            {"TableName": "EgressGuard", "Item": {"ReplyToTweetId": "plain"}},
            "ValidationException",
            "Missing the key",
        ),
        (
            {
                "TableName": "EgressGuard",
                "Item": item("1"),
                "ConditionExpression": "attribute_not_exists(#x)",
            },
            "ValidationException",
            "attribute name used in the document path is not defined",
        ),
        (
            {"TableName": "EgressGuard", "Item": item("1"), "ConditionExpression": "size(a) > :v"},
            "ValidationException",
            "Syntax error",
        ),
        (
            {
                "TableName": "EgressGuard",
                "Item": item("1"),
                "ConditionExpression": "attribute_not_exists(ReplyToTweetId)",
                "ExpressionAttributeValues": {":unused": {"S": "x"}},
            },
            "ValidationException",
            "unused in expressions",
        ),
        (
            {"TableName": "EgressGuard", "Item": {**item("1"), "N1": {"N": "abc"}}},
            "ValidationException",
            "number",
        ),
    ],
)
def test_bad_requests_fail_with_dynamodb_errors(
    client: DynamoDBClient, call: dict, code: str, fragment: str
) -> None:
    with pytest.raises(ServiceError) as failure:
        client.put_item(**call)
    assert failure.value.code == code
    assert fragment in failure.value.message


def test_error_codes_exist_in_the_dynamodb_service_model() -> None:
    model = botocore.session.get_session().get_service_model("dynamodb")
    errors = {shape.name for shape in model.operation_model("PutItem").error_shapes}
    assert {"ConditionalCheckFailedException", "ResourceNotFoundException"} <= errors
    # ValidationException is DynamoDB's generic client error, not listed per operation.


@pytest.mark.parametrize(
    ("expression", "values", "stored", "expected"),
    [
        ("n > :v", {":v": {"N": "10"}}, {"n": {"N": "9.5e1"}}, True),  # numbers compare numerically
        ("n > :v", {":v": {"N": "100"}}, {"n": {"N": "95"}}, False),
        ("s = :v", {":v": {"N": "1"}}, {"s": {"S": "1"}}, False),  # types differ: never equal
        ("NOT (a = :v) AND attribute_exists(a)", {":v": {"S": "x"}}, {"a": {"S": "y"}}, True),
        ("a = :v OR b = :v", {":v": {"S": "x"}}, {"b": {"S": "x"}}, True),
        ("missing <> :v", {":v": {"S": "x"}}, {}, False),  # a missing attribute compares false
    ],
)
def test_condition_language(expression: str, values: dict, stored: dict, expected: bool) -> None:
    assert compile_condition(expression, None, values)(stored) is expected


def test_engine_handlers_cover_optimised_and_sdk_resources(client: DynamoDBClient) -> None:
    handlers = engine_handlers(client)
    put = handlers["arn:aws:states:::dynamodb:putItem"]
    put({"TableName": "EgressGuard", "Item": item("11"), **FIRST_WRITE}, None)
    with pytest.raises(ServiceError):
        handlers["arn:aws:states:::aws-sdk:dynamodb:putItem"](
            {"TableName": "EgressGuard", "Item": item("11"), **FIRST_WRITE}, None
        )
    got = handlers["arn:aws:states:::dynamodb:getItem"](
        {"TableName": "EgressGuard", "Key": {"ReplyToTweetId": {"S": "11"}}}, None
    )
    assert got["Item"]["ReplyToTweetId"] == {"S": "11"}
