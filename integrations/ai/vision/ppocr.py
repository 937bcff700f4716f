"""PP-OCR's models run directly on onnxruntime: text lines found (DB), turned upright, read (CTC).

The ONNX models are the ones inside the `rapidocr` wheel (PP-OCRv6 small detection and recognition, the
mobile v2.0 orientation classifier), located through the installed package's path without importing it:
RapidOCR's engines took ~1.5 s of GIL-holding Python to build (it loads its 85 KB model catalogue with
OmegaConf at import and again per engine), CPU the local cloud's start-up needed elsewhere. The steps
around the models follow RapidOCR 3.10 (`ch_ppocr_det`, `ch_ppocr_cls`, `ch_ppocr_rec`, `main.py`) and
PaddleOCR's DB and CTC post-processing with the same constants, so boxes, strings and confidences are
RapidOCR's (tests/ai/test_ppocr.py compares them). Images are RGB uint8 arrays; the models were trained
on OpenCV's BGR, so channels are swapped while normalising.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from integrations.ai.onnx_session import open_session
from integrations.ai.weights import verified_file

DETECTOR = "PP-OCRv6_det_small.onnx"
RECOGNISER = "PP-OCRv6_rec_small.onnx"
ORIENTATION = "ch_ppocr_mobile_v2.0_cls_mobile.onnx"

MIN_SIDE, MAX_SIDE = 30, 2000  # RapidOCR first brings every image's sides within these (Global.*_side_len)
BANNER_RATIO, BANNER_HEIGHT = 8, 30  # ... and pads very wide or low images with black rows above and below
PROBABILITY, BOX_SCORE = 0.3, 0.5  # DB: pixel threshold on the text map, mean probability a box needs
UNCLIP_RATIO = 1.6  # DB shrank text regions in training: boxes grow by area * ratio / perimeter
MIN_BOX_SIDE = 3  # DB drops boxes whose shorter side is below this (before unclipping; +2 after)
MAX_CANDIDATES = 1000
LINE_GAP = 10  # boxes whose tops differ by less than this (px) are one line, read left to right
READ_HEIGHT, READ_MIN_WIDTH = 48, 320  # recogniser input: height 48, at least 320 wide (ratio 320/48)
ORIENTATION_SHAPE = (48, 192)
UPSIDE_DOWN = 0.9  # the classifier must be this sure a line is upside down before it is turned


def model_path(name: str) -> Path:
    """A model file inside the installed rapidocr package (found, not imported: see the docstring),
    checked against its pinned SHA-256 like every model file."""
    return verified_file(f"rapidocr/models/{name}")


def _normalised(pixels: np.ndarray) -> np.ndarray:
    """RGB uint8 (H, W, 3) as the models' input (3, H, W): BGR, scaled from [0, 255] to [-1, 1]."""
    return (pixels[:, :, ::-1].astype(np.float32) / np.float32(127.5) - np.float32(1.0)).transpose(2, 0, 1)


def _to_multiple_of_32(pixels: np.ndarray, ratio: float) -> np.ndarray | None:
    height, width = pixels.shape[:2]
    new_height = round(int(height * ratio) / 32) * 32
    new_width = round(int(width * ratio) / 32) * 32
    if new_height <= 0 or new_width <= 0:
        return None
    return cv2.resize(pixels, (new_width, new_height))


def _rescaled(pixels: np.ndarray, ratio: float) -> tuple[np.ndarray, tuple[float, float]]:
    rescaled = _to_multiple_of_32(pixels, ratio)
    if rescaled is None:
        return pixels, (1.0, 1.0)
    return rescaled, (pixels.shape[0] / rescaled.shape[0], pixels.shape[1] / rescaled.shape[1])


def within_bounds(pixels: np.ndarray) -> tuple[np.ndarray, float, float]:
    """The image with its longer side at most MAX_SIDE and its shorter side at least MIN_SIDE (each
    rescale rounds both sides to multiples of 32, as RapidOCR does), and the (y, x) ratios back."""
    ratios = (1.0, 1.0)
    longest = max(pixels.shape[:2])
    if longest > MAX_SIDE:
        pixels, ratios = _rescaled(pixels, MAX_SIDE / longest)
    shortest = min(pixels.shape[:2])
    if shortest < MIN_SIDE:
        pixels, ratios = _rescaled(pixels, MIN_SIDE / max(shortest, 1))
    return pixels, ratios[0], ratios[1]


def _corners(rect: Any) -> tuple[np.ndarray, float]:
    """A rotated rectangle's corners as DB orders them (top-left, top-right, bottom-right, bottom-left,
    picked among the two leftmost and two rightmost points) and its shorter side."""
    points = sorted(cv2.boxPoints(rect), key=lambda point: point[0])
    left = (points[0], points[1]) if points[1][1] > points[0][1] else (points[1], points[0])
    right = (points[2], points[3]) if points[3][1] > points[2][1] else (points[3], points[2])
    return np.array([left[0], right[0], right[1], left[1]]), min(rect[1])


