"""What the product workflows send to each service, in the mock-config cases of workflows/NAME.tests.json.

`NAME.tests.json` can check a case's output, path and error, but the analysis, the reply and the events a
workflow publishes are arguments of its Tasks (the execution's output is only PutEvents' answer). These
tests run the same cases and read each Task's arguments from the execution history (`TaskScheduled`
parameters, as GetExecutionHistory shows them).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from workflows.engine import Execution, ManualClock
from workflows.harness import Suite, load_suite
from workflows.schemas import validate_event

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / "workflows"
JOKES = json.loads((ROOT / "infra/content/jokes.json").read_text(encoding="utf-8"))
FACTS = json.loads((ROOT / "infra/content/facts.json").read_text(encoding="utf-8"))
GREETINGS = json.loads((ROOT / "infra/content/greetings.json").read_text(encoding="utf-8"))
HANDED_OVER = json.loads((ROOT / "infra/content/handed-over.json").read_text(encoding="utf-8"))
OTHER_LANGUAGES = json.loads((ROOT / "infra/content/other-languages.json").read_text(encoding="utf-8"))
CONTENT_BUCKET = "sma-content-123456789012"
MEDIA_BUCKET = "sma-media-123456789012"
SUITES = ("ingest", "analyse", "respond-text", "respond-image", "egress")


@cache
def suite(name: str) -> Suite:
    return load_suite(name, WORKFLOWS)


def run(name: str, case: str, **options: Any) -> Execution:
    clock = options.pop("clock", None) or ManualClock()
    result = suite(name).run(case, clock=clock, **options)
    assert result.passed, "\n".join(result.failures)
    return result.execution


def case_input(name: str, case: str) -> Any:
    return suite(name).cases[case].input


def calls(execution: Execution, state: str) -> list[Any]:
    """The arguments of every attempt of Task `state`, in order (retries included)."""
    by_id = {event["id"]: event for event in execution.history}
    found = []
    for event in execution.history:
        if event["type"] != "TaskScheduled":
            continue
        entered = event
        while not entered["type"].endswith("StateEntered"):
            entered = by_id[entered["previousEventId"]]
        if entered["stateEnteredEventDetails"]["name"] == state:
            found.append(json.loads(event["taskScheduledEventDetails"]["parameters"]))
    return found


def published(execution: Execution, state: str) -> list[dict[str, Any]]:
    """The entries the last attempt of PutEvents Task `state` sent."""
    attempts = calls(execution, state)
    assert attempts, f"{state} was never called"
    return attempts[-1]["Entries"]


def only_event(execution: Execution, state: str, detail_type: str, source: str = "BOT") -> dict[str, Any]:
    (entry,) = published(execution, state)
    assert entry["EventBusName"] == "Plumbing"
    assert entry["Source"] == source
    assert entry["DetailType"] == detail_type
    return entry["Detail"]


# --- ingest ------------------------------------------------------------------------------------------


def test_ingest_publishes_each_chunk_as_it_was_built() -> None:
    execution = run("ingest", "TwelveEntriesInChunksOfTen")
    chunks = [call["Entries"] for call in calls(execution, "PutEvents")]
    assert [len(chunk) for chunk in chunks] == [10, 2]
    assert chunks == execution.output["Chunks"]
    kinds = [entry["DetailType"] for chunk in chunks for entry in chunk]
    assert kinds.count("MESSAGE_RECEIVED") == 4
    assert kinds[:3] == ["TWITTER_TWEETED", "MESSAGE_RECEIVED", "TWITTER_FAVOURITED"]


def test_ingest_resends_the_whole_chunk_after_a_failed_entry() -> None:
    execution = run("ingest", "FailedEntryRetried")
    first, second = calls(execution, "PutEvents")
    assert first == second
    assert [entry["DetailType"] for entry in first["Entries"]] == ["TWITTER_TWEETED", "MESSAGE_RECEIVED"]


def test_ingest_gives_up_after_four_retries() -> None:
    assert len(calls(run("ingest", "FailedEntryEveryTime"), "PutEvents")) == 5


# --- analyse -----------------------------------------------------------------------------------------

POSITIVE_SCORE = {"Positive": 0.9127, "Negative": 0.0046, "Neutral": 0.0803, "Mixed": 0.0024}


def test_analyse_text_only_publishes_the_full_analysis() -> None:
    execution = run("analyse", "TextOnly")
    message = case_input("analyse", "TextOnly")["detail"]
    assert calls(execution, "DetectLanguage") == [{"Text": message["Text"]}]
    assert calls(execution, "DetectSentiment") == [{"Text": message["Text"], "LanguageCode": "en"}]
    assert calls(execution, "DetectToxicContent") == []  # positive: no abuse check
    assert only_event(execution, "PublishAnalysed", "MESSAGE_ANALYSED") == {
        "Text": message["Text"],
        "Author": "alice_codes",
        "Twitter": {"TweetId": "1991000000000000101", "UserId": "1570000000000000042"},
        "Analysis": {
            "TextSentiment": "POSITIVE",
            "TextSentimentScore": POSITIVE_SCORE,
            "Language": "en",
            "AnalysedInEnglish": [],
            "Images": [],
        },
    }


def test_analyse_uses_the_language_x_declared_and_judges_the_authors_own_text() -> None:
    execution = run("analyse", "DeclaredEnglishSkipsDetection")
    message = case_input("analyse", "DeclaredEnglishSkipsDetection")["detail"]
    assert calls(execution, "DetectLanguage") == []
    assert calls(execution, "DetectSentiment") == [{"Text": message["DisplayText"], "LanguageCode": "en"}]
    event = only_event(execution, "PublishAnalysed", "MESSAGE_ANALYSED")
    assert event["Text"] == message["Text"]  # the full text travels on
    assert event["Analysis"]["Language"] == "en"


@pytest.mark.parametrize(
    ("case", "sent", "language", "in_english"),
    [
        ("ArabicKeepsItsLanguage", ["ar"], "ar", []),
        ("RussianAnalysedInEnglishSaysSo", ["en"], "ru", ["TextSentiment"]),
        # X's lang keeps ISO 639's withdrawn iw for Hebrew (xdevplatform/docs#307): reported as he.
        ("HebrewLegacyCodeIsHe", ["en"], "he", ["TextSentiment"]),
        ("RefusedLanguageFallsBackToEnglish", ["ja", "en"], "ja", ["TextSentiment"]),
        ("UnsupportedLanguageFallsBackToEnglish", ["en"], "cy", ["TextSentiment"]),
        ("NoLanguageFound", ["en"], "und", ["TextSentiment"]),
    ],
)
def test_analyse_the_detected_language_survives_an_english_fallback(
    case: str, sent: list[str], language: str, in_english: list[str]
) -> None:
    execution = run("analyse", case)
    assert [call["LanguageCode"] for call in calls(execution, "DetectSentiment")] == sent
    analysis = only_event(execution, "PublishAnalysed", "MESSAGE_ANALYSED")["Analysis"]
    assert (analysis["Language"], analysis["AnalysedInEnglish"]) == (language, in_english)
    # DetectToxicContent reads English only: never asked about a text in another language.
    assert calls(execution, "DetectToxicContent") == []
    assert "Toxicity" not in analysis


def test_analyse_an_abusive_message_carries_the_labels_named() -> None:
    execution = run("analyse", "AbusiveMessageIsFlagged")
    message = case_input("analyse", "AbusiveMessageIsFlagged")["detail"]
    assert calls(execution, "DetectToxicContent") == [
        {"TextSegments": [{"Text": message["DisplayText"]}], "LanguageCode": "en"}
    ]
    toxicity = only_event(execution, "PublishAnalysed", "MESSAGE_ANALYSED")["Analysis"]["Toxicity"]
    assert toxicity["Toxicity"] == 0.9312
    assert len(toxicity["Labels"]) == 7
    assert toxicity["AbusiveLabels"] == "INSULT, PROFANITY"  # 0.91 and 0.62; HARASSMENT (0.44) is under 0.5


def test_analyse_a_long_text_is_checked_for_abuse_in_1_kb_segments() -> None:
    execution = run("analyse", "LongAbusiveTextCheckedInSegments")
    text = case_input("analyse", "LongAbusiveTextCheckedInSegments")["detail"]["DisplayText"]
    ((call),) = calls(execution, "DetectToxicContent")
    segments = [segment["Text"] for segment in call["TextSegments"]]
    assert [len(segment) for segment in segments] == [250, 250, 100]
    assert "".join(segments) == text
    toxicity = only_event(execution, "PublishAnalysed", "MESSAGE_ANALYSED")["Analysis"]["Toxicity"]
    # The most toxic segment (the second) speaks for the message; no label reaches 0.5: its top one is named.
    assert toxicity["Toxicity"] == 0.5814
    assert toxicity["AbusiveLabels"] == "HARASSMENT_OR_ABUSE"


def test_analyse_a_failed_abuse_check_does_not_stop_the_analysis() -> None:
    execution = run("analyse", "AbuseCheckFailureKeepsTheAnalysis")
    analysis = only_event(execution, "PublishAnalysed", "MESSAGE_ANALYSED")["Analysis"]
    assert analysis["TextSentiment"] == "NEGATIVE"
    assert analysis["Toxicity"] == {"Error": "Comprehend.AccessDeniedException"}


def test_analyse_photos_are_downloaded_then_read_only_where_the_labels_say_so() -> None:
    execution = run("analyse", "PhotosPersonAndTextThenCat")
    message = case_input("analyse", "PhotosPersonAndTextThenCat")["detail"]
    assert calls(execution, "DownloadImages") == [
        {
            "FunctionName": "arn:aws:lambda:eu-west-2:123456789012:function:DownloadImages",
            "Payload": {
                "ImageUrls": message["ImageUrls"],
                "Bucket": MEDIA_BUCKET,
                "KeyPrefix": "media/1991000000000000202/",
            },
        }
    ]
    keys = ["media/1991000000000000202/0.jpg", "media/1991000000000000202/1.jpg"]
    assert calls(execution, "DetectLabels") == [
        {"Image": {"S3Object": {"Bucket": MEDIA_BUCKET, "Name": key}}, "MaxLabels": 25, "MinConfidence": 60}
        for key in keys
    ]
    first_only = [{"Image": {"S3Object": {"Bucket": MEDIA_BUCKET, "Name": keys[0]}}}]
    assert calls(execution, "RecognizeCelebrities") == first_only

    images = only_event(execution, "PublishAnalysed", "MESSAGE_ANALYSED")["Analysis"]["Images"]
    assert [image["Key"] for image in images] == keys
    person, cat = (image["Analysis"] for image in images)
    assert [label["Name"] for label in person["Labels"]] == ["Person", "Text", "Astronaut"]
    assert "TextDetections" not in person  # not asked for: nothing downstream reads it
    assert [face["Name"] for face in person["CelebrityFaces"]] == ["Eileen Collins"]
    assert len(person["UnrecognizedFaces"]) == 1
    assert [label["Name"] for label in cat["Labels"]] == ["Cat", "Animal"]
    assert cat["CelebrityFaces"] == cat["UnrecognizedFaces"] == []


def test_analyse_a_photo_without_labels_has_an_empty_analysis() -> None:
    execution = run("analyse", "PhotoWithNoLabels")
    (image,) = only_event(execution, "PublishAnalysed", "MESSAGE_ANALYSED")["Analysis"]["Images"]
    assert image == {
        "Key": "media/1991000000000000202/0.jpg",
        "Analysis": {"Labels": [], "CelebrityFaces": [], "UnrecognizedFaces": []},
    }


def test_analyse_a_long_text_is_cut_for_sentiment_and_segmented_for_abuse() -> None:
    execution = run("analyse", "LongTextCutForSentiment")
    text = case_input("analyse", "LongTextCutForSentiment")["detail"]["Text"]
    assert len(text) > 1250
    assert calls(execution, "DetectSentiment") == [{"Text": text[:1250], "LanguageCode": "en"}]
    ((toxic),) = calls(execution, "DetectToxicContent")
    segments = [segment["Text"] for segment in toxic["TextSegments"]]
    # DetectToxicContent: at most 10 segments of at most 1 KB each (API reference, TextSegments).
    assert len(segments) <= 10 and all(len(s.encode()) <= 1024 for s in segments)
    assert "".join(segments) == text[:2500]
    assert only_event(execution, "PublishAnalysed", "MESSAGE_ANALYSED")["Text"] == text


def test_analyse_a_broken_image_gets_an_empty_analysis() -> None:
    execution = run("analyse", "BrokenImageGetsEmptyAnalysis")
    readable, broken = only_event(execution, "PublishAnalysed", "MESSAGE_ANALYSED")["Analysis"]["Images"]
    assert [face["Name"] for face in readable["Analysis"]["CelebrityFaces"]] == ["Eileen Collins"]
    assert broken == {
        "Key": "media/1991000000000000202/1.jpg",
        "Error": "Rekognition.InvalidImageFormatException",
        "Analysis": {"Labels": [], "CelebrityFaces": [], "UnrecognizedFaces": []},
    }


@pytest.mark.parametrize(("case", "attempts"), [("DownloadFailsEntirely", 4), ("DownloadRejectsItsInput", 1)])
def test_analyse_without_downloads_the_text_is_still_published(case: str, attempts: int) -> None:
    execution = run("analyse", case)
    assert len(calls(execution, "DownloadImages")) == attempts
    analysis = only_event(execution, "PublishAnalysed", "MESSAGE_ANALYSED")["Analysis"]
    assert analysis["Images"] == []
    assert analysis["TextSentiment"] == "NEUTRAL"


def test_analyse_throttling_is_retried_with_back_off() -> None:
    clock = ManualClock()
    execution = run("analyse", "ComprehendThrottledTwiceThenSucceeds", clock=clock, seed=7)
    assert len(calls(execution, "DetectLanguage")) == 3
    assert len(clock.slept) == 2
    assert all(0 <= delay <= cap for delay, cap in zip(clock.slept, (1, 2), strict=True))  # FULL jitter


@pytest.mark.parametrize(
    ("case", "state", "attempts", "error"),
    [
        ("ComprehendDownForGood", "DetectLanguage", 6, "Comprehend.InternalServerException"),
        ("TextTooLargeFailsAtOnce", "DetectLanguage", 1, "Comprehend.TextSizeLimitExceededException"),
        (
            "RekognitionAccessDeniedFailsTheAnalysis",
            "RecognizeCelebrities",
            1,
            "Rekognition.AccessDeniedException",
        ),
    ],
)
def test_analyse_a_permanent_failure_is_published(case: str, state: str, attempts: int, error: str) -> None:
    execution = run("analyse", case)
    assert len(calls(execution, state)) == attempts
    assert calls(execution, "PublishAnalysed") == []
    detail = only_event(execution, "PublishAnalysisFailed", "MESSAGE_ANALYSIS_FAILED")
    assert detail == {
        "Twitter": case_input("analyse", case)["detail"]["Twitter"],
        "Error": error,
        "Cause": execution.cause,
    }
    assert execution.error == error


# --- respond-text ------------------------------------------------------------------------------------

LEX = {"BotId": "0A10604488", "BotAliasId": "07ACB568A9", "LocaleId": "en_GB"}


@pytest.mark.parametrize(
    ("case", "session", "text"),
    [
        ("JokeIntent", "1570000000000000042", "tell me a joke about serverless, please!"),
        ("FactIntent", "1590000000000000013", "teach me something new"),
        ("FallbackUsesTheBotsMessage", "1580000000000000077", "what's the weather like in Leeds tomorrow?"),
        # Words in no language X or Comprehend could name may still be English: Lex is asked.
        ("VeryShortTextAsksLex", "1570000000000000042", "hi"),
        ("UndeterminedLanguageAsksLex", "1570000000000000042", "joke pls"),
        ("HashtagsOnlyAskLex", "1570000000000000042", "#joke"),
    ],
)
def test_respond_text_lex_sees_the_text_without_mentions_and_links(
    case: str, session: str, text: str
) -> None:
    execution = run("respond-text", case)
    assert calls(execution, "AskBot") == [{**LEX, "SessionId": session, "Text": text}]


def lex_text_limit() -> int:
    """RecognizeText's `text` maximum length, from botocore's Lex V2 runtime service model."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("lexv2-runtime")
    return model.operation_model("RecognizeText").input_shape.members["text"].metadata["max"]


