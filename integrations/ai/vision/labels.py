"""DetectLabels from the detectors at hand: ImageNet classes, faces, people and text.

* Objects, animals, food and scenes: EfficientNet-Lite0's ImageNet classes gathered into Rekognition-style
  labels (see label_catalog); whole-image classification, so these labels have no Instances.
* Person: OpenCV's HOG pedestrian detector (upright, full bodies) plus dlib's faces; each gives an
  Instance with a BoundingBox (a face's box where no body box contains it).
* Face: dlib's faces, one Instance each. Text: RapidOCR found a line it reads with confidence ≥ 80.
* Parents are also listed as labels of their own, as Rekognition does, at their best child's confidence.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from integrations.ai.lazy import lazy_model
from integrations.ai.vision import efficientnet
from integrations.ai.vision.faces import Face
from integrations.ai.vision.images import box
from integrations.ai.vision.label_catalog import GROUPS

TEXT_CONFIDENCE = 80.0
PEOPLE_THRESHOLD = 1.0  # HOG SVM margin: below it, detections here were rockets and posts, not people
_hog_lock = threading.Lock()


def _load_people_detector() -> Any:
    import cv2

    detector = cv2.HOGDescriptor()
    detector.setSVMDetector(cv2.HOGDescriptor_getDefaultPeopleDetector())
    return detector


HOG_PEOPLE = lazy_model("opencv-hog-people", _load_people_detector)


@dataclass
class Label:
    name: str
    confidence: float
    parents: tuple[str, ...] = ()
    category: str = ""
    aliases: tuple[str, ...] = ()
    instances: list[dict[str, Any]] = field(default_factory=list)

    def as_rekognition(self) -> dict[str, Any]:
        return {
            "Name": self.name,
            "Confidence": float(min(100.0, self.confidence)),
            "Instances": self.instances,
            "Parents": [{"Name": parent} for parent in self.parents],
            "Aliases": [{"Name": alias} for alias in self.aliases],
            "Categories": [{"Name": self.category}] if self.category else [],
        }


def people(pixels: np.ndarray) -> list[tuple[tuple[float, float, float, float], float]]:
    """(left, top, right, bottom) and score of each upright person HOG finds."""
    scale = min(1.0, 640 / max(pixels.shape[:2]))
    work = pixels
    if scale < 1.0:
        from PIL import Image

        size = (round(pixels.shape[1] * scale), round(pixels.shape[0] * scale))
        work = np.asarray(Image.fromarray(pixels).resize(size, Image.Resampling.BILINEAR))
    detector = HOG_PEOPLE.get()
    with _hog_lock:
        rects, weights = detector.detectMultiScale(np.ascontiguousarray(work[:, :, ::-1]), winStride=(8, 8))
    found = []
    for (x, y, w, h), weight in zip(rects, np.ravel(weights), strict=True):
        if float(weight) >= PEOPLE_THRESHOLD:
            found.append(((x / scale, y / scale, (x + w) / scale, (y + h) / scale), float(weight)))
    return found


def _contains(outer: tuple[float, float, float, float], inner: tuple[float, float, float, float]) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and outer[2] >= inner[2] and outer[3] >= inner[3]


def _person_labels(pixels: np.ndarray, faces: list[Face]) -> list[Label]:
    size = (int(pixels.shape[1]), int(pixels.shape[0]))
    bodies = people(pixels)
    instances = [
        {"BoundingBox": box(edges, size), "Confidence": 100.0 / (1.0 + np.exp(-3.0 * weight))}
        for edges, weight in bodies
    ]
    instances += [
        {"BoundingBox": box(face.edges, size), "Confidence": face.confidence}
        for face in faces
        if not any(_contains(edges, face.edges) for edges, _ in bodies)
    ]
    labels = []
    if instances:
        best = max(float(instance["Confidence"]) for instance in instances)
        labels.append(Label("Person", best, (), "Person Description", ("Human",), instances))
    if faces:
        face_instances = [{"BoundingBox": box(f.edges, size), "Confidence": f.confidence} for f in faces]
        labels.append(
            Label(
                "Face",
                max(f.confidence for f in faces),
                ("Head", "Person"),
                "Person Description",
                (),
                face_instances,
            )
        )
        labels.append(Label("Head", max(f.confidence for f in faces), ("Person",), "Person Description"))
    return labels


def _text_label(text_lines: list[dict[str, Any]]) -> list[Label]:
    readable = [
        line["Confidence"]
        for line in text_lines
        if line["Confidence"] >= TEXT_CONFIDENCE and sum(char.isalnum() for char in line["DetectedText"]) >= 2
    ]
    return [Label("Text", max(readable), (), "Text and Documents")] if readable else []


def _class_labels(pixels: np.ndarray) -> list[Label]:
    probabilities = efficientnet.classify(pixels)
    labels = []
    for group in GROUPS:
        confidence = 100.0 * float(sum(probabilities[index] for index in group.classes))
        labels.append(Label(group.name, confidence, group.parents, group.category))
    return labels


def detect_labels(
    pixels: np.ndarray, faces: list[Face], text_lines: list[dict[str, Any]], min_confidence: float
) -> list[Label]:
    """All labels at or above `min_confidence`, most confident first, parents included."""
    found = [
        label
        for label in [*_class_labels(pixels), *_person_labels(pixels, faces), *_text_label(text_lines)]
        if label.confidence >= min_confidence
    ]
    by_name = {label.name: label for label in found}
    for label in list(found):
        for depth, parent in enumerate(label.parents):
            if parent not in by_name:
                grandparents = label.parents[depth + 1 :]
                by_name[parent] = Label(parent, label.confidence, grandparents, label.category)
            else:
                by_name[parent].confidence = max(by_name[parent].confidence, label.confidence)
    return sorted(by_name.values(), key=lambda label: label.confidence, reverse=True)
