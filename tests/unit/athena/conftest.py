"""Realistic events of this product, as the Plumbing bus emits them, for the lake tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infra.local.lake import lake_tables
from infra.topology import TOPOLOGY
from integrations.athena import TableDefinition
from integrations.firehose import DeliveryStreams, FirehoseClient
from integrations.objectstore import ObjectStore


def envelope(
    detail_type: str, source: str, time: str, detail: dict[str, Any], event_id: str
) -> dict[str, Any]:
    return {
        "version": "0",
        "id": event_id,
        "detail-type": detail_type,
        "source": source,
        "account": "123456789012",
        "time": time,
        "region": "eu-west-2",
        "resources": [],
        "detail": detail,
    }


def tweet_id(event_id: str) -> str:
    """A numeric X id (as a string, as the schemas require) derived from a fixture's event id."""
    return str(1572570427880538000 + sum(ord(c) for c in event_id))


def user_id(author: str) -> str:
    return str(1498961531635122000 + sum(ord(c) for c in author))


def face(left: float) -> dict[str, Any]:
    return {
        "BoundingBox": {"Height": 0.11, "Left": left, "Top": 0.13, "Width": 0.08},
        "Confidence": 99.9,
        "Emotions": [{"Confidence": 59.6, "Type": "SAD"}, {"Confidence": 39.2, "Type": "CALM"}],
        "Landmarks": [{"Type": "eyeRight", "X": 0.25, "Y": 0.18}],
        "Pose": {"Pitch": -31.5, "Roll": 4.0, "Yaw": -14.8},
        "Quality": {"Brightness": 88.5, "Sharpness": 53.3},
        "Smile": {"Value": False, "Confidence": 90.1},
    }


def analysed(
    event_id: str, time: str, author: str, text: str, sentiment: str, images: list
) -> dict[str, Any]:
    return envelope(
        "MESSAGE_ANALYSED",
        "BOT",
        time,
        {
            "Text": text,
            "Author": author,
            "Twitter": {"TweetId": tweet_id(event_id), "UserId": user_id(author)},
            "Analysis": {
                "TextSentiment": sentiment,
                "TextSentimentScore": {"Positive": 0.9, "Negative": 0.01, "Neutral": 0.08, "Mixed": 0.01},
                "TextEntities": [
                    {"BeginOffset": 0, "EndOffset": 9, "Score": 0.74, "Text": "@makitdev", "Type": "PERSON"}
                ],
                "KeyPhrases": [],
                "Language": "en",
                "AnalysedInEnglish": [],
                "Images": images,
            },
        },
        event_id,
    )


def image(key: str, labels: list[str], celebrities: list[str], texts: list[str]) -> dict[str, Any]:
    return {
        "Key": key,
        "Analysis": {
            "Labels": [
                {"Name": name, "Confidence": 97.5, "Parents": [{"Name": "Animal"}], "Instances": []}
                for name in labels
            ],
            "CelebrityFaces": [
                {"Name": name, "Id": f"id-{name}", "Urls": [], "MatchConfidence": 99.0, "Face": face(0.2)}
                for name in celebrities
            ],
            "UnrecognizedFaces": [face(0.6)],
            "TextDetections": [
                {
                    "DetectedText": text,
                    "Type": "LINE",
                    "Id": 0,
                    "Confidence": 98.0,
                    "Geometry": {
                        "BoundingBox": {"Height": 0.05, "Left": 0.8, "Top": 0.53, "Width": 0.05},
                        "Polygon": [{"X": 0.8, "Y": 0.53}],
                    },
                }
                for text in texts
            ],
        },
    }


