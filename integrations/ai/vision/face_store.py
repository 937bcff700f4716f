"""Rekognition face collections, durable as one JSON file per collection in the folder the caller names
(the local account: `$SMA_HOME/rekognition`).

A collection keeps, per indexed face, what ListFaces returns (FaceId, ImageId, ExternalImageId,
BoundingBox, Confidence) plus the 128-d dlib embedding used to search it. Writes replace the file
atomically, so a crash never leaves a half-written collection, and changes hold an advisory file lock,
so `sma faces add` and a running `sma ai serve` never lose each other's updates.
"""

from __future__ import annotations

import fcntl
import json
import math
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from integrations.errors import ServiceError
from integrations.files import write_atomically

SERVICE = "rekognition"
FACE_MODEL_VERSION = "dlib-resnet-v1"  # not AWS's "7.0": these embeddings are dlib's, say so
_COLLECTION_ID = re.compile(r"^[a-zA-Z0-9_.\-]{1,255}$")


def similarity(distance: float) -> float:
    """Rekognition-style Similarity (0-100) from a dlib embedding distance: 0.6 (dlib's threshold) → 50."""
    return 100.0 / (1.0 + math.exp(12.0 * (distance - 0.6)))


class FaceStore:
    """The collections of one local Rekognition, on disk."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._lock = threading.RLock()

    @property
    def root(self) -> Path:
        # Made by the first change, not on every read: RecognizeCelebrities looks the gallery up for
        # every photo with a face, and a missing folder already reads as "no such collection".
        return self._root / "collections"

    def _path(self, collection_id: object) -> Path:
        if not isinstance(collection_id, str) or not _COLLECTION_ID.match(collection_id):
            raise ServiceError(
                SERVICE,
                "InvalidParameterException",
                "CollectionId must be 1-255 characters of [a-zA-Z0-9_.-]",
            )
        return self.root / f"{collection_id}.json"

    def create(self, collection_id: object) -> None:
        with self._changing():
            path = self._path(collection_id)
            if path.exists():
                raise ServiceError(
                    SERVICE,
                    "ResourceAlreadyExistsException",
                    f"The collection id: {collection_id} already exists",
                )
            self._write(path, {"CollectionId": collection_id, "Faces": []})

    def delete(self, collection_id: object) -> None:
        with self._changing():
            path = self._existing(collection_id)
            path.unlink()

    def ids(self) -> list[str]:
        return sorted(path.stem for path in self.root.glob("*.json"))

    def exists(self, collection_id: str) -> bool:
        return self._path(collection_id).exists()

    def faces(self, collection_id: object) -> list[dict[str, Any]]:
        with self._lock:
            return list(json.loads(self._existing(collection_id).read_text())["Faces"])

    def add(self, collection_id: object, records: list[dict[str, Any]]) -> None:
        with self._changing():
            path = self._existing(collection_id)
            document = json.loads(path.read_text())
            document["Faces"].extend(records)
            self._write(path, document)

    def remove(self, collection_id: object, face_ids: list[str]) -> list[str]:
        with self._changing():
            path = self._existing(collection_id)
            document = json.loads(path.read_text())
            wanted = set(face_ids)
            deleted = [face["FaceId"] for face in document["Faces"] if face["FaceId"] in wanted]
            document["Faces"] = [face for face in document["Faces"] if face["FaceId"] not in wanted]
            self._write(path, document)
            return deleted

    def search(self, collection_id: object, vector: np.ndarray, threshold: float, limit: int) -> list[Any]:
        """[(similarity, face record)] at or above `threshold`, most similar first."""
        matches = []
        for face in self.faces(collection_id):
            distance = float(np.linalg.norm(np.asarray(face["Embedding"]) - vector))
            score = similarity(distance)
            if score >= threshold:
                matches.append((score, face))
        matches.sort(key=lambda match: match[0], reverse=True)
        return matches[:limit]

    @contextmanager
    def _changing(self) -> Iterator[None]:
        """This thread's and this process's exclusive right to change the collections."""
        self.root.mkdir(parents=True, exist_ok=True)
        with self._lock, (self.root / ".lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _existing(self, collection_id: object) -> Path:
        path = self._path(collection_id)
        if not path.exists():
            raise ServiceError(
                SERVICE, "ResourceNotFoundException", f"The collection id: {collection_id} does not exist"
            )
        return path

    @staticmethod
    def _write(path: Path, document: dict[str, Any]) -> None:
        write_atomically(path, json.dumps(document).encode())


def public_face(record: dict[str, Any]) -> dict[str, Any]:
    """A stored face as Rekognition's `Face` shape (without the embedding)."""
    return {key: value for key, value in record.items() if key != "Embedding"}
