"""boto3 clients, unchanged but for endpoint_url, against `sma ai serve`'s server on a loopback port."""

from __future__ import annotations

import json
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from integrations.ai.server import start_in_background
from integrations.ai.services import AiServices


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    server = start_in_background(AiServices.local(tmp_path_factory.mktemp("rekognition")))
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _client(service: str, endpoint: str):
    return boto3.client(
        service, endpoint_url=endpoint, region_name="eu-west-2", config=Config(retries={"max_attempts": 1})
    )


def test_comprehend_over_botocores_cbor_protocol(endpoint):
    comprehend = _client("comprehend", endpoint)
    result = comprehend.detect_sentiment(Text="I absolutely love this, brilliant!", LanguageCode="en")
    assert result["Sentiment"] == "POSITIVE"
    assert result["SentimentScore"]["Positive"] > 0.5
    entities = comprehend.detect_entities(Text="Barack Obama visited Paris.", LanguageCode="en")["Entities"]
    assert {(entity["Type"], entity["Text"]) for entity in entities} >= {("PERSON", "Barack Obama")}
    batch = comprehend.batch_detect_dominant_language(TextList=["Bonjour tout le monde", "Hello world"])
    assert [item["Languages"][0]["LanguageCode"] for item in batch["ResultList"]] == ["fr", "en"]


def test_detect_toxic_content_through_boto3(endpoint):
    # botocore serialises TextSegments and parses ResultList by Comprehend's own service model.
    comprehend = _client("comprehend", endpoint)
    result = comprehend.detect_toxic_content(
        TextSegments=[{"Text": "shut up you stupid moron"}, {"Text": "have a lovely day"}], LanguageCode="en"
    )
    toxic, kind = result["ResultList"]
    assert toxic["Toxicity"] > 0.5 > kind["Toxicity"]
    assert {label["Name"] for label in toxic["Labels"]} >= {"INSULT", "HATE_SPEECH"}
    with pytest.raises(comprehend.exceptions.TextSizeLimitExceededException):
        comprehend.detect_toxic_content(TextSegments=[{"Text": "x" * 1025}], LanguageCode="en")


def test_comprehend_errors_arrive_as_client_errors(endpoint):
    comprehend = _client("comprehend", endpoint)
    with pytest.raises(ClientError) as size:
        comprehend.detect_sentiment(Text="x" * 5001, LanguageCode="en")
    assert size.value.response["Error"]["Code"] == "TextSizeLimitExceededException"
    assert size.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(comprehend.exceptions.UnsupportedLanguageException):
        comprehend.detect_key_phrases(Text="hola amigos", LanguageCode="es")


def test_comprehend_over_json_1_1_as_older_clients_send_it(endpoint):
    request = urllib.request.Request(
        endpoint + "/",
        data=json.dumps({"Text": "Terrible, awful service.", "LanguageCode": "en"}).encode(),
        headers={
            "X-Amz-Target": "Comprehend_20171127.DetectSentiment",
            "Content-Type": "application/x-amz-json-1.1",
        },
    )
    with urllib.request.urlopen(request) as response:
        assert json.loads(response.read())["Sentiment"] == "NEGATIVE"


def test_rekognition_over_json_with_base64_bytes(endpoint, photo):
    rekognition = _client("rekognition", endpoint)
    labels = rekognition.detect_labels(Image={"Bytes": photo("chelsea")}, MinConfidence=70)
    assert "Cat" in {label["Name"] for label in labels["Labels"]}
    faces = rekognition.detect_faces(Image={"Bytes": photo("astronaut")})
    assert len(faces["FaceDetails"]) == 1
    rekognition.create_collection(CollectionId="sma-gallery")
    rekognition.index_faces(
        CollectionId="sma-gallery", Image={"Bytes": photo("astronaut")}, ExternalImageId="Eileen_Collins"
    )
    known = rekognition.recognize_celebrities(Image={"Bytes": photo("astronaut")})
    assert [face["Name"] for face in known["CelebrityFaces"]] == ["Eileen Collins"]
    with pytest.raises(rekognition.exceptions.InvalidImageFormatException):
        rekognition.detect_text(Image={"Bytes": b"GIF89a not a photo"})
    with pytest.raises(rekognition.exceptions.ResourceAlreadyExistsException):
        rekognition.create_collection(CollectionId="sma-gallery")


def test_lex_over_rest_json(endpoint):
    lex = _client("lexv2-runtime", endpoint)
    response = lex.recognize_text(
        botId="ABCDEFGHIJ",
        botAliasId="TSTALIASID",
        localeId="en_GB",
        sessionId="server-test",
        text="got any good jokes?",
        sessionState={"sessionAttributes": {"k": "v"}},
    )
    assert response["sessionState"]["intent"]["name"] == "Joke"
    assert response["sessionState"]["sessionAttributes"] == {"k": "v"}
    with pytest.raises(lex.exceptions.ResourceNotFoundException):
        lex.recognize_text(
            botId="ABCDEFGHIJ", botAliasId="TSTALIASID", localeId="fr_FR", sessionId="s1", text="hi"
        )


def test_s3_object_images_come_from_the_local_object_store(sma_home, photo):
    from integrations.objectstore import ObjectStore

    store = ObjectStore(sma_home / "s3")
    try:
        store.create_bucket("media")
        store.put("media", "photos/astronaut.jpg", photo("astronaut"), content_type="image/jpeg")
    finally:
        store.close()
    read_object = ObjectStore(sma_home / "s3").read  # a reader over the same folder, as the cloud wires it
    server = start_in_background(AiServices.local(sma_home / "rekognition", read_object))
    try:
        rekognition = _client("rekognition", f"http://127.0.0.1:{server.server_address[1]}")
        image = {"S3Object": {"Bucket": "media", "Name": "photos/astronaut.jpg"}}
        assert len(rekognition.detect_faces(Image=image)["FaceDetails"]) == 1
        with pytest.raises(rekognition.exceptions.InvalidS3ObjectException):
            rekognition.detect_faces(Image={"S3Object": {"Bucket": "media", "Name": "photos/missing.jpg"}})
    finally:
        server.shutdown()
        server.server_close()
