"""The ingress as a plain function: CRC, signatures, limits, envelopes, and recording before answering."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest

from integrations.errors import ServiceError
from lambdas.ingress.settings import IngressSettings
from lambdas.ingress.webhook import handle_request

SECRET = "consumer-secret-for-tests"
BOT = "1111111111111111111"
MENTION = {
    "for_user_id": BOT,
    "tweet_create_events": [{"id_str": "1790000000000000001", "text": "@SmaBot hello"}],
}
XAA_FOLLOW = {
    "data": {
        "event_uuid": "2080761390344937796",
        "event_type": "follow.follow",
        "filter": {"user_id": BOT, "direction": "inbound"},
        "payload": {"source": {"id": "222"}, "target": {"id": BOT}},
    }
}


class FakeStream:
    def __init__(self, error: Exception | None = None) -> None:
        self.records: list[dict[str, Any]] = []
        self.error = error

    def put_record(self, **kwargs: Any) -> dict[str, Any]:
        if self.error:
            raise self.error
        self.records.append(kwargs)
        return {"ShardId": "shardId-000000000000", "SequenceNumber": str(len(self.records))}


class SecretProvider:
    def __init__(self, error: Exception | None = None) -> None:
        self.calls = 0
        self.error = error

    def __call__(self) -> str:
        self.calls += 1
        if self.error:
            raise self.error
        return SECRET


def x_signature(body: bytes, secret: str = SECRET) -> str:
    """What X sends, computed independently of the code under test."""
    return "sha256=" + base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def post(body: bytes, headers: dict[str, str] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "httpMethod": "POST",
        "path": "/twitter",
        "headers": {"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        "body": body.decode("utf-8", errors="surrogateescape") if isinstance(body, bytes) else body,
        "isBase64Encoded": False,
        "requestContext": {"requestId": "req-1"},
        **extra,
    }


def signed(document: Any) -> tuple[bytes, dict[str, Any]]:
    body = json.dumps(document).encode()
    return body, post(body, {"x-twitter-webhooks-signature": x_signature(body)})


def call(
    event: dict[str, Any],
    stream: FakeStream | None = None,
    secret: SecretProvider | None = None,
    max_body_bytes: int = 1024 * 1024,
) -> dict[str, Any]:
    settings = IngressSettings(stream_name="activity", secret_id="x", max_body_bytes=max_body_bytes)
    return handle_request(
        event, settings=settings, stream=stream or FakeStream(), consumer_secret=secret or SecretProvider()
    )


def test_crc_challenge_answers_with_the_hmac_of_the_token() -> None:
    response = call({"httpMethod": "GET", "queryStringParameters": {"crc_token": "challenge-123"}})
    assert response["statusCode"] == 200
    expected = base64.b64encode(hmac.new(SECRET.encode(), b"challenge-123", hashlib.sha256).digest()).decode()
    assert json.loads(response["body"]) == {"response_token": f"sha256={expected}"}
    assert response["headers"]["Content-Type"] == "application/json"


def test_crc_token_is_read_from_multi_value_parameters_too() -> None:
    response = call({"httpMethod": "GET", "multiValueQueryStringParameters": {"crc_token": ["abc"]}})
    assert response["statusCode"] == 200


@pytest.mark.parametrize("query", [None, {}, {"crc_token": ""}, {"other": "x"}])
def test_crc_without_a_token_is_a_bad_request(query: dict[str, str] | None) -> None:
    secret = SecretProvider()
    response = call({"httpMethod": "GET", "queryStringParameters": query}, secret=secret)
    assert response["statusCode"] == 400
    assert "crc_token" in json.loads(response["body"])["error"]
    assert secret.calls == 0


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", ""])
def test_other_methods_are_not_allowed(method: str) -> None:
    response = call({"httpMethod": method})
    assert response["statusCode"] == 405
    assert response["headers"]["Allow"] == "GET, POST"


def test_a_signed_activity_is_recorded_raw_then_acknowledged() -> None:
    stream = FakeStream()
    body, event = signed(MENTION)
    response = call(event, stream)
    assert response["statusCode"] == 200
    assert stream.records == [{"StreamName": "activity", "Data": body, "PartitionKey": BOT}]


def test_the_signature_header_name_is_case_insensitive() -> None:
    body = json.dumps(MENTION).encode()
    stream = FakeStream()
    response = call(post(body, {"X-Twitter-Webhooks-Signature": x_signature(body)}), stream)
    assert response["statusCode"] == 200
    assert len(stream.records) == 1


def test_headers_only_in_multi_value_form_are_read() -> None:
    body = json.dumps(MENTION).encode()
    event = post(body)
    event["headers"] = None
    event["multiValueHeaders"] = {"X-Twitter-Webhooks-Signature": [x_signature(body)]}
    assert call(event)["statusCode"] == 200


def test_a_base64_body_is_verified_and_recorded_as_the_decoded_bytes() -> None:
    body = json.dumps({**MENTION, "note": "caf\u00e9"}, ensure_ascii=False).encode()
    stream = FakeStream()
    event = post(b"", {"x-twitter-webhooks-signature": x_signature(body)})
    event.update(body=base64.b64encode(body).decode(), isBase64Encoded=True)
    assert call(event, stream)["statusCode"] == 200
    assert stream.records[0]["Data"] == body


def test_a_body_flagged_base64_that_is_not_is_a_bad_request() -> None:
    event = post(b"", {"x-twitter-webhooks-signature": "sha256=x"})
    event.update(body="not base64!!", isBase64Encoded=True)
    assert call(event)["statusCode"] == 400


def test_x_activity_api_payloads_are_partitioned_by_the_filtered_user() -> None:
    stream = FakeStream()
    _, event = signed(XAA_FOLLOW)
    assert call(event, stream)["statusCode"] == 200
    assert stream.records[0]["PartitionKey"] == BOT


def test_keyword_filtered_x_activity_events_are_partitioned_by_type() -> None:
    stream = FakeStream()
    news = {"data": {"event_type": "news.new", "filter": {"keyword": "AI"}, "payload": {"headline": "h"}}}
    _, event = signed(news)
    assert call(event, stream)["statusCode"] == 200
    assert stream.records[0]["PartitionKey"] == "news.new"


def test_a_missing_signature_is_unauthorised_and_nothing_is_recorded() -> None:
    stream = FakeStream()
    response = call(post(json.dumps(MENTION).encode()), stream)
    assert response["statusCode"] == 401
    assert stream.records == []


@pytest.mark.parametrize(
    "signature",
    [
        x_signature(b"a different body"),
        x_signature(json.dumps(MENTION).encode(), secret="another-secret"),
        "sha256=",
        "garbage",
        "sha256=\u00e9\u00e9",
    ],
)
def test_a_wrong_signature_is_unauthorised(signature: str) -> None:
    stream = FakeStream()
    response = call(post(json.dumps(MENTION).encode(), {"x-twitter-webhooks-signature": signature}), stream)
    assert response["statusCode"] == 401
    assert stream.records == []


def test_an_oversized_body_is_refused_before_the_secret_is_even_needed() -> None:
    secret = SecretProvider()
    body = json.dumps({**MENTION, "padding": "x" * 2000}).encode()
    event = post(body, {"x-twitter-webhooks-signature": x_signature(body)})
    response = call(event, secret=secret, max_body_bytes=1000)
    assert response["statusCode"] == 413
    assert secret.calls == 0


def test_a_body_at_the_limit_is_accepted() -> None:
    body, event = signed(MENTION)
    assert call(event, max_body_bytes=len(body))["statusCode"] == 200


def test_malformed_json_with_a_valid_signature_is_a_bad_request() -> None:
    body = b'{"for_user_id": "1", "tweet_create_events": ['
    stream = FakeStream()
    response = call(post(body, {"x-twitter-webhooks-signature": x_signature(body)}), stream)
    assert response["statusCode"] == 400
    assert "JSON" in json.loads(response["body"])["error"]
    assert stream.records == []


@pytest.mark.parametrize(
    "document",
    [
        [],
        "a string",
        {"hello": "world"},
        {"for_user_id": BOT},
        {"for_user_id": BOT, "tweet_create_events": []},
        {"for_user_id": 1111111111111111111, "tweet_create_events": [{}]},
        {"for_user_id": "../etc", "tweet_create_events": [{}]},
        {"data": []},
        {"data": {"event_type": "follow.follow", "filter": {"user_id": BOT}}},
        {"data": {"event_type": "", "filter": {"user_id": BOT}, "payload": {}}},
        {"data": {"event_type": "follow.follow", "payload": {}}},
        {"data": {"event_type": "follow.follow", "filter": {"user_id": 5}, "payload": {}}},
        {"user_event": {"revoke": {"date_time": "2026-11-22T05:00:00+00:00"}}},
        {"user_event": {"revoke": {"source": {"user_id": 63046977}}}},
        {"user_event": "revoke"},
    ],
)
def test_json_that_is_neither_api_is_a_bad_request(document: Any) -> None:
    stream = FakeStream()
    _, event = signed(document)
    assert call(event, stream)["statusCode"] == 400
    assert stream.records == []


def test_unknown_account_activity_kinds_are_still_recorded() -> None:
    stream = FakeStream()
    _, event = signed({"for_user_id": BOT, "brand_new_events": [{"id": "1"}]})
    assert call(event, stream)["statusCode"] == 200


def test_a_revoke_user_event_is_recorded() -> None:
    stream = FakeStream()
    revoke = {"for_user_id": BOT, "user_event": {"revoke": {"date_time": "2026-11-22T05:00:00Z"}}}
    _, event = signed(revoke)
    assert call(event, stream)["statusCode"] == 200


def test_a_revoke_as_x_documents_it_has_no_for_user_id_and_is_recorded_for_the_revoking_account() -> None:
    # docs.x.com/x-api/account-activity/introduction, "user_event": the example has no for_user_id; the
    # account is user_event.revoke.source.user_id. Refusing it (400) would make X retry a lost revoke.
    stream = FakeStream()
    revoke = {
        "user_event": {
            "revoke": {
                "date_time": "2026-11-22T05:47:00+00:00",
                "target": {"app_id": "26827800"},
                "source": {"user_id": BOT},
            }
        }
    }
    body, event = signed(revoke)
    assert call(event, stream)["statusCode"] == 200
    [record] = stream.records
    assert record["Data"] == body
    assert record["PartitionKey"] == BOT


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "image/png"])
def test_a_non_json_content_type_is_unsupported(content_type: str) -> None:
    _, event = signed(MENTION)
    event["headers"]["Content-Type"] = content_type
    assert call(event)["statusCode"] == 415


def test_no_content_type_at_all_is_read_as_json() -> None:
    _, event = signed(MENTION)
    del event["headers"]["Content-Type"]
    assert call(event)["statusCode"] == 200


@pytest.mark.parametrize(
    "error",
    [
        ServiceError("kinesis", "ProvisionedThroughputExceededException", "slow down"),
        ServiceError("kinesis", "ResourceNotFoundException", "no stream", 400),
        ConnectionError("network down"),
    ],
)
def test_when_the_stream_fails_x_is_told_to_retry(error: Exception) -> None:
    _, event = signed(MENTION)
    response = call(event, FakeStream(error))
    assert response["statusCode"] == 503


def test_an_unavailable_secret_is_a_server_error_that_does_not_leak(json_logs: list[str]) -> None:
    _, event = signed(MENTION)
    response = call(event, secret=SecretProvider(RuntimeError("secret x-credentials is missing")))
    assert response["statusCode"] == 500
    assert "missing" not in response["body"]
    assert any("secret x-credentials is missing" in line for line in json_logs)


def test_logs_never_hold_the_secret_or_the_signature(json_logs: list[str]) -> None:
    body, event = signed(MENTION)
    call(event)
    bad = post(body, {"x-twitter-webhooks-signature": x_signature(b"other")})
    call(bad)
    call({"httpMethod": "GET", "queryStringParameters": {"crc_token": "tok"}})
    assert json_logs
    text = "\n".join(json_logs)
    assert SECRET not in text
    assert x_signature(body) not in text
    assert x_signature(b"other") not in text
    records = [json.loads(line) for line in json_logs]
    assert {"activity recorded", "request refused", "crc challenge answered"} <= {
        r["message"] for r in records
    }


@pytest.mark.parametrize("event", [None, [], "GET /twitter"])
def test_an_event_that_is_not_a_proxy_event_is_a_bad_request(event: Any) -> None:
    assert call(event)["statusCode"] == 400


def test_a_deeply_nested_body_is_a_bad_request_not_a_crash() -> None:
    body = b"[" * 200_000 + b"]" * 200_000
    response = call(post(body, {"x-twitter-webhooks-signature": x_signature(body)}))
    assert response["statusCode"] == 400
    assert "nested" in json.loads(response["body"])["error"]
