"""Text in images: RapidOCR (PP-OCRv6 small detection and recognition, ONNX models inside the wheel).

RapidOCR finds text lines and, with word boxes on, the words in them; Rekognition's DetectText answers
LINE detections (Id 0..n) followed by WORD detections whose ParentId is their line's Id. PP-OCR reads
Latin script and Chinese; other scripts come out wrong or not at all.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import numpy as np

from integrations.ai.lazy import lazy_model
from integrations.ai.vision.images import box

MAX_WORDS = 100  # Rekognition DetectText returns at most 100 words per image
MAX_SIDE = 2000  # larger photos are scaled down first: as readable, 2-3x faster (boxes are ratios anyway)
_inference = threading.Lock()  # RapidOCR keeps per-call settings on the engine: one call at a time


def _load() -> Any:
    from rapidocr import RapidOCR

    engine = RapidOCR(params={"Global.log_level": "error", "Global.return_word_box": True})
    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return engine


RAPIDOCR = lazy_model("rapidocr-pp-ocrv6", _load)


def _geometry(points: Any, size: tuple[int, int]) -> dict[str, Any]:
    corners = np.asarray(points, dtype=float).reshape(-1, 2)
    width, height = size
    left, top = corners.min(axis=0)
    right, bottom = corners.max(axis=0)
    return {
        "BoundingBox": box((left, top, right, bottom), size),
        "Polygon": [{"X": float(x) / width, "Y": float(y) / height} for x, y in corners],
    }


def _bgr(pixels: np.ndarray) -> np.ndarray:
    """The image as RapidOCR (OpenCV) wants it: BGR, contiguous, at most MAX_SIDE on its longer side."""
    scale = MAX_SIDE / max(pixels.shape[:2])
    if scale < 1.0:
        from PIL import Image

        size = (max(1, round(pixels.shape[1] * scale)), max(1, round(pixels.shape[0] * scale)))
        pixels = np.asarray(Image.fromarray(pixels).resize(size, Image.Resampling.BILINEAR))
    return np.ascontiguousarray(pixels[:, :, ::-1])


def detect_text(pixels: np.ndarray, min_confidence: float = 0.0) -> list[dict[str, Any]]:
    """Rekognition's TextDetections: LINEs first, then their WORDs."""
    engine = RAPIDOCR.get()
    work = _bgr(pixels)
    with _inference:
        output = engine(work, use_det=True, use_cls=True, use_rec=True)
    if getattr(output, "txts", None) is None or output.boxes is None:
        return []
    size = (int(work.shape[1]), int(work.shape[0]))  # RapidOCR's boxes are in the scaled image's pixels
    lines: list[dict[str, Any]] = []
    words: list[dict[str, Any]] = []
    word_groups = output.word_results or [()] * len(output.txts)
    for text, score, corners, group in zip(
        output.txts, output.scores, output.boxes, word_groups, strict=True
    ):
        confidence = float(score) * 100.0
        if confidence < min_confidence or not text.strip():
            continue
        line_id = len(lines)
        lines.append(
            {
                "DetectedText": text.strip(),
                "Type": "LINE",
                "Id": line_id,
                "Confidence": confidence,
                "Geometry": _geometry(corners, size),
            }
        )
        for word, word_score, word_corners in group:
            if len(words) >= MAX_WORDS or not str(word).strip():
                continue
            words.append(
                {
                    "DetectedText": str(word).strip(),
                    "Type": "WORD",
                    "Id": 0,  # numbered after all lines, below
                    "ParentId": line_id,
                    "Confidence": float(word_score) * 100.0,
                    "Geometry": _geometry(word_corners, size),
                }
            )
    for offset, word in enumerate(words):
        word["Id"] = len(lines) + offset
    return lines + words
