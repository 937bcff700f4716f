"""A local Amazon Comprehend: the real-time Detect* operations and their Batch* forms.

Request and response shapes are Comprehend's (PascalCase members, as on the wire and in Step Functions'
aws-sdk integration). Errors are `ServiceError`s with Comprehend's codes.

Languages: the sentiment, entity and key-phrase models here are English only, so any other
`LanguageCode` (including ones Comprehend itself supports, such as "es") raises
UnsupportedLanguageException, as Comprehend does for a language it does not support. DetectDominantLanguage
recognises 176 languages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from integrations.ai.text import entities, key_phrases, language, sentiment, toxicity
from integrations.ai.text.offsets import utf8_size
from integrations.errors import ServiceError

SERVICE = "comprehend"
SUPPORTED_LANGUAGES = frozenset({"en"})
BATCH_LIMIT = 25
# DetectToxicContent: "A list of up to 10 text strings. Each string has a maximum size of 1 KB, and the
# maximum size of the list is 10 KB." (Comprehend API Reference, DetectToxicContent, TextSegments)
TOXIC_SEGMENTS_LIMIT = 10
TOXIC_SEGMENT_BYTES = 1_024
TOXIC_LIST_BYTES = 10_240
# AWS's limits on one document, in bytes of UTF-8 (Comprehend quotas for real-time analysis).
SIZE_LIMITS = {
    "DetectSentiment": 5_000,
    "DetectEntities": 100_000,
    "DetectKeyPhrases": 100_000,
    "DetectDominantLanguage": 100_000,
}

Analysis = Callable[[str], dict[str, object]]


def _error(code: str, message: str, status: int = 400) -> ServiceError:
    return ServiceError(SERVICE, code, message, status)


class Comprehend:
    """The operations, each taking the request dict and returning the response dict."""

    def operations(self) -> dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]]:
        return {
            "DetectSentiment": self.detect_sentiment,
            "DetectEntities": self.detect_entities,
            "DetectKeyPhrases": self.detect_key_phrases,
            "DetectDominantLanguage": self.detect_dominant_language,
            "BatchDetectSentiment": self.batch_detect_sentiment,
            "BatchDetectEntities": self.batch_detect_entities,
            "BatchDetectKeyPhrases": self.batch_detect_key_phrases,
            "BatchDetectDominantLanguage": self.batch_detect_dominant_language,
            "DetectToxicContent": self.detect_toxic_content,
        }

    # -- single documents ------------------------------------------------------------------------
    def detect_sentiment(self, request: Mapping[str, Any]) -> dict[str, Any]:
        return self._single("DetectSentiment", request, _sentiment, needs_language=True)

    def detect_entities(self, request: Mapping[str, Any]) -> dict[str, Any]:
        if request.get("EndpointArn"):
            raise _error(
                "ResourceUnavailableException", "custom entity recognizers are not available locally"
            )
        return self._single("DetectEntities", request, _entities, needs_language=True)

    def detect_key_phrases(self, request: Mapping[str, Any]) -> dict[str, Any]:
        return self._single("DetectKeyPhrases", request, _key_phrases, needs_language=True)

    def detect_dominant_language(self, request: Mapping[str, Any]) -> dict[str, Any]:
        return self._single("DetectDominantLanguage", request, _languages, needs_language=False)

    def detect_toxic_content(self, request: Mapping[str, Any]) -> dict[str, Any]:
        segments = request.get("TextSegments")
        if not isinstance(segments, list) or not segments:
            raise _error("InvalidRequestException", "TextSegments is required and must hold at least 1 item")
        if len(segments) > TOXIC_SEGMENTS_LIMIT:
            raise _error(
                "InvalidRequestException",
                f"TextSegments has {len(segments)} items; the maximum is {TOXIC_SEGMENTS_LIMIT}",
            )
        texts = []
        for number, segment in enumerate(segments):
            text = segment.get("Text") if isinstance(segment, Mapping) else None
            if not isinstance(text, str) or not text:
                raise _error(
                    "InvalidRequestException", f"TextSegments[{number}].Text must be a non-empty string"
                )
            texts.append(text)
        _check_language(request.get("LanguageCode"))
        sizes = [utf8_size(text) for text in texts]
        if max(sizes) > TOXIC_SEGMENT_BYTES or sum(sizes) > TOXIC_LIST_BYTES:
            raise _error(
                "TextSizeLimitExceededException",
                f"Input text size exceeds limit. Each text segment may hold {TOXIC_SEGMENT_BYTES} bytes and "
                f"the list {TOXIC_LIST_BYTES} bytes; this request has segments of {max(sizes)} bytes at "
                f"most and {sum(sizes)} bytes in all",
            )
        return {"ResultList": toxicity.detect(texts)}

    # -- batches ---------------------------------------------------------------------------------
    def batch_detect_sentiment(self, request: Mapping[str, Any]) -> dict[str, Any]:
        return self._batch("DetectSentiment", request, _sentiment, needs_language=True)

    def batch_detect_entities(self, request: Mapping[str, Any]) -> dict[str, Any]:
        return self._batch("DetectEntities", request, _entities, needs_language=True)

    def batch_detect_key_phrases(self, request: Mapping[str, Any]) -> dict[str, Any]:
        return self._batch("DetectKeyPhrases", request, _key_phrases, needs_language=True)

    def batch_detect_dominant_language(self, request: Mapping[str, Any]) -> dict[str, Any]:
        return self._batch("DetectDominantLanguage", request, _languages, needs_language=False)

    # -- shared checks -----------------------------------------------------------------------------
    def _single(
        self, operation: str, request: Mapping[str, Any], analysis: Analysis, *, needs_language: bool
    ) -> dict[str, Any]:
        text = request.get("Text")
        if not isinstance(text, str) or not text:
            raise _error("InvalidRequestException", "Text is required and must be a non-empty string")
        if needs_language:
            _check_language(request.get("LanguageCode"))
        _check_size(operation, text)
        return analysis(text)

    def _batch(
        self, operation: str, request: Mapping[str, Any], analysis: Analysis, *, needs_language: bool
    ) -> dict[str, Any]:
        texts = request.get("TextList")
        if not isinstance(texts, list) or not texts:
            raise _error("InvalidRequestException", "TextList is required and must be a non-empty list")
        if len(texts) > BATCH_LIMIT:
            raise _error(
                "BatchSizeLimitExceededException",
                f"TextList has {len(texts)} documents; the maximum is {BATCH_LIMIT}",
            )
        if needs_language:
            _check_language(request.get("LanguageCode"))
        results: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        for index, text in enumerate(texts):
            if not isinstance(text, str) or not text:
                errors.append(
                    {
                        "Index": index,
                        "ErrorCode": "InvalidRequestException",
                        "ErrorMessage": "each document must be a non-empty string",
                    }
                )
                continue
            _check_size(operation, text)  # one oversized document fails the whole batch, as on AWS
            results.append({"Index": index, **analysis(text)})
        return {"ResultList": results, "ErrorList": errors}


def _check_language(code: object) -> None:
    if not isinstance(code, str) or not code:
        raise _error("InvalidRequestException", "LanguageCode is required")
    if code not in SUPPORTED_LANGUAGES:
        raise _error(
            "UnsupportedLanguageException",
            f"language {code!r} is not supported by the local models (supported: "
            f"{', '.join(sorted(SUPPORTED_LANGUAGES))})",
        )


def _check_size(operation: str, text: str) -> None:
    limit = SIZE_LIMITS[operation]
    size = utf8_size(text)
    if size > limit:
        raise _error(
            "TextSizeLimitExceededException",
            f"Input text size exceeds limit. Max length of request text allowed is {limit} bytes while in "
            f"this request the text size is {size} bytes",
        )


def _sentiment(text: str) -> dict[str, object]:
    return sentiment.analyse(text).as_comprehend()


def _entities(text: str) -> dict[str, object]:
    return {"Entities": entities.detect(text)}


def _key_phrases(text: str) -> dict[str, object]:
    return {"KeyPhrases": key_phrases.detect(text)}


def _languages(text: str) -> dict[str, object]:
    return {"Languages": language.detect(text)}
