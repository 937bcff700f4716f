"""Bad Comprehend input fails with Comprehend's error codes before any model is asked."""

from __future__ import annotations

import pytest

from integrations.ai.comprehend import BATCH_LIMIT, SIZE_LIMITS, Comprehend
from integrations.ai.shapes import declared_errors
from integrations.errors import ServiceError


def _fails(operation: str, request: dict, code: str) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        Comprehend().operations()[operation](request)
    assert caught.value.code == code
    assert caught.value.service == "comprehend"
    assert code in declared_errors("comprehend", operation)
    return caught.value


@pytest.mark.parametrize(
    ("operation", "limit"),
    [
        ("DetectSentiment", 5_000),
        ("DetectEntities", 100_000),
        ("DetectKeyPhrases", 100_000),
        ("DetectDominantLanguage", 100_000),
    ],
)
def test_text_over_the_utf8_byte_limit_is_refused(operation, limit):
    assert SIZE_LIMITS[operation] == limit
    # 'é' is two bytes in UTF-8: the limit is in bytes, not characters.
    text = "é" * (limit // 2 + 1)
    error = _fails(operation, {"Text": text, "LanguageCode": "en"}, "TextSizeLimitExceededException")
    assert str(limit) in error.message


def test_unsupported_and_missing_languages():
    _fails("DetectSentiment", {"Text": "hola", "LanguageCode": "es"}, "UnsupportedLanguageException")
    _fails("DetectEntities", {"Text": "hi", "LanguageCode": "xx"}, "UnsupportedLanguageException")
    _fails("DetectKeyPhrases", {"Text": "hi"}, "InvalidRequestException")


def test_empty_or_missing_text():
    _fails("DetectSentiment", {"Text": "", "LanguageCode": "en"}, "InvalidRequestException")
    _fails("DetectDominantLanguage", {}, "InvalidRequestException")


def test_batches_hold_at_most_25_documents():
    texts = ["hello"] * (BATCH_LIMIT + 1)
    _fails(
        "BatchDetectSentiment", {"TextList": texts, "LanguageCode": "en"}, "BatchSizeLimitExceededException"
    )
    _fails("BatchDetectDominantLanguage", {"TextList": []}, "InvalidRequestException")
    oversized = ["x" * 5_001]
    _fails(
        "BatchDetectSentiment",
        {"TextList": oversized, "LanguageCode": "en"},
        "TextSizeLimitExceededException",
    )


def test_custom_endpoints_are_unavailable_locally():
    request = {"Text": "hi", "EndpointArn": "arn:aws:comprehend:eu-west-2:1:entity-recognizer-endpoint/x"}
    _fails("DetectEntities", request, "ResourceUnavailableException")
