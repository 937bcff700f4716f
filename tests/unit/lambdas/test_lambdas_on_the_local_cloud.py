"""The same handlers over the local cloud's boto3-compatible clients (stream, object store, secrets)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from integrations.objectstore.client import S3Client
from integrations.objectstore.store import ObjectStore
from integrations.secrets.client import SecretsManagerClient
from integrations.stream.client import KinesisClient
from integrations.stream.store import StreamStore
from lambdas.download_images.handler import create_handler as create_download
from lambdas.ingress.handler import create_handler as create_ingress
from lambdas.overlay.handler import create_handler as create_overlay
from lambdas.post_tweet.handler import create_handler as create_post
from lambdas.post_tweet.outbox import Outbox

BOT_ID = "1111111111111111111"


@pytest.fixture
def secrets(sma_home: Path, tmp_path: Path) -> SecretsManagerClient:
    return SecretsManagerClient(env_file=tmp_path / "no.env", store_file=tmp_path / "secrets.json")


def test_ingress_records_on_the_local_stream_with_the_local_secret(
    sma_home: Path, secrets: SecretsManagerClient
) -> None:
    secrets.create_secret(Name="sma/x", SecretString=json.dumps({"consumer_secret": "local-secret"}))
    kinesis = KinesisClient(StreamStore(sma_home / "stream.db"))
    kinesis.create_stream(StreamName="activity", ShardCount=1)
    handler = create_ingress(
        {"SMA_STREAM_NAME": "activity", "SMA_X_SECRET_ID": "sma/x"}, kinesis=kinesis, secretsmanager=secrets
    )
    body = json.dumps({"for_user_id": BOT_ID, "follow_events": [{"type": "follow"}]}).encode()
    signature = base64.b64encode(hmac.new(b"local-secret", body, hashlib.sha256).digest()).decode()
    event = {
        "httpMethod": "POST",
        "headers": {"X-Twitter-Webhooks-Signature": f"sha256={signature}"},
        "body": body.decode(),
    }
    assert handler(event, None)["statusCode"] == 200
    shard = kinesis.describe_stream(StreamName="activity")["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = kinesis.get_shard_iterator(
        StreamName="activity", ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )
    [record] = kinesis.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    assert record["Data"] == body and record["PartitionKey"] == BOT_ID


def test_download_overlay_and_outbox_run_on_the_local_object_store(
    sma_home: Path, secrets: SecretsManagerClient, media_server: object, make_image: Callable[..., bytes]
) -> None:
    s3 = S3Client(ObjectStore(sma_home / "s3"))
    s3.create_bucket(Bucket="media")
    url = media_server.serve(
        "/media/photo.jpg", make_image("JPEG", (200, 150)), headers={"Content-Type": "image/jpeg"}
    )
    download = create_download({"SMA_ALLOWED_LOCAL_ORIGINS": media_server.origin}, s3=s3)
    stored = download({"ImageUrls": [url], "Bucket": "media", "KeyPrefix": "media/42/"}, None)["Stored"]
    assert [item["Key"] for item in stored] == ["media/42/0.jpg"]

    overlay = create_overlay({}, s3=s3)
    faces = {"BoundingBox": {"Left": 0.1, "Top": 0.1, "Width": 0.3, "Height": 0.4}}
    annotated = overlay({"Bucket": "media", "Key": "media/42/0.jpg", "UnrecognizedFaces": [faces]}, None)
    assert s3.head_object(Bucket="media", Key=annotated["Key"])["ContentType"] == "image/jpeg"

    outbox = sma_home / "outbox"
    post = create_post({"SMA_X_SECRET_ID": "sma/x"}, s3=s3, secretsmanager=secrets, x=Outbox(outbox))
    command = {
        "Text": "@bob I see nobody I know.",
        "ReplyToTweetId": "42",
        "ReplyToUserId": "7",
        "ImageKey": annotated["Key"],
    }
    result = post({"Command": command, "Bucket": "media"}, None)
    assert result["Posted"] is False
    assert json.loads((outbox / "outbox.jsonl").read_text())["ImageKey"] == annotated["Key"]