def test_respond_text_a_long_text_is_cut_to_what_lex_takes_and_still_answered() -> None:
    limit = lex_text_limit()
    assert limit == 1024
    execution = run("respond-text", "LongTextCutForLex")
    text = case_input("respond-text", "LongTextCutForLex")["detail"]["Text"]
    stripped = re.sub(r"@\w+", "", re.sub(r"https?://\S+", "", text))
    cleaned = re.sub(r"[ \t\n\r]+", " ", stripped).strip()  # JSONata's $trim also collapses whitespace
    assert len(cleaned) > limit
    [asked] = calls(execution, "AskBot")
    # Characters, as Lex counts them (an emoji is one, not two UTF-16 units).
    assert asked["Text"] == cleaned[:limit]
    assert len(asked["Text"]) == limit
    assert "\U0001f600" in asked["Text"]
    assert send_tweet(execution)["Text"].removeprefix("@alice_codes ") in JOKES


def send_tweet(execution: Execution) -> dict[str, Any]:
    return only_event(execution, "SendTweet", "SEND_TWEET")


def test_respond_text_a_joke_from_the_content_bucket() -> None:
    execution = run("respond-text", "JokeIntent")
    assert calls(execution, "LoadReplies") == [{"Bucket": CONTENT_BUCKET, "Key": "jokes.json"}]
    command = send_tweet(execution)
    assert command["Text"].removeprefix("@alice_codes ") in JOKES
    assert command["ReplyToTweetId"] == "1991000000000000101"
    assert command["ReplyToUserId"] == "1570000000000000042"
    assert set(command) == {"Text", "ReplyToTweetId", "ReplyToUserId"}


