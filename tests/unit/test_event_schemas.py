"""The domain events' JSON Schemas: well-formed, accepting real details, refusing broken ones clearly."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from workflows.schemas import (
    SCHEMA_DIR,
    EventValidationError,
    UnknownDetailType,
    detail_types,
    schema_for,
    validate_event,
)

TWITTER = {"TweetId": "1790000000000000001", "UserId": "2222222222"}
BOX = {"Width": 0.2, "Height": 0.3, "Left": 0.4, "Top": 0.1}
VALID: dict[str, dict[str, Any]] = {
    "MESSAGE_RECEIVED": {
        "Text": "@SmaBot who is this? https://t.co/abc",
        "DisplayText": "who is this?",
        "ImageUrls": ["https://pbs.twimg.com/media/GbX1a2bWMAAxyz.jpg"],
        "Author": "alice",
        "Language": "en",
        "Twitter": TWITTER,
        "ReceivedAt": "2026-11-22T05:40:00Z",
    },
    "MESSAGE_DUPLICATE": {"Twitter": TWITTER, "Author": "alice"},
    "MESSAGE_ANALYSED": {
        "Text": "@SmaBot I love this!",
        "Author": "alice",
        "Twitter": TWITTER,
        "Analysis": {
            "TextSentiment": "POSITIVE",
            "TextSentimentScore": {"Positive": 0.97, "Negative": 0.01, "Neutral": 0.01, "Mixed": 0.01},
            "Language": "en",
            "AnalysedInEnglish": [],
            # Comprehend's DetectToxicContent result shape (API_ToxicLabels / API_ToxicContent):
            # https://docs.aws.amazon.com/comprehend/latest/APIReference/API_ToxicLabels.html
            "Toxicity": {
                "Toxicity": 0.12,
                "Labels": [{"Name": "INSULT", "Score": 0.1}, {"Name": "PROFANITY", "Score": 0.03}],
                "AbusiveLabels": "INSULT",
            },
            "Images": [
                {
                    "Key": "media/1790000000000000001/0.jpg",
                    "Analysis": {
                        "Labels": [{"Name": "Person", "Confidence": 99.2, "Instances": [], "Parents": []}],
                        "TextDetections": [
                            {"DetectedText": "NASA", "Type": "LINE", "Confidence": 97.0, "Id": 0}
                        ],
                        "CelebrityFaces": [
                            {
                                "Name": "Eileen Collins",
                                "Id": "x1",
                                "MatchConfidence": 98.0,
                                "Face": {"BoundingBox": BOX},
                            }
                        ],
                        "UnrecognizedFaces": [{"BoundingBox": BOX, "Confidence": 99.0}],
                    },
                }
            ],
        },
    },
    "MESSAGE_ANALYSIS_FAILED": {
        "Twitter": TWITTER,
        "Error": "Comprehend.TextSizeLimitExceededException",
        "Cause": "too long",
    },
    "SEND_TWEET": {
        "Text": "@alice Here is a joke.",
        "ReplyToTweetId": "1790000000000000001",
        "ReplyToUserId": "2222222222",
    },
    "TWEET_SENT": {
        "ReplyToTweetId": "1790000000000000001",
        "Text": "@alice Here is a joke.",
        "Result": {
            "Posted": True,
            "TweetId": "1790000000000000999",
            "ReplyToTweetId": "1790000000000000001",
            "MediaIds": [],
        },
    },
    "TWEET_FAILED": {
        "ReplyToTweetId": "1790000000000000001",
        "Text": "t",
        "Error": "XRejected",
        "Cause": "X refused",
    },
}


def test_every_schema_file_is_valid_draft_2020_12_with_an_id_naming_it() -> None:
    files = sorted(SCHEMA_DIR.glob("*.schema.json"))
    assert len(files) == 9
    for path in files:
        document = json.loads(path.read_text())
        Draft202012Validator.check_schema(document)
        assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert document["$id"].endswith("/" + path.name)


def test_every_domain_event_has_a_schema_and_an_example() -> None:
    assert set(detail_types()) == set(VALID)


@pytest.mark.parametrize("detail_type", sorted(VALID))
def test_real_details_are_valid(detail_type: str) -> None:
    validate_event(detail_type, VALID[detail_type])


def test_schema_for_returns_a_copy() -> None:
    schema = schema_for("SEND_TWEET")
    assert schema["title"] == "SEND_TWEET"
    schema["required"].append("Nonsense")
    validate_event("SEND_TWEET", VALID["SEND_TWEET"])


def broken(detail_type: str, path: list[Any], value: Any = ...) -> dict[str, Any]:
    """The valid example with the field at `path` replaced by `value`, or removed (`...`)."""
    detail = copy.deepcopy(VALID[detail_type])
    target = detail
    for step in path[:-1]:
        target = target[step]
    if value is ...:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return detail


@pytest.mark.parametrize(
    ("detail_type", "path", "value", "named"),
    [
        ("MESSAGE_RECEIVED", ["Text"], ..., "'Text' is a required property"),
        ("MESSAGE_RECEIVED", ["Twitter", "TweetId"], 1790000000000000001, "$.Twitter.TweetId"),
        ("MESSAGE_RECEIVED", ["ImageUrls"], ["javascript:alert(1)"], "$.ImageUrls[0]"),
        ("MESSAGE_RECEIVED", ["ReceivedAt"], "yesterday", "$.ReceivedAt"),
        ("MESSAGE_RECEIVED", ["Author"], "", "$.Author"),
        ("MESSAGE_RECEIVED", ["Language"], "und", "$.Language"),  # X's "undetermined" is left out
        ("MESSAGE_RECEIVED", ["DisplayText"], 7, "$.DisplayText"),
        ("MESSAGE_ANALYSED", ["Analysis", "TextSentiment"], "HAPPY", "$.Analysis.TextSentiment"),
        (
            "MESSAGE_ANALYSED",
            ["Analysis", "TextSentimentScore", "Mixed"],
            ...,
            "'Mixed' is a required property",
        ),
        ("MESSAGE_ANALYSED", ["Analysis", "Language"], "English", "$.Analysis.Language"),
        (
            "MESSAGE_ANALYSED",
            ["Analysis", "Images", 0, "Analysis", "CelebrityFaces", 0, "Face"],
            {},
            "BoundingBox",
        ),
        (
            "MESSAGE_ANALYSED",
            ["Analysis", "Images", 0, "Analysis", "Labels"],
            ...,
            "'Labels' is a required property",
        ),
        ("MESSAGE_ANALYSED", ["Analysis", "AnalysedInEnglish"], ["KeyPhrases"], "AnalysedInEnglish"),
        ("MESSAGE_ANALYSED", ["Analysis", "Toxicity", "Toxicity"], 1.5, "$.Analysis.Toxicity"),
        ("MESSAGE_ANALYSED", ["Analysis", "Toxicity", "Labels", 0, "Name"], "RUDE", "$.Analysis.Toxicity"),
        ("MESSAGE_ANALYSIS_FAILED", ["Cause"], ..., "'Cause' is a required property"),
        ("MESSAGE_DUPLICATE", ["Twitter"], ..., "'Twitter' is a required property"),
        ("MESSAGE_DUPLICATE", ["Twitter", "TweetId"], "", "$.Twitter.TweetId"),
        ("SEND_TWEET", ["Text"], "", "$.Text"),
        ("SEND_TWEET", ["ReplyToUserId"], "alice", "$.ReplyToUserId"),
        ("TWEET_SENT", ["Result", "TweetId"], ..., "'TweetId' is a required property"),
        ("TWEET_SENT", ["Result"], {"Posted": False}, "'Outbox' is a required property"),
        ("TWEET_FAILED", ["Error"], ..., "'Error' is a required property"),
    ],
)
def test_broken_details_are_refused_naming_the_problem(
    detail_type: str, path: list[Any], value: Any, named: str
) -> None:
    with pytest.raises(EventValidationError) as raised:
        validate_event(detail_type, broken(detail_type, path, value))
    assert raised.value.detail_type == detail_type
    assert any(named in problem for problem in raised.value.problems), raised.value.problems
    assert str(raised.value).startswith(f"{detail_type} detail is invalid: ")


def test_an_outbox_result_is_a_valid_tweet_sent() -> None:
    result = {"Posted": False, "Outbox": "/x/.sma/outbox/outbox.jsonl", "ReplyToTweetId": "1", "Image": None}
    validate_event("TWEET_SENT", broken("TWEET_SENT", ["Result"], result))


def test_all_problems_are_reported_at_once() -> None:
    with pytest.raises(EventValidationError) as raised:
        validate_event("SEND_TWEET", {"Text": ""})
    assert len(raised.value.problems) == 3


@pytest.mark.parametrize("detail", [[], "text", None, 42])
def test_a_detail_that_is_not_an_object_is_refused(detail: Any) -> None:
    with pytest.raises(EventValidationError):
        validate_event("MESSAGE_RECEIVED", detail)


@pytest.mark.parametrize(
    "detail_type", ["TWITTER_TWEETED", "TWITTER_FAVOURITED", "TWITTER_DM_RECEIVED", "TWITTER_UNKNOWN"]
)
def test_raw_twitter_events_share_a_permissive_schema(detail_type: str) -> None:
    validate_event(detail_type, {"id_str": "1", "text": "anything X sends"})
    assert schema_for(detail_type)["title"] == "TWITTER_<TYPE>"
    with pytest.raises(EventValidationError):
        validate_event(detail_type, {})


@pytest.mark.parametrize(
    "detail_type", ["MESSAGE_RECIEVED", "TWITTER_", "twitter_tweeted", "", "TWITTER_tweeted"]
)
def test_unknown_detail_types_are_named_in_the_error(detail_type: str) -> None:
    with pytest.raises(UnknownDetailType, match="no schema for detail-type"):
        validate_event(detail_type, {})
    with pytest.raises(UnknownDetailType):
        schema_for(detail_type)
