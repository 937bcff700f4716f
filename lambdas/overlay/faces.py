"""Rekognition's faces as pixel rectangles on the upright image.

Rekognition gives each `BoundingBox` as ratios of the image's width and height (`Left`, `Top`, `Width`,
`Height`, each 0..1 but allowed slightly outside for faces cut by the frame). For JPEGs it applies the
EXIF orientation before detecting, so the ratios refer to the image as displayed (upright); this module
assumes exactly that, and the overlay therefore applies `ImageOps.exif_transpose` before drawing.
The deprecated `OrientationCorrection` field (only ever set for images without EXIF, and nowadays null) is
ignored.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lambdas.shared.errors import InvalidInput

MAX_NAME_CHARS = 64
# RecognizeCelebrities reports at most 64 celebrities and 64 unrecognised faces; more is not its output.
MAX_FACES = 64


@dataclass(frozen=True)
class Box:
    """A pixel rectangle: `left`, `top` inclusive, `right`, `bottom` exclusive (Pillow's convention)."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.left, self.top, self.right, self.bottom)


@dataclass(frozen=True)
class Face:
    box: Box
    name: str | None = None


def pixel_box(bounding_box: Any, width: int, height: int, where: str) -> Box | None:
    """The pixel rectangle of a ratio `BoundingBox`, clipped to the image; None when nothing is left."""
    if not isinstance(bounding_box, Mapping):
        raise InvalidInput(f"{where}.BoundingBox must be an object with Left, Top, Width and Height")
    values = {}
    for field in ("Left", "Top", "Width", "Height"):
        value = bounding_box.get(field)
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
            raise InvalidInput(f"{where}.BoundingBox.{field} must be a number")
        values[field] = float(value)
    if values["Width"] < 0 or values["Height"] < 0:
        raise InvalidInput(f"{where}.BoundingBox has a negative size")
    # Rounded first so float noise (0.1 + 0.3 = 0.4000000000000001) cannot add a pixel.
    left = max(0, math.floor(round(values["Left"] * width, 6)))
    top = max(0, math.floor(round(values["Top"] * height, 6)))
    right = min(width, math.ceil(round((values["Left"] + values["Width"]) * width, 6)))
    bottom = min(height, math.ceil(round((values["Top"] + values["Height"]) * height, 6)))
    if right <= left or bottom <= top:
        return None
    return Box(left, top, right, bottom)


def clean_name(name: Any, where: str) -> str:
    """A printable, bounded name (control characters removed, long names cut with an ellipsis)."""
    if not isinstance(name, str):
        raise InvalidInput(f"{where}.Name must be a string")
    printable = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if len(printable) > MAX_NAME_CHARS:
        printable = printable[: MAX_NAME_CHARS - 1].rstrip() + "\u2026"
    return printable


def _items(value: Any, field: str) -> Sequence[Any]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InvalidInput(f"{field} must be a list")
    if len(value) > MAX_FACES:
        raise InvalidInput(f"{field} holds {len(value)} faces, more than the {MAX_FACES} Rekognition reports")
    return value


def recognised_faces(celebrity_faces: Any, width: int, height: int) -> list[Face]:
    """`CelebrityFaces[]` (`Name`, `Face.BoundingBox`) as named faces on a `width` x `height` image."""
    faces = []
    for index, item in enumerate(_items(celebrity_faces, "CelebrityFaces")):
        where = f"CelebrityFaces[{index}]"
        if not isinstance(item, Mapping) or not isinstance(item.get("Face"), Mapping):
            raise InvalidInput(f"{where} must be an object with Name and Face.BoundingBox")
        name = clean_name(item.get("Name"), where)
        box = pixel_box(item["Face"].get("BoundingBox"), width, height, f"{where}.Face")
        if box is not None and name:
            faces.append(Face(box, name))
    return faces


def unrecognised_faces(unrecognized_faces: Any, width: int, height: int) -> list[Face]:
    """`UnrecognizedFaces[]` (`BoundingBox`) as anonymous faces on a `width` x `height` image."""
    faces = []
    for index, item in enumerate(_items(unrecognized_faces, "UnrecognizedFaces")):
        where = f"UnrecognizedFaces[{index}]"
        if not isinstance(item, Mapping):
            raise InvalidInput(f"{where} must be an object with a BoundingBox")
        box = pixel_box(item.get("BoundingBox"), width, height, where)
        if box is not None:
            faces.append(Face(box))
    return faces