@pytest.fixture
def lake_events() -> list[dict[str, Any]]:
    """A small day of traffic: analysed photos and texts, a received mention, a raw X event, a failure."""
    return [
        analysed(
            "e1",
            "2026-11-20T10:00:00Z",
            "harry11",
            "@makitdev look who I met",
            "POSITIVE",
            [image("media/e1-0.jpg", ["Person", "Shoe"], ["Keanu Reeves"], ["VAN"])],
        ),
        analysed(
            "e2",
            "2026-11-20T11:00:00Z",
            "sally",
            "@makitdev two photos",
            "NEUTRAL",
            [
                image("media/e2-0.jpg", ["Person", "Fowl"], ["Keanu Reeves", "Ada Lovelace"], []),
                image("media/e2-1.jpg", ["Person"], [], []),
            ],
        ),
        analysed("e3", "2026-11-20T12:00:00Z", "bob", "@makitdev tell me a joke", "POSITIVE", []),
        analysed("e4", "2026-11-20T13:00:00Z", "eve", "@makitdev this is awful", "NEGATIVE", []),
        envelope(
            "MESSAGE_RECEIVED",
            "TWITTER",
            "2026-11-20T09:59:59Z",
            {
                "Text": "@makitdev look who I met",
                "ImageUrls": ["https://pbs.twimg.com/media/x.jpg"],
                "Author": "harry11",
                "Twitter": {"TweetId": tweet_id("e1"), "UserId": user_id("harry11")},
            },
            "r1",
        ),
        envelope(
            "TWITTER_TWEETED",
            "TWITTER",
            "2026-11-20T09:59:59Z",
            {
                "created_at": "Fri Nov 20 09:59:58 +0000 2026",
                "id": 1572570427880538999,
                "text": "@makitdev hi",
                "user": {"screen_name": "harry11", "followers_count": 3},
                "entities": {"hashtags": []},
            },
            "x1",
        ),
        envelope(
            "MESSAGE_ANALYSIS_FAILED",
            "BOT",
            "2026-11-20T14:00:00Z",
            {
                "Twitter": {"TweetId": tweet_id("e5"), "UserId": user_id("z")},
                "Error": "Rekognition.InvalidImageFormatException",
                "Cause": "not an image",
            },
            "f1",
        ),
    ]


# The fixtures' events arrive at the lake on their day (2026-11-20, 15:00 UTC).
ARRIVAL = 1_795_186_800.0


def deliver_to_lake(store: ObjectStore, bucket: str, events: list[dict[str, Any]], buffer: Path) -> None:
    """Put events through the local Firehose (its buffer at `buffer`), created with the topology's one
    lake destination, into `bucket` (created if needed), and deliver them now: the lake as the local
    cloud writes it."""
    stream = TOPOLOGY.delivery_stream
    store.create_bucket(bucket, exist_ok=True)
    firehose = FirehoseClient(DeliveryStreams(store, path=buffer, clock=lambda: ARRIVAL))
    firehose.create_delivery_stream(
        DeliveryStreamName=stream.name,
        ExtendedS3DestinationConfiguration=stream.destination(f"arn:aws:s3:::{bucket}"),
    )
    firehose.put_record_batch(
        DeliveryStreamName=stream.name, Records=[{"Data": json.dumps(event).encode()} for event in events]
    )
    firehose.streams.flush()
    firehose.streams.close()


@pytest.fixture
def lake_bucket() -> str:
    return "sma-lake-test"


@pytest.fixture
def lake(sma_home, lake_events, lake_bucket) -> ObjectStore:
    """An object store whose lake bucket holds the fixture events, delivered by the local Firehose."""
    store = ObjectStore(sma_home / "s3")
    deliver_to_lake(store, lake_bucket, lake_events, sma_home / "firehose" / "buffer.sqlite3")
    return store


@pytest.fixture
def table(lake_bucket) -> TableDefinition:
    """The topology's lake table over the test bucket (every delivery, as Firehose wrote it)."""
    return lake_tables(lake_bucket)[0]


@pytest.fixture
def tables(lake_bucket) -> list[TableDefinition]:
    """The lake table and the view queries read (`analysed-messages-table`: each event once)."""
    return lake_tables(lake_bucket)
