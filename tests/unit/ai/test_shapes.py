"""The botocore shape validator finds what is wrong with a response, so the AI tests can trust it."""

from __future__ import annotations

from integrations.ai.shapes import declared_errors, input_problems, output_problems


def test_a_valid_sentiment_response_has_no_problems():
    response = {
        "Sentiment": "MIXED",
        "SentimentScore": {"Positive": 0.2, "Negative": 0.2, "Neutral": 0.1, "Mixed": 0.5},
    }
    assert output_problems("comprehend", "DetectSentiment", response) == []


def test_enum_type_unknown_member_and_missing_required_member_are_reported():
    bad = {"Sentiment": "HAPPY", "SentimentScore": {"Positive": "high"}, "Extra": 1}
    found = output_problems("comprehend", "DetectSentiment", bad)
    assert any("HAPPY" in problem for problem in found)
    assert any("Positive: expected a number" in problem for problem in found)
    assert any("unknown member Extra" in problem for problem in found)
    lex = output_problems("lexv2-runtime", "RecognizeText", {"messages": [{"content": "hi"}]})
    assert any("missing required member contentType" in problem for problem in lex)


def test_lists_maps_blobs_and_lengths_are_checked():
    assert output_problems("rekognition", "DetectLabels", {"Labels": {"Name": "Cat"}})
    assert output_problems(
        "lexv2-runtime", "RecognizeText", {"sessionState": {"sessionAttributes": {"a": 1}}}
    )
    assert input_problems("rekognition", "DetectLabels", {"Image": {"Bytes": b"\xff\xd8"}}) == []
    assert input_problems("rekognition", "CreateCollection", {"CollectionId": ""}) != []
    assert output_problems("rekognition", "DetectFaces", {"FaceDetails": [{"Confidence": 101.0}]}) != []
    assert output_problems("rekognition", "DetectFaces", {"FaceDetails": [{"Smile": {"Value": "yes"}}]}) != []


def test_declared_errors_come_from_the_model():
    assert "TextSizeLimitExceededException" in declared_errors("comprehend", "DetectSentiment")
    assert "BatchSizeLimitExceededException" not in declared_errors("comprehend", "DetectSentiment")
    assert "InvalidImageFormatException" in declared_errors("rekognition", "DetectText")
    assert "ValidationException" in declared_errors("lexv2-runtime", "RecognizeText")
