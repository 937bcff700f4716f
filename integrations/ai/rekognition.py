"""A local Amazon Rekognition: labels, text, faces, known people ("celebrities") and face collections.

Request and response shapes are Rekognition's; errors are `ServiceError`s with its codes. Images come as
`Bytes` or as an `S3Object` read through the injected `ObjectReader`. Locally, "celebrities" are the
people enrolled in the gallery collection (`sma faces add NAME IMAGE…`, default collection id
`sma-gallery`, or `$SMA_FACE_GALLERY`): RecognizeCelebrities names a face when it matches an enrolled face
with a Similarity of at least CELEBRITY_THRESHOLD.

Detections are cached per image (by content hash) for a few images, because the analyse workflow asks
for labels, then celebrities of the same photo, and labels already needed its faces.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from integrations.ai.vision import faces as face_models
from integrations.ai.vision import labels as label_models
from integrations.ai.vision import ocr
from integrations.ai.vision.face_store import FACE_MODEL_VERSION, FaceStore, public_face
from integrations.ai.vision.images import (
    LoadedImage,
    ObjectReader,
    box,
    gray_quality,
    load_image,
    luminance,
    no_object_store,
)
from integrations.errors import ServiceError

SERVICE = "rekognition"
GALLERY_ENV = "SMA_FACE_GALLERY"
DEFAULT_GALLERY = "sma-gallery"
CELEBRITY_THRESHOLD = 80.0
LABEL_MODEL_VERSION = "local-efficientnet-lite0-dlib-hog"
MAX_DETECTED_FACES = 100
MAX_CELEBRITY_FACES = 64
_EXTERNAL_ID = re.compile(r"^[a-zA-Z0-9_.\-:]{1,255}$")
_ATTRIBUTES = {
    "DEFAULT", "ALL", "AGE_RANGE", "BEARD", "EMOTIONS", "EYE_DIRECTION", "EYEGLASSES", "EYES_OPEN", "GENDER",
    "MOUTH_OPEN", "MUSTACHE", "FACE_OCCLUDED", "SMILE", "SUNGLASSES",
}  # fmt: skip
_CACHE_SIZE = 8
# IndexFaces' QualityFilter → (minimum detection confidence, minimum face side in pixels). The bars are
# this project's, on dlib's confidence; AWS does not publish its own. AUTO is MEDIUM, as on AWS.
QUALITY_FILTERS = {
    "NONE": (0.0, 0),
    "LOW": (80.0, 20),
    "MEDIUM": (90.0, 40),
    "AUTO": (90.0, 40),
    "HIGH": (97.0, 60),
}


def _invalid(message: str) -> ServiceError:
    return ServiceError(SERVICE, "InvalidParameterException", message, 400)


def _number(request: Mapping[str, Any], name: str, default: float, low: float, high: float) -> float:
    value = request.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise _invalid(f"{name} must be a number from {low:g} to {high:g}")
    return float(value)


def display_name(external_image_id: str) -> str:
    """Gallery names are stored as ExternalImageIds (no spaces allowed there): "Eileen_Collins"."""
    return external_image_id.replace("_", " ")


def external_id(name: str) -> str:
    return "_".join(name.split())


class Rekognition:
    """The operations, each taking the request dict and returning the response dict."""

    def __init__(
        self,
        store: FaceStore,
        read_object: ObjectReader | Callable[..., bytes] = no_object_store,
        gallery: str | None = None,
    ) -> None:
        self.read_object = read_object
        self.store = store
        self.gallery = gallery or os.environ.get(GALLERY_ENV) or DEFAULT_GALLERY
        self._cache: OrderedDict[tuple[str, str], Any] = OrderedDict()
        self._cache_lock = threading.Lock()

    def operations(self) -> dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]]:
        return {
            "DetectLabels": self.detect_labels,
            "DetectText": self.detect_text,
            "DetectFaces": self.detect_faces,
            "RecognizeCelebrities": self.recognize_celebrities,
            "CreateCollection": self.create_collection,
            "DeleteCollection": self.delete_collection,
            "ListCollections": self.list_collections,
            "IndexFaces": self.index_faces,
            "SearchFacesByImage": self.search_faces_by_image,
            "ListFaces": self.list_faces,
            "DeleteFaces": self.delete_faces,
        }

    # -- per-image detections, cached ------------------------------------------------------------
    def clear_cache(self) -> None:
        with self._cache_lock:
            self._cache.clear()

    def _cached(self, image: LoadedImage, kind: str, compute: Callable[[], Any]) -> Any:
        key = (hashlib.sha256(image.data).hexdigest(), kind)
        with self._cache_lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = compute()
        with self._cache_lock:
            self._cache[key] = value
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return value

    def _faces(self, image: LoadedImage) -> list[face_models.Face]:
        return self._cached(image, "faces", lambda: face_models.detect(image.pixels))

    def _lines(self, image: LoadedImage) -> list[dict[str, Any]]:
        return self._cached(image, "text", lambda: ocr.detect_text(image.pixels))

    def _text_confidence(self, image: LoadedImage) -> float | None:
        return self._cached(image, "text-label", lambda: ocr.text_confidence(image.pixels))

    def _load(self, request: Mapping[str, Any]) -> LoadedImage:
        return load_image(request.get("Image"), self.read_object)

    # -- image analysis --------------------------------------------------------------------------
    def detect_labels(self, request: Mapping[str, Any]) -> dict[str, Any]:
        min_confidence = _number(request, "MinConfidence", 55.0, 0.0, 100.0)
        max_labels = int(_number(request, "MaxLabels", 1000, 0, 1_000_000))
        features = request.get("Features") or ["GENERAL_LABELS"]
        if not isinstance(features, list) or not set(features) <= {"GENERAL_LABELS", "IMAGE_PROPERTIES"}:
            raise _invalid("Features may hold GENERAL_LABELS and IMAGE_PROPERTIES")
        image = self._load(request)
        response: dict[str, Any] = {"LabelModelVersion": LABEL_MODEL_VERSION}
        if "GENERAL_LABELS" in features:
            found = label_models.detect_labels(
                image.pixels, self._faces(image), self._text_confidence(image), min_confidence
            )
            kept = [label for label in found if _wanted(label, request.get("Settings"))]
            response["Labels"] = [label.as_rekognition() for label in kept[:max_labels]]
        if "IMAGE_PROPERTIES" in features:
            response["ImageProperties"] = {"Quality": _image_quality(image.pixels)}
        return response

    def detect_text(self, request: Mapping[str, Any]) -> dict[str, Any]:
        filters = request.get("Filters") or {}
        word_filter = filters.get("WordFilter") or {} if isinstance(filters, dict) else {}
        min_confidence = _number(word_filter, "MinConfidence", 0.0, 0.0, 100.0)
        min_height = _number(word_filter, "MinBoundingBoxHeight", 0.0, 0.0, 1.0)
        min_width = _number(word_filter, "MinBoundingBoxWidth", 0.0, 0.0, 1.0)

        def passes(item: dict[str, Any]) -> bool:
            bounds = item["Geometry"]["BoundingBox"]
            return (
                item["Confidence"] >= min_confidence
                and bounds["Height"] >= min_height
                and bounds["Width"] >= min_width
            )

        image = self._load(request)
        lines = self._lines(image)
        kept_lines = {line["Id"] for line in lines if line["Type"] == "LINE" and passes(line)}
        detections = [
            item
            for item in lines
            if (item["Type"] == "LINE" and item["Id"] in kept_lines)
            or (item["Type"] == "WORD" and item["ParentId"] in kept_lines and passes(item))
        ]
        return {"TextDetections": detections, "TextModelVersion": "local-pp-ocrv6-small"}

    def detect_faces(self, request: Mapping[str, Any]) -> dict[str, Any]:
        attributes = request.get("Attributes") or ["DEFAULT"]
        if not isinstance(attributes, list) or not set(attributes) <= _ATTRIBUTES:
            raise _invalid(f"Attributes must be from {sorted(_ATTRIBUTES)}")
        image = self._load(request)
        everything = attributes != ["DEFAULT"]
        return {
            "FaceDetails": [
                face_models.face_detail(image.pixels, face, all_attributes=everything)
                for face in self._faces(image)[:MAX_DETECTED_FACES]
            ]
        }

    def recognize_celebrities(self, request: Mapping[str, Any]) -> dict[str, Any]:
        image = self._load(request)
        known = self.store.exists(self.gallery)
        celebrities: list[dict[str, Any]] = []
        unrecognised: list[dict[str, Any]] = []
        for face in self._faces(image)[:MAX_CELEBRITY_FACES]:
            described = face_models.compared_face(image.pixels, face)
            matches = []
            if known:
                vector = face_models.embedding(face)
                matches = self.store.search(self.gallery, vector, CELEBRITY_THRESHOLD, 1)
            if not matches:
                unrecognised.append(described)
                continue
            score, record = matches[0]
            name = display_name(record.get("ExternalImageId", record["FaceId"]))
            celebrities.append(
                {
                    "Urls": [],
                    "Name": name,
                    "Id": hashlib.sha256(name.encode()).hexdigest()[:8],
                    "Face": described,
                    "MatchConfidence": score,
                }
            )
        return {"CelebrityFaces": celebrities, "UnrecognizedFaces": unrecognised}

    # -- collections -----------------------------------------------------------------------------
    def create_collection(self, request: Mapping[str, Any]) -> dict[str, Any]:
        collection_id = request.get("CollectionId")
        self.store.create(collection_id)
        return {
            "StatusCode": 200,
            "CollectionArn": f"aws:rekognition:local:000000000000:collection/{collection_id}",
            "FaceModelVersion": FACE_MODEL_VERSION,
        }

    def delete_collection(self, request: Mapping[str, Any]) -> dict[str, Any]:
        self.store.delete(request.get("CollectionId"))
        return {"StatusCode": 200}

    def list_collections(self, request: Mapping[str, Any]) -> dict[str, Any]:
        ids = self.store.ids()
        start, size = _page(request, len(ids), default_size=1000)
        page = ids[start : start + size]
        response: dict[str, Any] = {
            "CollectionIds": page,
            "FaceModelVersions": [FACE_MODEL_VERSION] * len(page),
        }
        if start + size < len(ids):
            response["NextToken"] = str(start + size)
        return response

    def index_faces(self, request: Mapping[str, Any]) -> dict[str, Any]:
        collection_id = request.get("CollectionId")
        self.store.faces(collection_id)  # ResourceNotFoundException before any image work
        external = request.get("ExternalImageId")
        if external is not None and (not isinstance(external, str) or not _EXTERNAL_ID.match(external)):
            raise _invalid("ExternalImageId must be 1-255 characters of [a-zA-Z0-9_.-:]")
        max_faces = int(_number(request, "MaxFaces", MAX_DETECTED_FACES, 1, MAX_DETECTED_FACES))
        quality_filter = request.get("QualityFilter", "AUTO")
        if quality_filter not in {"NONE", "AUTO", "LOW", "MEDIUM", "HIGH"}:
            raise _invalid("QualityFilter must be NONE, AUTO, LOW, MEDIUM or HIGH")
        attributes = request.get("DetectionAttributes") or ["DEFAULT"]
        if not isinstance(attributes, list) or not set(attributes) <= _ATTRIBUTES:
            raise _invalid(f"DetectionAttributes must be from {sorted(_ATTRIBUTES)}")
        image = self._load(request)
        image_id = str(uuid.UUID(hashlib.sha256(image.data).hexdigest()[:32]))
        size = (image.width, image.height)
        records: list[dict[str, Any]] = []
        unindexed: list[dict[str, Any]] = []
        stored: list[dict[str, Any]] = []
        minimum = QUALITY_FILTERS[quality_filter]
        for face in self._faces(image):
            detail = face_models.face_detail(image.pixels, face, all_attributes=attributes != ["DEFAULT"])
            reasons = _quality_reasons(face, minimum)
            if not reasons and len(records) >= max_faces:
                reasons = ["EXCEEDS_MAX_FACES"]
            if reasons:
                unindexed.append({"Reasons": reasons, "FaceDetail": detail})
                continue
            record: dict[str, Any] = {
                "FaceId": str(uuid.uuid4()),
                "BoundingBox": box(face.edges, size),
                "ImageId": image_id,
                "Confidence": face.confidence,
                "IndexFacesModelVersion": FACE_MODEL_VERSION,
            }
            if external:
                record["ExternalImageId"] = external
            stored.append({**record, "Embedding": face_models.embedding(face).tolist()})
            records.append({"Face": record, "FaceDetail": detail})
        self.store.add(collection_id, stored)
        return {"FaceRecords": records, "FaceModelVersion": FACE_MODEL_VERSION, "UnindexedFaces": unindexed}

    def search_faces_by_image(self, request: Mapping[str, Any]) -> dict[str, Any]:
        collection_id = request.get("CollectionId")
        self.store.faces(collection_id)
        threshold = _number(request, "FaceMatchThreshold", 80.0, 0.0, 100.0)
        max_faces = int(_number(request, "MaxFaces", 80, 1, 4096))
        image = self._load(request)
        found = self._faces(image)
        if not found:
            raise _invalid("There are no faces in the image. Should be at least 1.")
        # Rekognition searches with the largest face in the image.
        face = max(found, key=lambda item: (item.edges[2] - item.edges[0]) * (item.edges[3] - item.edges[1]))
        matches = self.store.search(collection_id, face_models.embedding(face), threshold, max_faces)
        return {
            "SearchedFaceBoundingBox": box(face.edges, (image.width, image.height)),
            "SearchedFaceConfidence": face.confidence,
            "FaceMatches": [{"Similarity": score, "Face": public_face(record)} for score, record in matches],
            "FaceModelVersion": FACE_MODEL_VERSION,
        }

    def list_faces(self, request: Mapping[str, Any]) -> dict[str, Any]:
        stored = self.store.faces(request.get("CollectionId"))
        start, size = _page(request, len(stored), default_size=1000)
        response: dict[str, Any] = {
            "Faces": [public_face(record) for record in stored[start : start + size]],
            "FaceModelVersion": FACE_MODEL_VERSION,
        }
        if start + size < len(stored):
            response["NextToken"] = str(start + size)
        return response

    def delete_faces(self, request: Mapping[str, Any]) -> dict[str, Any]:
        face_ids = request.get("FaceIds")
        if not isinstance(face_ids, list) or not face_ids or not all(isinstance(i, str) for i in face_ids):
            raise _invalid("FaceIds must be a non-empty list of face ids")
        deleted = self.store.remove(request.get("CollectionId"), face_ids)
        missing = [face_id for face_id in face_ids if face_id not in deleted]
        return {
            "DeletedFaces": deleted,
            "UnsuccessfulFaceDeletions": [
                {"FaceId": face_id, "Reasons": ["FACE_NOT_FOUND"]} for face_id in missing
            ],
        }


def _quality_reasons(face: face_models.Face, minimum: tuple[float, int]) -> list[str]:
    confidence, side = minimum
    reasons = []
    if face.confidence < confidence:
        reasons.append("LOW_CONFIDENCE")
    if min(face.edges[2] - face.edges[0], face.edges[3] - face.edges[1]) < side:
        reasons.append("SMALL_BOUNDING_BOX")
    return reasons


def _wanted(label: label_models.Label, settings: object) -> bool:
    """DetectLabels' Settings.GeneralLabels filters: by label name (or parent) and by category."""
    general = settings.get("GeneralLabels") if isinstance(settings, Mapping) else None
    if not isinstance(general, Mapping):
        return True
    names = {label.name, *label.parents}
    include = general.get("LabelInclusionFilters") or []
    include_categories = general.get("LabelCategoryInclusionFilters") or []
    if include and not names & set(include):
        return False
    if include_categories and label.category not in include_categories:
        return False
    if label.name in (general.get("LabelExclusionFilters") or []):
        return False
    return label.category not in (general.get("LabelCategoryExclusionFilters") or [])


def _page(request: Mapping[str, Any], total: int, default_size: int) -> tuple[int, int]:
    size = int(_number(request, "MaxResults", default_size, 0, 4096))
    token = request.get("NextToken")
    if token is None:
        return 0, size
    if not isinstance(token, str) or not token.isdigit() or int(token) > total:
        raise ServiceError(SERVICE, "InvalidPaginationTokenException", "Invalid pagination token", 400)
    return int(token), size


def _image_quality(pixels: np.ndarray) -> dict[str, float]:
    gray = luminance(pixels)
    return {**gray_quality(gray), "Contrast": float(min(100.0, gray.std() / 128.0 * 100.0))}