def test_respond_text_a_fact_from_the_content_bucket() -> None:
    execution = run("respond-text", "FactIntent")
    assert calls(execution, "LoadReplies") == [{"Bucket": CONTENT_BUCKET, "Key": "facts.json"}]
    assert send_tweet(execution)["Text"].removeprefix("@carol_ops ") in FACTS


@pytest.mark.parametrize(
    ("case", "text"),
    [
        (
            "FallbackUsesTheBotsMessage",
            "@bob_photos Sorry, I didn't get that. Try asking me for a joke or a fact.",
        ),
        ("VeryShortTextAsksLex", "@alice_codes Hello! Ask me for a joke or a fact."),
        ("SingleJokeInTheFile", f"@alice_codes {JOKES[0]}"),
    ],
)
def test_respond_text_reply(case: str, text: str) -> None:
    assert send_tweet(run("respond-text", case))["Text"] == text


# Lex is asked only where it can find something (X's lang: BCP 47 or "und", Twitter developer blog,
# "Introducing new metadata for Tweets", 2013; X's own codes zxx, qam, qme, qct, qht and qst: X developer
# community, "Unknown language code qht returned by API", quoted in FxEmbed/FxEmbed#2151).
@pytest.mark.parametrize(
    ("case", "replies", "content"),
    [
        ("BareMentionGetsAGreeting", "greetings.json", GREETINGS),
        ("OnlyMentionsAndALinkGetAGreeting", "greetings.json", GREETINGS),
        ("EmojiOnlyGetsAGreeting", "greetings.json", GREETINGS),
        ("CashtagsOnlyGetAGreeting", "greetings.json", GREETINGS),
        ("PostInAnotherLanguage", "other-languages.json", OTHER_LANGUAGES),
        ("TraditionalChineseIsAnotherLanguage", "other-languages.json", OTHER_LANGUAGES),
        # A NEGATIVE post has raised an alert: a person answers it (Lex's guide suggests this hand-over
        # for a negative sentiment: Amazon Lex, "Sentiment analysis").
        ("NegativePostIsHandedOver", "handed-over.json", HANDED_OVER),
    ],
)
def test_respond_text_without_a_lex_request(case: str, replies: str, content: list[str]) -> None:
    execution = run("respond-text", case)
    assert calls(execution, "AskBot") == []
    assert calls(execution, "LoadReplies") == [{"Bucket": CONTENT_BUCKET, "Key": replies}]
    author = case_input("respond-text", case)["detail"]["Author"]
    assert send_tweet(execution)["Text"].removeprefix(f"@{author} ") in content


