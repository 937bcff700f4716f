"""An ASL definition runs the local AI through the engine, with Catch on AWS's error names."""

from __future__ import annotations

import base64
import json

import pytest

from integrations.ai.handlers import engine_handlers
from integrations.ai.services import AiServices

engine = pytest.importorskip("workflows.engine")

DEFINITION = {
    "StartAt": "Analyse",
    "States": {
        "Analyse": {
            "Type": "Parallel",
            "Branches": [
                {
                    "StartAt": "Sentiment",
                    "States": {
                        "Sentiment": {
                            "Type": "Task",
                            "Resource": "arn:aws:states:::aws-sdk:comprehend:detectSentiment",
                            "Parameters": {"Text.$": "$.Text", "LanguageCode": "en"},
                            "ResultSelector": {"Sentiment.$": "$.Sentiment"},
                            "End": True,
                        }
                    },
                },
                {
                    "StartAt": "Bot",
                    "States": {
                        "Bot": {
                            "Type": "Task",
                            "Resource": "arn:aws:states:::aws-sdk:lexruntimev2:recognizeText",
                            "Parameters": {
                                "BotId": "ABCDEFGHIJ",
                                "BotAliasId": "TSTALIASID",
                                "LocaleId": "en_GB",
                                "SessionId": "engine-test",
                                "Text.$": "$.Text",
                            },
                            "ResultSelector": {"Intent.$": "$.SessionState.Intent.Name"},
                            "End": True,
                        }
                    },
                },
                {
                    "StartAt": "Labels",
                    "States": {
                        "Labels": {
                            "Type": "Task",
                            "Resource": "arn:aws:states:::aws-sdk:rekognition:detectLabels",
                            "Parameters": {"Image": {"Bytes.$": "$.Image"}, "MinConfidence": 70},
                            "ResultSelector": {"Names.$": "$.Labels[*].Name"},
                            "Catch": [
                                {
                                    "ErrorEquals": ["Rekognition.InvalidImageFormatException"],
                                    "ResultPath": "$.Error",
                                    "Next": "NotAnImage",
                                }
                            ],
                            "End": True,
                        },
                        "NotAnImage": {
                            "Type": "Pass",
                            "Parameters": {"Caught.$": "$.Error.Error"},
                            "End": True,
                        },
                    },
                },
            ],
            "End": True,
        }
    },
}


@pytest.fixture(scope="module")
def handlers(tmp_path_factory):
    services = AiServices.local(tmp_path_factory.mktemp("rekognition"))
    return engine_handlers(services)


def test_the_engine_runs_comprehend_lex_and_rekognition(handlers, photo):
    image = base64.b64encode(photo("chelsea")).decode()
    run = engine.execute(
        DEFINITION, {"Text": "Please tell me a joke, I love your jokes!", "Image": image}, handlers=handlers
    )
    assert run.status == "SUCCEEDED", run.cause
    sentiment, bot, labels = run.output
    assert sentiment == {"Sentiment": "POSITIVE"}
    assert bot == {"Intent": "Joke"}
    assert "Cat" in labels["Names"]


def test_aws_error_names_reach_catch(handlers):
    run = engine.execute(
        DEFINITION, {"Text": "hello", "Image": base64.b64encode(b"GIF89a").decode()}, handlers=handlers
    )
    assert run.status == "SUCCEEDED", run.cause
    assert run.output[2] == {"Caught": "Rekognition.InvalidImageFormatException"}
    failing = engine.execute(
        DEFINITION, {"Text": "é" * 3000, "Image": base64.b64encode(b"GIF89a").decode()}, handlers=handlers
    )
    assert failing.status == "FAILED"
    assert failing.error == "Comprehend.TextSizeLimitExceededException"
    assert "5000" in json.dumps(failing.cause)
