"""The ingress Lambda entry point against moto's Kinesis and Secrets Manager."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from lambdas.ingress import handler as ingress

SECRET = {
    "consumer_key": "ck",
    "consumer_secret": "cs-value",
    "access_token": "at",
    "access_token_secret": "ats",
}
BODY = json.dumps({"for_user_id": "1111111111111111111", "favorite_events": [{"id": "f1"}]}).encode()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with mock_aws():
        kinesis = boto3.client("kinesis")
        kinesis.create_stream(StreamName="sma-activity", ShardCount=1)
        boto3.client("secretsmanager").create_secret(Name="sma/x", SecretString=json.dumps(SECRET))
        monkeypatch.setenv("SMA_STREAM_NAME", "sma-activity")
        monkeypatch.setenv("SMA_X_SECRET_ID", "sma/x")
        ingress._default.cache_clear()
        yield kinesis
    ingress._default.cache_clear()


def records(kinesis: Any) -> list[dict[str, Any]]:
    shard = kinesis.describe_stream(StreamName="sma-activity")["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = kinesis.get_shard_iterator(
        StreamName="sma-activity", ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    return kinesis.get_records(ShardIterator=iterator)["Records"]


def signature(body: bytes) -> str:
    return "sha256=" + base64.b64encode(hmac.new(b"cs-value", body, hashlib.sha256).digest()).decode()


def test_a_signed_post_lands_on_the_kinesis_stream(aws: Any) -> None:
    event = {
        "httpMethod": "POST",
        "headers": {"x-twitter-webhooks-signature": signature(BODY), "content-type": "application/json"},
        "body": BODY.decode(),
        "isBase64Encoded": False,
    }
    assert ingress.handler(event, None)["statusCode"] == 200
    [record] = records(aws)
    assert record["Data"] == BODY
    assert record["PartitionKey"] == "1111111111111111111"


def test_the_crc_challenge_uses_the_secret_from_secrets_manager(aws: Any) -> None:
    response = ingress.handler({"httpMethod": "GET", "queryStringParameters": {"crc_token": "t"}}, None)
    expected = base64.b64encode(hmac.new(b"cs-value", b"t", hashlib.sha256).digest()).decode()
    assert json.loads(response["body"])["response_token"] == f"sha256={expected}"


def test_a_missing_stream_answers_503_so_x_retries(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMA_STREAM_NAME", "no-such-stream")
    ingress._default.cache_clear()
    event = {
        "httpMethod": "POST",
        "headers": {"x-twitter-webhooks-signature": signature(BODY)},
        "body": BODY.decode(),
    }
    assert ingress.handler(event, None)["statusCode"] == 503


def test_a_missing_secret_answers_500(
    aws: Any, monkeypatch: pytest.MonkeyPatch, json_logs: list[str]
) -> None:
    monkeypatch.setenv("SMA_X_SECRET_ID", "sma/absent")
    ingress._default.cache_clear()
    response = ingress.handler({"httpMethod": "GET", "queryStringParameters": {"crc_token": "t"}}, None)
    assert response["statusCode"] == 500
    assert any("sma/absent does not exist" in line for line in json_logs)


@pytest.mark.parametrize("missing", ["SMA_STREAM_NAME", "SMA_X_SECRET_ID"])
def test_missing_configuration_is_a_500_naming_the_variable_in_the_log(
    aws: Any, monkeypatch: pytest.MonkeyPatch, json_logs: list[str], missing: str
) -> None:
    monkeypatch.delenv(missing)
    ingress._default.cache_clear()
    response = ingress.handler({"httpMethod": "GET", "queryStringParameters": {"crc_token": "t"}}, None)
    assert response["statusCode"] == 500
    assert missing not in response["body"]
    assert any(missing in line for line in json_logs)