def test_respond_text_mocked_content_is_the_content_bucket_files() -> None:
    # The mock config serves the very files the content bucket is seeded with, so a reply the tests accept
    # is one the bot can really send.
    mocked = json.loads((WORKFLOWS / "respond-text.mock.json").read_text(encoding="utf-8"))["MockedResponses"]
    for response, content in (
        ("RespondTextGreetingsFile", GREETINGS),
        ("RespondTextOtherLanguagesFile", OTHER_LANGUAGES),
        ("RespondTextHandedOverFile", HANDED_OVER),
    ):
        assert json.loads(mocked[response]["0"]["Return"]["Body"]) == content


def test_respond_text_every_item_can_be_picked() -> None:
    replies = {send_tweet(run("respond-text", "TwoFactsInTheFile", seed=seed))["Text"] for seed in range(40)}
    assert replies == {f"@carol_ops {fact}" for fact in FACTS[:2]}


# --- respond-image -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "text"),
    [
        ("OneNameRecognised", "@bob_photos I can see Eileen Collins in your photo."),
        (
            "SeveralNamesAcrossPhotos",
            "@bob_photos I can see Eileen Collins, Neil Armstrong and Sally Ride in your photo.",
        ),
        ("TwoNamesRecognised", "@bob_photos I can see Eileen Collins and Neil Armstrong in your photo."),
        ("NobodyRecognised", "@bob_photos I could not recognise anyone in your photo."),
        ("NoFacesAtAll", "@alice_codes I could not recognise anyone in your photo."),
    ],
)
def test_respond_image_reply_names_who_was_recognised(case: str, text: str) -> None:
    execution = run("respond-image", case)
    assert send_tweet(execution) == {
        "Text": text,
        "ReplyToTweetId": "1991000000000000202",
        "ReplyToUserId": "1580000000000000077",
        "ImageKey": execution_overlay_key(execution),
    }


