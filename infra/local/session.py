"""A local cloud with everything a session of `sma demo`, `sma send` or `sma up` needs around it: the
sample-media server, the webhook secret, the demo gallery of known faces, and (for a session that ends
soon) a record of what happened.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra.local.cloud import LocalCloud, LocalCloudSettings
from infra.local.layout import StateLayout
from infra.local.media_server import MediaServer
from infra.local.state_lock import StateLock
from infra.local.webhooks import consumer_secret
from infra.topology import ROOT
from integrations.ai.rekognition import external_id

GALLERY = ROOT / "examples" / "gallery"
SAMPLE_MEDIA = ROOT / "examples" / "media"


@dataclass
class Recorder:
    """Everything the bus carried, every execution that ended and every alert published, in order."""

    events: list[dict[str, Any]] = field(default_factory=list)
    executions: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def hear(self, kind: str, document: dict[str, Any]) -> None:
        with self._lock:
            if kind == "event":
                self.events.append(document)
            elif kind == "execution":
                self.executions.append(document)

    def alert(self, notification: Any) -> None:
        with self._lock:
            message = notification.get("Message") if isinstance(notification, dict) else notification
            self.alerts.append(str(message))

    def of_type(self, detail_type: str) -> list[dict[str, Any]]:
        return [event for event in self.events if event.get("detail-type") == detail_type]


def enrol_gallery(cloud: LocalCloud, gallery: Path = GALLERY) -> list[str]:
    """Index one face per photo in `gallery` (named after the person) into the celebrity gallery."""
    rekognition = cloud.ai.rekognition
    if not rekognition.store.exists(rekognition.gallery):
        rekognition.create_collection({"CollectionId": rekognition.gallery})
    already = {
        face.get("ExternalImageId")
        for face in rekognition.list_faces({"CollectionId": rekognition.gallery})["Faces"]
    }
    enrolled = []
    for photo in sorted(gallery.glob("*.jpg")) + sorted(gallery.glob("*.png")):
        name = photo.stem.replace("_", " ")
        if external_id(name) in already:  # enrolled by an earlier run on this state: not twice
            enrolled.append(name)
            continue
        result = rekognition.index_faces(
            {
                "CollectionId": rekognition.gallery,
                "Image": {"Bytes": photo.read_bytes()},
                "ExternalImageId": external_id(name),
                "MaxFaces": 1,
            }
        )
        if result["FaceRecords"]:
            enrolled.append(name)
    return enrolled


@dataclass
class Session:
    cloud: LocalCloud
    media: MediaServer
    recorder: Recorder
    secret: str
    enrolled: list[str]
    stopped_with: int = 0  # executions the stop left to the next start


@contextmanager
def local_session(
    layout: StateLayout,
    *,
    port: int = 0,
    gallery: Path | None = GALLERY,
    env_file: Path | None = None,
    record: bool = False,
) -> Iterator[Session]:
    """Start the local cloud in `layout` with the media server and, optionally, the demo gallery.

    `record` keeps every event, finished execution and alert in the session's `recorder`, in memory,
    for the reports of `sma demo` and `sma send`: only for sessions that end soon. Off by default, as
    `sma up` runs it: a cloud that serves for days would grow with every message."""
    lock = StateLock(layout.lock).acquire()  # before the media host: its port is this folder's too
    media: MediaServer | None = None
    try:
        media = MediaServer(layout.media_host).start()
        for photo in sorted(SAMPLE_MEDIA.iterdir()):
            if photo.suffix.lower() in {".jpg", ".jpeg", ".png"}:
                media.publish(photo)
        settings = LocalCloudSettings(
            layout=layout, port=port, allowed_local_origins=(media.origin,), env_file=env_file
        )
        cloud = LocalCloud(settings, lock=lock)
    except BaseException:
        if media is not None:
            media.stop()
        lock.release()
        raise
    cloud.warm_up()  # the models load while the gallery is enrolled and the cloud starts
    recorder = Recorder()
    if record:
        cloud.on(recorder.hear)
        for topic in cloud.topology.topics:
            cloud.topics.subscribe_callable(cloud.names.topic_arn(topic.name), recorder.alert)
    enrolled = enrol_gallery(cloud, gallery) if gallery is not None else []
    secret = consumer_secret(cloud.secrets)
    cloud.start()
    session = Session(cloud, media, recorder, secret, enrolled)
    try:
        yield session
    finally:
        session.stopped_with = cloud.stop()
        media.stop()