def _box_score(probabilities: np.ndarray, corners: np.ndarray) -> float:
    """The mean text probability inside the box (DB's "fast" score: the box, not the contour)."""
    height, width = probabilities.shape
    low = np.clip(np.floor(corners.min(axis=0)).astype(np.int32), 0, (width - 1, height - 1))
    high = np.clip(np.ceil(corners.max(axis=0)).astype(np.int32), 0, (width - 1, height - 1))
    mask = np.zeros((high[1] - low[1] + 1, high[0] - low[0] + 1), dtype=np.uint8)
    cv2.fillPoly(mask, (corners - low).astype(np.int32)[None], 1)
    return float(cv2.mean(probabilities[low[1] : high[1] + 1, low[0] : high[0] + 1], mask)[0])


def _unclipped(corners: np.ndarray) -> np.ndarray:
    """The box grown by DB's offset (area * UNCLIP_RATIO / perimeter), with round joins as DB does."""
    import pyclipper

    distance = cv2.contourArea(corners.astype(np.float32)) * UNCLIP_RATIO
    distance /= cv2.arcLength(corners.astype(np.float32).reshape(-1, 1, 2), closed=True)
    offset = pyclipper.PyclipperOffset()
    offset.AddPath(corners, pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    return np.array(offset.Execute(distance)).reshape(-1, 1, 2)


def _clockwise(corners: np.ndarray, width: int, height: int) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left, on whole pixels inside the image."""
    by_x = corners[np.argsort(corners[:, 0], kind="stable")]
    top_left, bottom_left = by_x[:2][np.argsort(by_x[:2, 1], kind="stable")]
    top_right, bottom_right = by_x[2:][np.argsort(by_x[2:, 1], kind="stable")]
    ordered = np.array([top_left, top_right, bottom_right, bottom_left], dtype=np.float32)
    ordered[:, 0] = np.clip(ordered[:, 0], 0, width - 1).astype(np.int32)
    ordered[:, 1] = np.clip(ordered[:, 1], 0, height - 1).astype(np.int32)
    return ordered


def _reading_order(boxes: list[np.ndarray], scores: list[float]) -> list[tuple[np.ndarray, float]]:
    """Top to bottom (tops less than LINE_GAP apart are one line), then left to right."""
    tops = np.array([box[0, 1] for box in boxes])
    by_top = np.argsort(tops, kind="stable")
    line = np.concatenate([[0], np.cumsum(np.diff(tops[by_top]) >= LINE_GAP)])
    lefts = np.array([boxes[index][0, 0] for index in by_top])
    return [(boxes[by_top[i]], scores[by_top[i]]) for i in np.lexsort((lefts, line))]


class TextFinder:
    """DB text detection: quadrilaterals (4 corners, float32 pixels) around text lines, with their scores,
    in reading order. The image is resized so its longer (`limit="max"`) or shorter (`"min"`) side is
    `side` (only ever down for "max", up for "min"), rounded to multiples of 32 as the network needs."""

    def __init__(self, side: int, limit: str = "max", threads: int | None = None) -> None:
        if limit not in ("max", "min"):
            raise ValueError(f"limit must be 'max' or 'min', not {limit!r}")
        self.side, self.limit = side, limit
        self.session = open_session(model_path(DETECTOR), threads)

    def __call__(self, pixels: np.ndarray) -> list[tuple[np.ndarray, float]]:
        original_height, original_width = pixels.shape[:2]
        bounded, ratio_y, ratio_x = within_bounds(pixels)
        padded, top = self._banner_padded(bounded)
        found = self._boxes(padded)
        for corners, _ in found:  # back to the caller's pixels
            corners[:, 1] -= top
            np.multiply(corners, (ratio_x, ratio_y), out=corners)
            np.clip(corners, 0, (original_width, original_height), out=corners)
        return found

    @staticmethod
    def _banner_padded(pixels: np.ndarray) -> tuple[np.ndarray, int]:
        height, width = pixels.shape[:2]
        if height > BANNER_HEIGHT and width / height <= BANNER_RATIO:
            return pixels, 0
        top = abs(max(int(width / BANNER_RATIO), BANNER_HEIGHT) * 2 - height) // 2
        return cv2.copyMakeBorder(pixels, top, top, 0, 0, cv2.BORDER_CONSTANT, value=(0, 0, 0)), top

    def _boxes(self, pixels: np.ndarray) -> list[tuple[np.ndarray, float]]:
        height, width = pixels.shape[:2]
        limited = max(height, width) if self.limit == "max" else min(height, width)
        beyond = limited > self.side if self.limit == "max" else limited < self.side
        resized = _to_multiple_of_32(pixels, self.side / limited if beyond else 1.0)
        if resized is None:
            return []
        (output,) = self.session.run(None, {"x": np.ascontiguousarray(_normalised(resized)[None])})
        probabilities = output[0, 0]
        mask = cv2.dilate((probabilities > PROBABILITY).astype(np.uint8), np.ones((2, 2), dtype=np.uint8))
        contours, _ = cv2.findContours(mask * 255, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        map_height, map_width = probabilities.shape
        boxes: list[np.ndarray] = []
        scores: list[float] = []
        for contour in contours[:MAX_CANDIDATES]:
            corners, short_side = _corners(cv2.minAreaRect(contour))
            if short_side < MIN_BOX_SIDE:
                continue
            score = _box_score(probabilities, corners)
            if score < BOX_SCORE:
                continue
            corners, short_side = _corners(cv2.minAreaRect(_unclipped(corners)))
            if short_side < MIN_BOX_SIDE + 2:
                continue
            corners[:, 0] = np.clip(np.round(corners[:, 0] / map_width * width), 0, width)
            corners[:, 1] = np.clip(np.round(corners[:, 1] / map_height * height), 0, height)
            corners = _clockwise(corners.astype(np.int32), width, height)
            # Clipped to the image, a box may have become a sliver: RapidOCR drops those too.
            if min(int(np.linalg.norm(corners[0] - corners[side])) for side in (1, 3)) <= MIN_BOX_SIDE:
                continue
            boxes.append(corners)
            scores.append(score)
        return _reading_order(boxes, scores) if boxes else []


def crop(pixels: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The quadrilateral cut out and straightened; a crop at least 1.5 times taller than wide is turned a
    quarter anticlockwise (a vertical line read as a horizontal one), as PaddleOCR does."""
    corners = np.asarray(corners, dtype=np.float32)
    width = int(max(np.linalg.norm(corners[0] - corners[1]), np.linalg.norm(corners[2] - corners[3])))
    height = int(max(np.linalg.norm(corners[0] - corners[3]), np.linalg.norm(corners[1] - corners[2])))
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    warped = cv2.warpPerspective(
        pixels,
        cv2.getPerspectiveTransform(corners, target),
        (width, height),
        borderMode=cv2.BORDER_REPLICATE,
        flags=cv2.INTER_CUBIC,
    )
    return np.rot90(warped) if warped.shape[0] >= 1.5 * warped.shape[1] else warped


def _padded_input(pixels: np.ndarray, height: int, width: int) -> np.ndarray:
    """(3, height, width): the image resized to `height` keeping its ratio (at most `width` wide),
    normalised, zeros to the right."""
    resized_width = min(width, math.ceil(height * pixels.shape[1] / pixels.shape[0]))
    batch = np.zeros((3, height, width), dtype=np.float32)
    batch[:, :, :resized_width] = _normalised(cv2.resize(pixels, (resized_width, height)))
    return batch


class TextReader:
    """A cropped line read: turned upright if the orientation classifier is sure it is upside down, then
    read by the recogniser, decoded greedily (CTC: repeats merged, blanks dropped). The confidence is the
    mean of the kept characters' probabilities (0 for an empty reading)."""

    def __init__(self, threads: int | None = None) -> None:
        self.orientation = open_session(model_path(ORIENTATION), threads)
        self.session = open_session(model_path(RECOGNISER), threads)
        characters = self.session.get_modelmeta().custom_metadata_map["character"].splitlines()
        # Index 0 is CTC's blank; the model's last class is a space, which its dictionary leaves out.
        self.characters = ["", *characters, " "]

    def __call__(self, pixels: np.ndarray) -> tuple[str, float]:
        line = self._upright(within_bounds(pixels)[0])
        width = int(READ_HEIGHT * max(READ_MIN_WIDTH / READ_HEIGHT, line.shape[1] / line.shape[0]))
        (output,) = self.session.run(None, {"x": _padded_input(line, READ_HEIGHT, width)[None]})
        best, probability = output[0].argmax(axis=1), output[0].max(axis=1)
        kept = best != 0
        kept[1:] &= best[1:] != best[:-1]
        text = "".join(self.characters[index] for index in best[kept])
        return text, float(np.mean(probability[kept])) if kept.any() else 0.0

    def _upright(self, line: np.ndarray) -> np.ndarray:
        (output,) = self.orientation.run(None, {"x": _padded_input(line, *ORIENTATION_SHAPE)[None]})
        upside_down = int(output[0].argmax()) == 1 and float(output[0][1]) > UPSIDE_DOWN
        return cv2.rotate(line, cv2.ROTATE_180) if upside_down else line