def execution_overlay_key(execution: Execution) -> str:
    (event,) = [
        e
        for e in execution.history
        if e["type"] == "TaskSucceeded" and e["taskSucceededEventDetails"]["resource"] == "invoke"
    ]
    return json.loads(event["taskSucceededEventDetails"]["output"])["Payload"]["Key"]


def test_respond_image_the_first_photo_is_annotated() -> None:
    execution = run("respond-image", "SeveralNamesAcrossPhotos")
    first = case_input("respond-image", "SeveralNamesAcrossPhotos")["detail"]["Analysis"]["Images"][0]
    assert calls(execution, "AnnotatePhoto") == [
        {
            "FunctionName": "arn:aws:lambda:eu-west-2:123456789012:function:Overlay",
            "Payload": {
                "Bucket": MEDIA_BUCKET,
                "Key": first["Key"],
                "CelebrityFaces": first["Analysis"]["CelebrityFaces"],
                "UnrecognizedFaces": first["Analysis"]["UnrecognizedFaces"],
                "BlurUnrecognized": True,
            },
        }
    ]


def test_respond_image_annotates_the_first_photo_rekognition_could_read() -> None:
    execution = run("respond-image", "FirstPhotoUnreadable")
    images = case_input("respond-image", "FirstPhotoUnreadable")["detail"]["Analysis"]["Images"]
    assert "Error" in images[0] and "Error" not in images[1]
    [call] = calls(execution, "AnnotatePhoto")
    assert call["Payload"]["Key"] == images[1]["Key"]
    assert send_tweet(execution)["Text"] == "@bob_photos I can see Eileen Collins in your photo."


