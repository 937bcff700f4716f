"""The local DynamoDB: a conditional write is an atomic guard, errors use DynamoDB's codes and wording."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

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


# Idempotency records: a lease in the condition (DynamoDB Developer Guide, "Condition and filter
# expressions, operators, and functions": comparisons, AND/OR, parentheses, attribute_not_exists) and the
# completion as an UpdateItem (Developer Guide, "Update expressions": SET and REMOVE; UpdateItem creates
# the item when there is none; key attributes cannot be updated).
RECORDS = TableSchema("Idempotency", partition_key="Id", ttl_attribute="ExpiresAt")
CLAIM: dict[str, Any] = {
    "ConditionExpression": "attribute_not_exists(Id) OR (#Status = :inProgress AND LeaseExpiresAt < :now)",
    "ExpressionAttributeNames": {"#Status": "Status"},
}


def claim(client: DynamoDBClient, by: str, now: int, lease: int = 300) -> dict:
    item = {
        "Id": {"S": "message#1"},
        "Status": {"S": "IN_PROGRESS"},
        "ClaimedBy": {"S": by},
        "LeaseExpiresAt": {"N": str(now + lease)},
    }
    values = {":inProgress": {"S": "IN_PROGRESS"}, ":now": {"N": str(now)}}
    return client.put_item(TableName="Idempotency", Item=item, ExpressionAttributeValues=values, **CLAIM)


@pytest.fixture
def records(tmp_path: Path) -> DynamoDBClient:
    return DynamoDBClient([RECORDS], path=tmp_path / "records.sqlite3")


def test_a_live_lease_refuses_a_second_claim_and_an_ended_one_admits_it(records: DynamoDBClient) -> None:
    claim(records, "first", now=1_000)
    with pytest.raises(ServiceError) as refused:
        claim(records, "second", now=1_300)  # LeaseExpiresAt (1300) is not < 1300: still live
    assert refused.value.code == "ConditionalCheckFailedException"
    claim(records, "third", now=1_301)
    stored = records.get_item(TableName="Idempotency", Key={"Id": {"S": "message#1"}})["Item"]
    assert stored["ClaimedBy"] == {"S": "third"}


def test_a_completed_record_is_never_claimed_again(records: DynamoDBClient) -> None:
    claim(records, "first", now=1_000)
    records.update_item(
        TableName="Idempotency",
        Key={"Id": {"S": "message#1"}},
        UpdateExpression="SET #Status = :completed",
        ExpressionAttributeNames={"#Status": "Status"},
        ExpressionAttributeValues={":completed": {"S": "COMPLETED"}},
    )
    with pytest.raises(ServiceError) as refused:
        claim(records, "late", now=99_999)
    assert refused.value.code == "ConditionalCheckFailedException"


def test_update_sets_and_removes_and_returns_what_was_asked(records: DynamoDBClient) -> None:
    claim(records, "first", now=1_000)
    answer = records.update_item(
        TableName="Idempotency",
        Key={"Id": {"S": "message#1"}},
        UpdateExpression="SET #Status = :completed, Owner = ClaimedBy REMOVE LeaseExpiresAt",
        ConditionExpression="ClaimedBy = :me",
        ExpressionAttributeNames={"#Status": "Status"},
        ExpressionAttributeValues={":completed": {"S": "COMPLETED"}, ":me": {"S": "first"}},
        ReturnValues="UPDATED_NEW",
    )
    assert answer == {"Attributes": {"Status": {"S": "COMPLETED"}, "Owner": {"S": "first"}}}
    stored = records.get_item(TableName="Idempotency", Key={"Id": {"S": "message#1"}})["Item"]
    assert "LeaseExpiresAt" not in stored
    with pytest.raises(ServiceError) as refused:  # the condition is checked against the stored item
        records.update_item(
            TableName="Idempotency",
            Key={"Id": {"S": "message#1"}},
            UpdateExpression="SET Owner = :me",
            ConditionExpression="ClaimedBy = :other",
            ExpressionAttributeValues={":me": {"S": "x"}, ":other": {"S": "someone else"}},
        )
    assert refused.value.code == "ConditionalCheckFailedException"


def test_update_of_a_missing_item_creates_it(records: DynamoDBClient) -> None:
    answer = records.update_item(
        TableName="Idempotency",
        Key={"Id": {"S": "message#2"}},
        UpdateExpression="SET Note = :n",
        ExpressionAttributeValues={":n": {"S": "hello"}},
        ReturnValues="ALL_NEW",
    )
    assert answer == {"Attributes": {"Id": {"S": "message#2"}, "Note": {"S": "hello"}}}


@pytest.mark.parametrize(
    ("update", "values", "fragment"),
    [
        ("SET Id = :v", {":v": {"S": "x"}}, "Cannot update attribute Id. This attribute is part of the key"),
        ("SET n = n + :v", {":v": {"N": "1"}}, "arithmetic (+) is not supported locally"),
        ("SET n = if_not_exists(n, :v)", {":v": {"N": "1"}}, "function if_not_exists is not supported"),
        ("ADD n :v", {":v": {"N": "1"}}, "ADD is not supported locally"),
        ("SET a = :v SET b = :v", {":v": {"N": "1"}}, 'The "SET" section can only be used once'),
        ("SET a = :v, a = :v", {":v": {"N": "1"}}, "Two document paths overlap"),
        ("SET a = :v", {":v": {"N": "1"}, ":w": {"N": "2"}}, "unused in expressions: keys: {:w}"),
        ("SET a = :missing", {}, "attribute value used in expression is not defined"),
        ("SET a = b", {}, "refers to an attribute that does not exist in the item"),
        ("SET a :v", {":v": {"N": "1"}}, "Invalid UpdateExpression: Syntax error"),
    ],
)
def test_bad_updates_fail_with_dynamodb_errors(
    records: DynamoDBClient, update: str, values: dict, fragment: str
) -> None:
    claim(records, "first", now=1_000)
    with pytest.raises(ServiceError) as failure:
        records.update_item(
            TableName="Idempotency",
            Key={"Id": {"S": "message#1"}},
            UpdateExpression=update,
            **({"ExpressionAttributeValues": values} if values else {}),  # type: ignore[arg-type]
        )
    assert failure.value.code == "ValidationException"
    assert fragment in failure.value.message


def test_update_item_is_an_engine_resource(records: DynamoDBClient) -> None:
    handlers = engine_handlers(records)
    assert "arn:aws:states:::dynamodb:updateItem" in handlers
    assert "arn:aws:states:::aws-sdk:dynamodb:updateItem" in handlers
    model = botocore.session.get_session().get_service_model("dynamodb")
    errors = {shape.name for shape in model.operation_model("UpdateItem").error_shapes}
    assert {"ConditionalCheckFailedException", "ResourceNotFoundException"} <= errors


# TransactWriteItems: all or nothing. Shapes from the API reference (TransactWriteItems,
# TransactionCanceledException) and recorded responses in aws/aws-sdk-net#1292 and pynamodb/PynamoDB#1144:
# CancellationReasons in request order, {"Code": "None"} for an item that was not the reason.
def test_transaction_writes_every_item_or_none(client: DynamoDBClient) -> None:
    client.put_item(TableName="EgressGuard", Item=item("held"))
    claim = {"Put": {"TableName": "EgressGuard", "Item": item("new"), **FIRST_WRITE}}
    taken = {"Put": {"TableName": "EgressGuard", "Item": item("held"), **FIRST_WRITE}}
    with pytest.raises(ServiceError) as failure:
        client.transact_write_items(TransactItems=[claim, taken])
    assert failure.value.code == "TransactionCanceledException"
    assert failure.value.message == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[None, ConditionalCheckFailed]"
    )
    assert failure.value.response["CancellationReasons"] == [  # type: ignore[typeddict-item]
        {"Code": "None"},
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
    ]
    assert client.get_item(TableName="EgressGuard", Key={"ReplyToTweetId": {"S": "new"}}) == {}

    update = {
        "Update": {
            "TableName": "EgressGuard",
            "Key": {"ReplyToTweetId": {"S": "held"}},
            "UpdateExpression": "SET #s = :done",
            "ExpressionAttributeNames": {"#s": "Status"},
            "ExpressionAttributeValues": {":done": {"S": "COMPLETED"}},
        }
    }
    check = {
        "ConditionCheck": {
            "TableName": "EgressGuard",
            "Key": {"ReplyToTweetId": {"S": "held"}},
            "ConditionExpression": "attribute_exists(ReplyToTweetId)",
        }
    }
    assert client.transact_write_items(TransactItems=[claim, update]) == {}
    held = client.get_item(TableName="EgressGuard", Key={"ReplyToTweetId": {"S": "held"}})["Item"]
    assert held["Status"] == {"S": "COMPLETED"}
    assert "Item" in client.get_item(TableName="EgressGuard", Key={"ReplyToTweetId": {"S": "new"}})
    delete = {"Delete": {"TableName": "EgressGuard", "Key": {"ReplyToTweetId": {"S": "new"}}}}
    assert client.transact_write_items(TransactItems=[delete]) == {}
    assert client.get_item(TableName="EgressGuard", Key={"ReplyToTweetId": {"S": "new"}}) == {}
    with pytest.raises(ServiceError) as two_on_one:
        client.transact_write_items(TransactItems=[check, update])
    assert two_on_one.value.code == "ValidationException"
    assert "multiple operations on one item" in two_on_one.value.message


def test_transaction_refuses_an_empty_or_oversized_list_and_members_naming_two_actions(
    client: DynamoDBClient,
) -> None:
    put = {"Put": {"TableName": "EgressGuard", "Item": item("1")}}
    for items in ([], [{"Put": {"TableName": "EgressGuard", "Item": item(str(n))}} for n in range(101)]):
        with pytest.raises(ServiceError) as refused:
            client.transact_write_items(TransactItems=items)
        assert refused.value.code == "ValidationException"
    with pytest.raises(ServiceError) as both:
        client.transact_write_items(TransactItems=[{**put, "Delete": {"TableName": "EgressGuard"}}])
    assert both.value.code == "ValidationException"
    assert client.get_item(TableName="EgressGuard", Key={"ReplyToTweetId": {"S": "1"}}) == {}


def test_transaction_is_a_step_functions_sdk_task_with_its_error_name(client: DynamoDBClient) -> None:
    handler = engine_handlers(client)["arn:aws:states:::aws-sdk:dynamodb:transactWriteItems"]
    put = {"Put": {"TableName": "EgressGuard", "Item": item("9"), **FIRST_WRITE}}
    assert handler({"TransactItems": [put]}, None) == {}
    with pytest.raises(ServiceError) as failure:
        handler({"TransactItems": [put]}, None)
    assert failure.value.code == "TransactionCanceledException"
