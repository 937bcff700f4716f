"""DetectLabels from the detectors at hand: ImageNet classes, faces, people and text.

* Objects, animals, food and scenes: EfficientNet-Lite0's ImageNet classes gathered into Rekognition-style
  labels (see label_catalog); whole-image classification, so these labels have no Instances.
* Person and Face: dlib's faces, one Instance each (the face's box: there is no body detector, so a
  person whose face is hidden or turned away is not found). OpenCV's HOG pedestrian detector was tried
  and dropped: on the sample photos it found no real person and fired on rockets and lines of text.
* Text: RapidOCR's detector found a line that its recogniser reads with confidence ≥ 80 (see
  `ocr.text_confidence`); the label's confidence is that reading's. Rekognition names it "Text", in the
  category "Text and Documents" (https://docs.aws.amazon.com/rekognition/latest/dg/labels.html).
* Parents are also listed as labels of their own, as Rekognition does, at their best child's confidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from integrations.ai.vision import efficientnet
from integrations.ai.vision.faces import Face
from integrations.ai.vision.images import box
from integrations.ai.vision.label_catalog import GROUPS


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


def _person_labels(pixels: np.ndarray, faces: list[Face]) -> list[Label]:
    if not faces:
        return []
    size = (int(pixels.shape[1]), int(pixels.shape[0]))
    instances = [{"BoundingBox": box(face.edges, size), "Confidence": face.confidence} for face in faces]
    best = max(face.confidence for face in faces)
    return [
        Label("Person", best, (), "Person Description", ("Human",), instances),
        Label("Face", best, ("Head", "Person"), "Person Description", (), [dict(item) for item in instances]),
        Label("Head", best, ("Person",), "Person Description"),
    ]


def _text_label(text_confidence: float | None) -> list[Label]:
    return [] if text_confidence is None else [Label("Text", text_confidence, (), "Text and Documents")]


def _class_labels(pixels: np.ndarray) -> list[Label]:
    probabilities = efficientnet.classify(pixels)
    labels = []
    for group in GROUPS:
        confidence = 100.0 * float(sum(probabilities[index] for index in group.classes))
        labels.append(Label(group.name, confidence, group.parents, group.category))
    return labels


def detect_labels(
    pixels: np.ndarray, faces: list[Face], text_confidence: float | None, min_confidence: float
) -> list[Label]:
    """All labels at or above `min_confidence`, most confident first, parents included."""
    found = [
        label
        for label in [*_class_labels(pixels), *_person_labels(pixels, faces), *_text_label(text_confidence)]
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