def test_respond_image_says_so_when_no_photo_could_be_read() -> None:
    execution = run("respond-image", "NoReadablePhoto")
    assert calls(execution, "AnnotatePhoto") == []
    assert send_tweet(execution) == {
        "Text": "@bob_photos Sorry, I could not read your photo.",
        "ReplyToTweetId": "1991000000000000202",
        "ReplyToUserId": "1580000000000000077",
    }


def test_respond_image_sends_nothing_when_the_overlay_fails() -> None:
    assert calls(run("respond-image", "OverlayCannotReadThePhoto"), "SendTweet") == []


# --- egress ------------------------------------------------------------------------------------------

THIRTY_DAYS = 30 * 24 * 3600


def test_egress_claims_then_posts_then_reports() -> None:
    execution = run("egress", "FirstPostWithPhoto")
    event = case_input("egress", "FirstPostWithPhoto")
    (claim,) = calls(execution, "ClaimReply")
    start = int(execution.start_date.timestamp())
    # A claim with a lease (Powertools' idempotency model): taken if absent, or if IN_PROGRESS and
    # either its own (this execution run again after a crash) or its lease (the claiming Express
    # execution's 5-minute life) has run out.
    assert claim == {
        "TableName": "EgressGuard",
        "Item": {
            "ReplyToTweetId": {"S": "1991000000000000202"},
            "EventId": {"S": event["id"]},
            "ClaimedBy": {"S": execution.name},
            "Status": {"S": "IN_PROGRESS"},
            "LeaseExpiresAt": {"N": str(start + 300)},
            "ExpiresAt": {"N": str(start + THIRTY_DAYS)},
        },
        "ConditionExpression": (
            "attribute_not_exists(ReplyToTweetId)"
            " OR (#Status = :InProgress AND (ClaimedBy = :Me OR LeaseExpiresAt < :Now))"
        ),
        "ExpressionAttributeNames": {"#Status": "Status"},
        "ExpressionAttributeValues": {
            ":InProgress": {"S": "IN_PROGRESS"},
            ":Me": {"S": execution.name},
            ":Now": {"N": str(start)},
        },
    }
    assert calls(execution, "MarkCompleted") == [
        {
            "TableName": "EgressGuard",
            "Item": {
                "ReplyToTweetId": {"S": "1991000000000000202"},
                "EventId": {"S": event["id"]},
                "Status": {"S": "COMPLETED"},
                "ExpiresAt": {"N": str(start + THIRTY_DAYS)},
            },
        }
    ]
    assert calls(execution, "PostReply") == [
        {
            "FunctionName": "arn:aws:lambda:eu-west-2:123456789012:function:PostTweet",
            "Payload": {"Command": event["detail"], "Bucket": MEDIA_BUCKET},
        }
    ]
    assert only_event(execution, "PublishTweetSent", "TWEET_SENT") == {
        "ReplyToTweetId": "1991000000000000202",
        "Text": event["detail"]["Text"],
        "Result": {
            "Posted": True,
            "TweetId": "1991000000000000505",
            "ReplyToTweetId": "1991000000000000202",
            "MediaIds": ["1991000000000000506"],
        },
    }


