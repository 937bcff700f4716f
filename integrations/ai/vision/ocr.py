"""Text in images: PaddleOCR's PP-OCRv6 small detection and recognition (ONNX models in the rapidocr wheel).

Two jobs, each doing only the work its answer needs:

* DetectText reads everything: RapidOCR finds text lines and, with word boxes on, the words in them;
  Rekognition's DetectText answers LINE detections (Id 0..n) followed by WORD detections whose ParentId
  is their line's Id. PP-OCR reads Latin script and Chinese; other scripts come out wrong or not at all.
  RapidOCR loads on the first DetectText call, never in the warm-up: no workflow calls DetectText, and
  building its engines cost ~1.5 s of GIL-holding Python (OmegaConf) while the local cloud started.
* DetectLabels only asks whether there is text (the "Text" label): the detector runs once on the image
  scaled down to FIND_SIDE, and only its READ_CANDIDATES most confident boxes are read, cut from the
  image at full size, until one reads as a word. Reading every line (and detecting at RapidOCR's default
  of at least 736 px on the *shorter* side, which triples the pixels of a small photo) cost 0.5-2 s of
  CPU per photo; this costs 0.05-0.15 s and, on photos with and without text, agrees with it except
  where it was wrong (benchmarks/ai.py, "Text label"). Its two engines are the same models run directly
  on onnxruntime (`ppocr.py`: RapidOCR's steps and constants, its boxes, strings and confidences), so
  DetectLabels imports neither rapidocr nor omegaconf; they load in ~0.45 s of CPU instead of ~1.35 s.

Every engine runs its ONNX sessions on one thread: two photos in flight then use the two cores, where
onnxruntime's default pool (a thread per core, spinning while it waits for work) made them fight.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import numpy as np

from integrations.ai.lazy import LazyModel, lazy_model
from integrations.ai.threads import ai_threads
from integrations.ai.vision.images import box, scaled
from integrations.ai.vision.ppocr import TextFinder, TextReader, crop

MAX_WORDS = 100  # Rekognition DetectText returns at most 100 words per image
MAX_SIDE = 2000  # larger photos are scaled down first: as readable, 2-3x faster (boxes are ratios anyway)
FIND_SIDE = 640  # the "Text" label's detector sees the photo at most this large (text >= ~10 px stays)
READ_CANDIDATES = 3  # boxes read, most confident first, before saying there is no readable text
READABLE_CONFIDENCE = 80.0  # a line read at least this surely, with 2+ letters or digits, is text
_inference = threading.Lock()  # DetectText's engine takes per-call settings: one call at a time


def _rapidocr() -> Any:
    from rapidocr import RapidOCR

    settings = {
        "Global.log_level": "error",
        "Global.return_word_box": True,
        "EngineConfig.onnxruntime.intra_op_num_threads": ai_threads(),
    }
    engine = RapidOCR(params=settings)
    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return engine


# Not registered for the warm-up (a LazyModel, not `lazy_model`): the local cloud's workflows never call
# DetectText, and building RapidOCR costs ~1.5 s of GIL-holding Python the start-up needs elsewhere.
RAPIDOCR: LazyModel[Any] = LazyModel("rapidocr-pp-ocrv6", _rapidocr)


def _reader() -> TextReader:
    """Declared here, not as the class itself: the warm-up ranks models by their loader's module."""
    return TextReader()


TEXT_FINDER = lazy_model("pp-ocrv6-text-finder", lambda: TextFinder(FIND_SIDE, "max"))
TEXT_READER = lazy_model("pp-ocrv6-text-reader", _reader)


def readable(text: str, confidence: float) -> bool:
    """A line that says something: read with READABLE_CONFIDENCE or more, and 2+ letters or digits."""
    return confidence >= READABLE_CONFIDENCE and sum(char.isalnum() for char in text) >= 2


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
    """The image as RapidOCR (OpenCV) wants it: BGR, contiguous."""
    return np.ascontiguousarray(pixels[:, :, ::-1])


def text_confidence(pixels: np.ndarray) -> float | None:
    """How surely the image shows readable text (a readable line's confidence), or None when it shows none.

    Detection alone is not enough: on the sample photos it also boxes a cup's rim and flat-coloured
    rectangles with scores as high as real lines', so the best few boxes are read to tell them apart.
    """
    small = scaled(pixels, FIND_SIDE)
    found = TEXT_FINDER.get()(small)
    # Boxes back to full-size pixels (per axis: the scaled size was rounded), to read the sharpest crop.
    ratio = np.array([pixels.shape[1] / small.shape[1], pixels.shape[0] / small.shape[0]], dtype=np.float32)
    reader = TEXT_READER.get()
    for corners, _ in sorted(found, key=lambda item: -item[1])[:READ_CANDIDATES]:
        text, score = reader(crop(pixels, corners * ratio))
        if readable(text, score * 100.0):
            return score * 100.0
    return None


def detect_text(pixels: np.ndarray, min_confidence: float = 0.0) -> list[dict[str, Any]]:
    """Rekognition's TextDetections: LINEs first, then their WORDs."""
    engine = RAPIDOCR.get()
    work = _bgr(scaled(pixels, MAX_SIDE))
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
