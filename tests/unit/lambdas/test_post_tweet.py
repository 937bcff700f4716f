"""Posting replies: X API v2 calls (mocked with `responses`), error mapping, and the local outbox."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import responses

from lambdas.post_tweet import handler as post_handler
from lambdas.post_tweet.command import ReplyCommand
from lambdas.post_tweet.errors import (
    ImageUnavailable,
    XCredentialsMissing,
    XRateLimited,
    XRejected,
    XUnavailable,
)
from lambdas.post_tweet.outbox import Outbox
from lambdas.post_tweet.post import post_reply
from lambdas.post_tweet.poster import XPoster
from lambdas.post_tweet.settings import PostSettings
from lambdas.post_tweet.x_api import XApi
from lambdas.shared.errors import ConfigurationError, InvalidInput
from lambdas.shared.x_credentials import XCredentials

BUCKET = "sma-media"
UPLOAD = "https://api.x.com/2/media/upload"
TWEETS = "https://api.twitter.com/2/tweets"
CREDENTIALS = XCredentials(
    consumer_key="ck-value",
    consumer_secret="cs-value",
    access_token="at-value",
    access_token_secret="ats-value",
)
COMMAND = {
    "Text": "@alice I can see Ada Lovelace in your photo.",
    "ReplyToTweetId": "1790000000000000001",
    "ReplyToUserId": "2222222222",
}


@pytest.fixture
def s3(mocked_s3: Any, make_image: Callable[..., bytes]) -> Any:
    mocked_s3.put_object(Bucket=BUCKET, Key="annotated/media/1/0.jpg", Body=make_image("JPEG"))
    mocked_s3.put_object(Bucket=BUCKET, Key="annotated/media/1/bad.jpg", Body=b"<html></html>")
    return mocked_s3


@pytest.fixture
def x() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def header(call: Any, name: str) -> str:
    """A request header as text (requests-oauthlib leaves some as bytes)."""
    value = call.request.headers[name]
    return value.decode() if isinstance(value, bytes) else value


def api(found: XCredentials) -> XApi:
    return XApi(found, media_upload_url=UPLOAD, timeout_seconds=5)


def post(
    s3: Any, command: dict[str, Any], found: XCredentials | None = CREDENTIALS, outbox: Path | None = None
):
    """Post as the handler does: to the outbox when one is injected (the local cloud), else to X."""
    poster = Outbox(outbox) if outbox is not None else XPoster(lambda: found, api)
    return post_reply(
        {"Command": command, "Bucket": BUCKET}, settings=PostSettings(secret_id="sma/x"), s3=s3, poster=poster
    )


def test_a_text_reply_is_posted_with_oauth1_as_a_reply(s3: Any, x: responses.RequestsMock) -> None:
    x.post(TWEETS, json={"data": {"id": "1790000000000000999", "text": COMMAND["Text"]}}, status=201)
    result = post(s3, COMMAND)
    assert result == {
        "Posted": True,
        "TweetId": "1790000000000000999",
        "ReplyToTweetId": COMMAND["ReplyToTweetId"],
        "MediaIds": [],
    }
    [call] = x.calls
    assert json.loads(call.request.body) == {
        "text": COMMAND["Text"],
        "reply": {"in_reply_to_tweet_id": COMMAND["ReplyToTweetId"]},
    }
    authorization = call.request.headers["Authorization"]
    assert authorization.startswith("OAuth ") and 'oauth_consumer_key="ck-value"' in authorization
    assert 'oauth_token="at-value"' in authorization and "cs-value" not in authorization


def test_a_photo_is_uploaded_through_v2_and_attached(s3: Any, x: responses.RequestsMock) -> None:
    x.post(UPLOAD, json={"data": {"id": "1880028106020515840", "media_key": "3_1880028106020515840"}})
    x.post(TWEETS, json={"data": {"id": "1790000000000000999", "text": "t"}}, status=201)
    result = post(s3, {**COMMAND, "ImageKey": "annotated/media/1/0.jpg"})
    assert result["MediaIds"] == ["1880028106020515840"]
    upload, create = x.calls
    assert header(upload, "Content-Type").startswith("multipart/form-data")
    assert b'name="media_category"\r\n\r\ntweet_image' in upload.request.body
    assert b'name="media"; filename="reply.jpeg"' in upload.request.body
    assert header(upload, "Authorization").startswith("OAuth ")
    assert json.loads(create.request.body)["media"] == {"media_ids": ["1880028106020515840"]}


@pytest.mark.parametrize("limited", [TWEETS, UPLOAD])
def test_a_rate_limit_is_the_retryable_error_with_its_reset_time(
    s3: Any, x: responses.RequestsMock, limited: str
) -> None:
    for url in (UPLOAD, TWEETS):
        if url == limited:
            x.post(
                url,
                json={"title": "Too Many Requests"},
                status=429,
                headers={"x-rate-limit-reset": "1795000000"},
            )
        else:
            x.post(url, json={"data": {"id": "1"}}, status=201)
    with pytest.raises(XRateLimited) as raised:
        post(s3, {**COMMAND, "ImageKey": "annotated/media/1/0.jpg"})
    assert raised.value.reset_at == 1795000000
    assert "2026-11-18T11:06:40Z" in str(raised.value)


def test_a_rate_limit_without_a_reset_header_still_says_so(s3: Any, x: responses.RequestsMock) -> None:
    x.post(TWEETS, json={}, status=429)
    with pytest.raises(XRateLimited, match="unknown time"):
        post(s3, COMMAND)


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (
            403,
            {
                "detail": "You are not allowed to create a Tweet with duplicate content.",
                "title": "Forbidden",
                "status": 403,
            },
            "duplicate content",
        ),
        (
            400,
            {"errors": [{"message": "Your media IDs are invalid."}], "title": "Invalid Request"},
            "media IDs are invalid",
        ),
        (401, {"title": "Unauthorized", "status": 401}, "Unauthorized"),
    ],
)
def test_other_refusals_carry_xs_message(
    s3: Any, x: responses.RequestsMock, status: int, body: dict, message: str
) -> None:
    x.post(TWEETS, json=body, status=status)
    with pytest.raises(XRejected, match=message) as raised:
        post(s3, COMMAND)
    assert raised.value.status == status


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_retryable(s3: Any, x: responses.RequestsMock, status: int) -> None:
    x.post(TWEETS, body="upstream down", status=status)
    with pytest.raises(XUnavailable, match=str(status)):
        post(s3, COMMAND)


def test_an_unreachable_x_is_retryable(s3: Any, x: responses.RequestsMock) -> None:
    import requests

    x.post(TWEETS, body=requests.ConnectionError("no route"))
    with pytest.raises(XUnavailable):
        post(s3, COMMAND)


def test_an_upload_answer_without_an_id_is_retryable(s3: Any, x: responses.RequestsMock) -> None:
    x.post(UPLOAD, json={"data": {}})
    with pytest.raises(XUnavailable, match=r"data\.id"):
        post(s3, {**COMMAND, "ImageKey": "annotated/media/1/0.jpg"})


def test_an_incomplete_secret_is_a_configuration_error_naming_the_missing_keys(s3: Any) -> None:
    incomplete = XCredentials(consumer_key="KEY-1", consumer_secret="SECRET-2", access_token="TOKEN-3")
    with pytest.raises(ConfigurationError, match="access_token_secret") as raised:
        post(s3, COMMAND, incomplete)
    for value in ("KEY-1", "SECRET-2", "TOKEN-3"):
        assert value not in str(raised.value)
        assert value not in repr(incomplete)


@pytest.mark.parametrize(
    ("key", "error"),
    [("annotated/media/1/missing.jpg", "not in bucket"), ("annotated/media/1/bad.jpg", "not a JPEG")],
)
def test_an_unusable_image_is_reported(s3: Any, key: str, error: str) -> None:
    with pytest.raises(ImageUnavailable, match=error):
        post(s3, {**COMMAND, "ImageKey": key})


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({}, "Command"),
        ({"Command": "text"}, "Command"),
        ({"Command": {**COMMAND, "Text": "  "}}, "Text"),
        ({"Command": {**COMMAND, "ReplyToTweetId": 179}}, "ReplyToTweetId"),
        ({"Command": {**COMMAND, "ReplyToUserId": "abc"}}, "ReplyToUserId"),
        ({"Command": {**COMMAND, "ImageKey": ""}}, "ImageKey"),
        ({"Command": {**COMMAND, "ImageKey": "a.jpg"}}, "Bucket"),
    ],
)
def test_commands_of_the_wrong_shape_are_invalid(event: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        post_reply(event, settings=PostSettings(), s3=None, poster=XPoster(lambda: CREDENTIALS, api))


def test_without_credentials_posting_to_x_fails_loudly(s3: Any) -> None:
    with pytest.raises(XCredentialsMissing, match="SMA_X_SECRET_ID"):
        post(s3, COMMAND, None)


def test_a_webhook_only_secret_cannot_post_and_names_the_missing_keys(s3: Any) -> None:
    webhook_only = XCredentials(consumer_secret="SECRET-2")
    with pytest.raises(ConfigurationError, match="consumer_key"):
        post(s3, COMMAND, webhook_only)  # as on AWS: the missing keys are named, never their values


def test_without_credentials_replies_go_to_the_outbox_once(
    s3: Any, tmp_path: Path, make_image: Callable[..., bytes]
) -> None:
    outbox = tmp_path / "outbox"
    command = {**COMMAND, "ImageKey": "annotated/media/1/0.jpg"}
    result = post(s3, command, None, outbox)
    assert result["Posted"] is False
    assert result["Outbox"] == str(outbox / "outbox.jsonl")
    image = Path(result["Image"])
    assert image.parent == outbox / "images" and image.suffix == ".jpg"
    assert image.read_bytes() == make_image("JPEG")
    again = post(s3, command, None, outbox)  # a retried execution
    assert again == result
    [line] = (outbox / "outbox.jsonl").read_text().splitlines()
    entry = json.loads(line)
    assert entry["Text"] == COMMAND["Text"] and entry["ReplyToTweetId"] == COMMAND["ReplyToTweetId"]
    assert entry["ImageKey"] == "annotated/media/1/0.jpg" and entry["QueuedAt"]
    post(s3, {**COMMAND, "Text": "another reply"}, None, outbox)
    assert len((outbox / "outbox.jsonl").read_text().splitlines()) == 2


def _lines(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (folder / "outbox.jsonl").read_text().splitlines()]


def test_one_outbox_sees_what_other_writers_appended_since_its_last_look(tmp_path: Path) -> None:
    # The local cloud keeps one outbox for its life and reads only the lines appended since it last
    # looked; a reply another process (or another Outbox) queued meanwhile is still a duplicate.
    folder = tmp_path / "outbox"
    mine, theirs = Outbox(folder), Outbox(folder)
    first, second = ReplyCommand("hello", "11", "42"), ReplyCommand("hello again", "12", "42")
    mine.deliver(first, None, None)
    theirs.deliver(second, None, None)
    mine.deliver(second, None, None)
    theirs.deliver(first, None, None)
    assert [entry["Text"] for entry in _lines(folder)] == ["hello", "hello again"]


def test_a_torn_line_is_skipped_and_a_line_being_written_is_read_once_it_ends(tmp_path: Path) -> None:
    folder = tmp_path / "outbox"
    outbox = Outbox(folder)
    reply, other = ReplyCommand("hello", "11", "42"), ReplyCommand("other", "13", "42")
    outbox.deliver(reply, None, None)
    with (folder / "outbox.jsonl").open("a") as file:
        file.write('{"ReplyToTweetId": "99", "Te')  # a crash in the middle of a line
    outbox.deliver(reply, None, None)  # a duplicate: nothing appended, the torn line left unread
    later = json.dumps(
        {"ReplyToTweetId": "13", "ReplyToUserId": "42", "Text": "other", "ImageKey": None, "Image": None}
    )
    with (folder / "outbox.jsonl").open("a") as file:
        file.write("\n" + later + "\n")  # another writer's line after the torn one
    outbox.deliver(other, None, None)
    outbox.deliver(reply, None, None)
    assert [line for line in (folder / "outbox.jsonl").read_text().splitlines() if line.startswith("{")][
        -1
    ] == later
    assert sum(1 for line in (folder / "outbox.jsonl").read_text().splitlines() if '"other"' in line) == 1


def test_a_removed_outbox_starts_again_empty(tmp_path: Path) -> None:
    folder = tmp_path / "outbox"
    outbox = Outbox(folder)
    reply = ReplyCommand("hello", "11", "42")
    outbox.deliver(reply, None, None)
    (folder / "outbox.jsonl").unlink()  # the user cleared the outbox
    outbox.deliver(reply, None, None)
    assert [entry["Text"] for entry in _lines(folder)] == ["hello"]


def test_the_handler_gives_replies_to_the_poster_it_is_given(s3: Any, tmp_path: Path) -> None:
    # The local cloud injects its outbox as `x`; the handler itself never looks for one.
    handle = post_handler.create_handler(
        {"SMA_X_SECRET_ID": "sma/x-absent"}, s3=s3, secretsmanager=None, x=Outbox(tmp_path / "outbox")
    )
    result = handle({"Command": COMMAND, "Bucket": BUCKET}, None)
    assert result["Posted"] is False
    assert Path(result["Outbox"]) == tmp_path / "outbox" / "outbox.jsonl"


def test_the_handler_posts_with_the_secret_from_secrets_manager(
    s3: Any, x: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = {
        "ApiKey": "ck-value",
        "ApiSecret": "cs-value",
        "AccessToken": "at-value",
        "AccessTokenSecret": "ats-value",
    }
    boto3.client("secretsmanager").create_secret(Name="sma/x-legacy", SecretString=json.dumps(secret))
    monkeypatch.setenv("SMA_X_SECRET_ID", "sma/x-legacy")
    x.post(TWEETS, json={"data": {"id": "42", "text": "t"}}, status=201)
    post_handler._default.cache_clear()
    try:
        assert post_handler.handler({"Command": COMMAND}, None)["TweetId"] == "42"
    finally:
        post_handler._default.cache_clear()
    assert 'oauth_consumer_key="ck-value"' in x.calls[0].request.headers["Authorization"]