def test_egress_a_duplicate_posts_nothing() -> None:
    execution = run("egress", "DuplicateIsAlreadyHandled")
    assert calls(execution, "PostReply") == []
    assert calls(execution, "PublishTweetSent") == []


def test_egress_rate_limits_wait_before_the_next_attempt() -> None:
    clock = ManualClock()
    execution = run("egress", "RateLimitedTwiceThenPosted", clock=clock)
    assert len(calls(execution, "PostReply")) == 3
    assert clock.slept == [15, 30]


@pytest.mark.parametrize(
    ("case", "attempts", "error"),
    [
        ("RejectedReleasesTheClaim", 1, "XRejected"),
        ("RateLimitedForGood", 5, "XRateLimited"),
        ("XUnavailableForGood", 4, "XUnavailable"),
    ],
)
def test_egress_a_failed_post_releases_the_claim(case: str, attempts: int, error: str) -> None:
    execution = run("egress", case)
    event = case_input("egress", case)
    assert len(calls(execution, "PostReply")) == attempts
    assert calls(execution, "ReleaseClaim") == [
        {"TableName": "EgressGuard", "Key": {"ReplyToTweetId": {"S": event["detail"]["ReplyToTweetId"]}}}
    ]
    assert only_event(execution, "PublishTweetFailed", "TWEET_FAILED") == {
        "ReplyToTweetId": event["detail"]["ReplyToTweetId"],
        "Text": event["detail"]["Text"],
        "Error": error,
        "Cause": execution.cause,
    }
    assert calls(execution, "PublishTweetSent") == []


@pytest.mark.parametrize(
    ("case", "state"),
    [("ReleaseThrottledOnce", "ReleaseClaim"), ("TweetFailedRetriedAfterFailedEntry", "PublishTweetFailed")],
)
def test_egress_the_failure_path_retries_its_own_calls(case: str, state: str) -> None:
    execution = run("egress", case)
    first, second = calls(execution, state)
    assert first == second
    assert execution.error == "XRejected"


# --- every event published in every case keeps its contract --------------------------------------------

ALL_CASES = [(name, case) for name in SUITES for case in load_suite(name, WORKFLOWS).cases]


@pytest.mark.parametrize(("name", "case"), ALL_CASES, ids=[f"{name}#{case}" for name, case in ALL_CASES])
def test_inputs_and_published_events_match_their_schemas(name: str, case: str) -> None:
    event_input = case_input(name, case)
    if isinstance(event_input, dict) and "detail-type" in event_input:  # an EventBridge rule's target
        validate_event(event_input["detail-type"], event_input["detail"])
    result = suite(name).run(case, clock=ManualClock())
    for event in result.execution.history:
        if event["type"] != "TaskScheduled" or event["taskScheduledEventDetails"]["resource"] != "putEvents":
            continue
        for entry in json.loads(event["taskScheduledEventDetails"]["parameters"])["Entries"]:
            validate_event(entry["DetailType"], entry["Detail"])
