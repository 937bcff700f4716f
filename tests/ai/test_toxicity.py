"""DetectToxicContent: Comprehend's request and response shapes, limits and errors, on the trained models.

Sources: Comprehend API Reference, "DetectToxicContent" (TextSegments: "A list of up to 10 text strings.
Each string has a maximum size of 1 KB, and the maximum size of the list is 10 KB"; LanguageCode: "Currently,
English is the only supported language"; errors InvalidRequestException, TextSizeLimitExceededException,
UnsupportedLanguageException) and "ToxicLabels" (Toxicity: "Value range is zero to one"); label names
from botocore's comprehend service model (ToxicContentType).
"""

from __future__ import annotations

import pytest

from integrations.ai.comprehend import Comprehend
from integrations.ai.handlers import engine_handlers
from integrations.ai.lex import LexRuntime
from integrations.ai.services import AiServices
from integrations.ai.shapes import declared_errors, operation_model, output_problems
from integrations.errors import ServiceError

COMPREHEND = Comprehend()
# Written for this test: plainly abusive messages a bot account receives, and ordinary ones.
ABUSIVE = [
    "you are a pathetic idiot and everyone hates you",
    "shut up you stupid moron, nobody asked",
    "what a disgusting loser, go away",
    "you're a worthless piece of trash",
    "this bot is f***ing garbage and so are you, dumbass",
    "get lost you ugly clown",
]
ORDINARY = [
    "thanks for the quick reply, have a lovely weekend",
    "what time does the shop open tomorrow?",
    "the new update works really well on my phone",
    "tell me a joke please",
    "I walked the dog by the river this morning",
    "congratulations on the launch, well done team",
]


def _toxicity(texts: list[str]) -> list[float]:
    request = {"TextSegments": [{"Text": text} for text in texts], "LanguageCode": "en"}
    response = COMPREHEND.detect_toxic_content(request)
    assert output_problems("comprehend", "DetectToxicContent", response) == []
    assert len(response["ResultList"]) == len(texts)
    return [result["Toxicity"] for result in response["ResultList"]]


def test_abusive_messages_score_as_toxic_and_ordinary_ones_do_not():
    abusive, ordinary = _toxicity(ABUSIVE), _toxicity(ORDINARY)
    assert sum(score > 0.5 for score in abusive) >= 5
    assert sum(score > 0.5 for score in ordinary) <= 1
    assert min(abusive) > sorted(ordinary)[len(ordinary) // 2]  # every insult above the median ordinary


def test_each_result_names_aws_labels_with_scores_between_zero_and_one():
    response = COMPREHEND.detect_toxic_content(
        {"TextSegments": [{"Text": ABUSIVE[0]}, {"Text": ORDINARY[0]}], "LanguageCode": "en"}
    )
    names = set(
        operation_model("comprehend", "DetectToxicContent")
        .output_shape.members["ResultList"]
        .member.members["Labels"]
        .member.members["Name"]
        .enum
    )
    for result in response["ResultList"]:
        labels = {label["Name"]: label["Score"] for label in result["Labels"]}
        assert {"HATE_SPEECH", "INSULT", "HARASSMENT_OR_ABUSE"} == set(labels) <= names
        assert all(0.0 <= score <= 1.0 for score in labels.values())
        assert result["Toxicity"] == pytest.approx(max(labels.values()))
    first, second = response["ResultList"]
    assert first["Toxicity"] > second["Toxicity"]  # results keep the order of the segments


def _fails(request: dict, code: str) -> str:
    with pytest.raises(ServiceError) as caught:
        COMPREHEND.detect_toxic_content(request)
    assert caught.value.code == code
    assert code in declared_errors("comprehend", "DetectToxicContent")
    return caught.value.message


def test_limits_and_errors_are_comprehends():
    segment = {"Text": "hello"}
    _fails({"TextSegments": [], "LanguageCode": "en"}, "InvalidRequestException")
    _fails({"LanguageCode": "en"}, "InvalidRequestException")
    _fails({"TextSegments": [segment] * 11, "LanguageCode": "en"}, "InvalidRequestException")
    _fails({"TextSegments": [{"Text": ""}], "LanguageCode": "en"}, "InvalidRequestException")
    _fails({"TextSegments": [segment]}, "InvalidRequestException")
    _fails({"TextSegments": [segment], "LanguageCode": "es"}, "UnsupportedLanguageException")
    # 1 KB per segment, counted in UTF-8 bytes: 513 'é' are 1,026 bytes.
    message = _fails(
        {"TextSegments": [{"Text": "é" * 513}], "LanguageCode": "en"}, "TextSizeLimitExceededException"
    )
    assert "1024" in message
    at_the_limits = {"TextSegments": [{"Text": "a" * 1024}] * 10, "LanguageCode": "en"}
    assert len(COMPREHEND.detect_toxic_content(at_the_limits)["ResultList"]) == 10


def test_the_engine_runs_it_as_the_aws_sdk_integration(tmp_path):
    services = AiServices.local(tmp_path)
    services.lex = LexRuntime(backend="tfidf")
    handlers = engine_handlers(services)
    handler = handlers["arn:aws:states:::aws-sdk:comprehend:detectToxicContent"]
    result = handler({"TextSegments": [{"Text": ABUSIVE[1]}], "LanguageCode": "en"}, None)
    assert result["ResultList"][0]["Toxicity"] > 0.5
    with pytest.raises(ServiceError) as caught:
        handler({"TextSegments": [{"Text": "x"}], "LanguageCode": "fr"}, None)
    assert caught.value.code == "UnsupportedLanguageException"
