"""The AI services as ASL engine handlers: ARNs, casing, and errors (Lex with its TF-IDF backend)."""

from __future__ import annotations

import pytest

from integrations.ai.handlers import engine_handlers
from integrations.ai.lex import LexRuntime
from integrations.ai.services import AiServices
from integrations.errors import ServiceError


@pytest.fixture(scope="module")
def handlers(tmp_path_factory):
    services = AiServices.local(tmp_path_factory.mktemp("faces"))
    services.lex = LexRuntime(backend="tfidf")
    return engine_handlers(services)


def test_every_operation_has_a_step_functions_arn(handlers):
    for arn in (
        "arn:aws:states:::aws-sdk:comprehend:detectSentiment",
        "arn:aws:states:::aws-sdk:comprehend:batchDetectEntities",
        "arn:aws:states:::aws-sdk:comprehend:detectDominantLanguage",
        "arn:aws:states:::aws-sdk:rekognition:detectLabels",
        "arn:aws:states:::aws-sdk:rekognition:recognizeCelebrities",
        "arn:aws:states:::aws-sdk:rekognition:indexFaces",
        "arn:aws:states:::aws-sdk:lexruntimev2:recognizeText",
    ):
        assert arn in handlers


def test_lex_takes_and_returns_pascal_case_but_keeps_user_keys(handlers):
    result = handlers["arn:aws:states:::aws-sdk:lexruntimev2:recognizeText"](
        {
            "BotId": "ABCDEFGHIJ",
            "BotAliasId": "TSTALIASID",
            "LocaleId": "en_GB",
            "SessionId": "user-42",
            "Text": "tell me a joke",
            "SessionState": {"SessionAttributes": {"lastTopic": "cats"}},
        },
        None,
    )
    assert result["SessionState"]["Intent"]["Name"] == "Joke"
    assert result["SessionState"]["DialogAction"]["Type"] == "Close"
    assert result["SessionState"]["SessionAttributes"] == {"lastTopic": "cats"}
    assert result["Messages"][0]["ContentType"] == "PlainText"
    assert "NluConfidence" in result["Interpretations"][0]
    assert result["SessionId"] == "user-42"


def test_errors_are_service_errors_with_the_api_codes(handlers):
    with pytest.raises(ServiceError) as size:
        handlers["arn:aws:states:::aws-sdk:comprehend:detectSentiment"](
            {"Text": "x" * 5001, "LanguageCode": "en"}, None
        )
    assert (size.value.service, size.value.code) == ("comprehend", "TextSizeLimitExceededException")
    with pytest.raises(ServiceError) as lex:
        handlers["arn:aws:states:::aws-sdk:lexruntimev2:recognizeText"]({"BotId": "ABCDEFGHIJ"}, None)
    assert lex.value.code == "ValidationException"
    with pytest.raises(ServiceError) as shape:
        handlers["arn:aws:states:::aws-sdk:rekognition:detectText"]("not an object", None)
    assert shape.value.code == "InvalidParameterException"
