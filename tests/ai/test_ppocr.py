"""PP-OCR run directly (integrations/ai/vision/ppocr.py) against RapidOCR 3.10 running the same models.

RapidOCR is the reference: its pipeline (rapidocr/main.py, ch_ppocr_det, ch_ppocr_cls, ch_ppocr_rec in the
pinned wheel) and PaddleOCR's DB and CTC post-processing it follows
(https://github.com/PaddlePaddle/PaddleOCR/blob/main/ppocr/postprocess/db_postprocess.py,
rec_postprocess.py) define the boxes, strings and confidences ours must give.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from integrations.ai import weights
from integrations.ai.vision import ppocr
from integrations.ai.vision.images import scaled
from integrations.ai.vision.ocr import FIND_SIDE

ROOT = Path(__file__).resolve().parents[2]
MEDIA = ROOT / "examples" / "media"
PHOTOS = ("astronaut", "camera", "chelsea", "coffee", "notice", "rocket")


def _photo(name: str) -> np.ndarray:
    return np.asarray(Image.open(MEDIA / f"{name}.jpg").convert("RGB"))


def _drawn(size: tuple[int, int], lines: list[tuple[str, int]], angle: float = 0.0) -> np.ndarray:
    """Lines of text (text, font size) drawn with Pillow's own font, one under another, maybe tilted."""
    image = Image.new("RGB", size, (235, 230, 215))
    draw = ImageDraw.Draw(image)
    top = 10
    for text, font_size in lines:
        draw.text((12, top), text, fill=(20, 20, 60), font=ImageFont.load_default(size=font_size))
        top += int(font_size * 1.6)
    return np.asarray(image.rotate(angle, expand=True, fillcolor=(235, 230, 215)) if angle else image)


def _on_photo() -> np.ndarray:
    poster = Image.open(MEDIA / "rocket.jpg").convert("RGB").resize((1800, 1200))
    ImageDraw.Draw(poster).text(
        (150, 120), "Launch at dawn", fill="white", font=ImageFont.load_default(size=70)
    )
    return np.asarray(poster)


DRAWN = {
    "sign": lambda: _drawn((720, 260), [("OPEN EVERY DAY", 44), ("Coffee and cake 2026", 44)]),
    "tilted": lambda: _drawn((640, 200), [("Tilted line of text", 40)], angle=12),
    "banner": lambda: _drawn((900, 70), [("A banner wider than eight times its height", 36)]),  # padded
    "strip": lambda: _drawn((200, 26), [("tiny", 14)]),  # below 30 px: enlarged first
    "small print": lambda: _drawn((500, 300), [(f"line {n}: small print", 14) for n in range(8)]),
    "text on photo": _on_photo,
}
IMAGES = {**{name: lambda name=name: _photo(name) for name in PHOTOS}, **DRAWN}


@pytest.fixture(scope="module")
def reference():
    """RapidOCR's detector as the "Text" label uses it (at most FIND_SIDE px) and its line reader."""
    rapidocr = pytest.importorskip("rapidocr")
    quiet = {"Global.log_level": "error", "EngineConfig.onnxruntime.intra_op_num_threads": 1}
    finder = rapidocr.RapidOCR(
        params={
            **quiet,
            **{"Global.use_cls": False, "Global.use_rec": False},
            **{"Det.limit_type": "max", "Det.limit_side_len": FIND_SIDE},
        }
    )
    reader = rapidocr.RapidOCR(params={**quiet, "Global.use_det": False})
    return finder, reader


@pytest.fixture(scope="module")
def ours():
    return ppocr.TextFinder(FIND_SIDE, "max", threads=1), ppocr.TextReader(threads=1)


def _bgr(pixels: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(pixels[:, :, ::-1])


def _iou(first: np.ndarray, second: np.ndarray) -> float:
    first, second = np.asarray(first, dtype=np.float32), np.asarray(second, dtype=np.float32)
    overlap, _ = cv2.intersectConvexConvex(first, second)
    return float(overlap / (cv2.contourArea(first) + cv2.contourArea(second) - overlap))


@pytest.mark.parametrize("name", IMAGES)
def test_the_finder_boxes_what_rapidocr_boxes(reference, ours, name):
    pixels = scaled(IMAGES[name](), FIND_SIDE)
    expected = reference[0](_bgr(pixels))
    found = ours[0](pixels)
    expected_boxes = [] if expected.boxes is None else list(expected.boxes)
    assert len(found) == len(expected_boxes)
    # Both in reading order (top to bottom, then left to right), box for box.
    for (corners, _), theirs in zip(found, expected_boxes, strict=True):
        assert _iou(corners, theirs) >= 0.9, (corners.tolist(), theirs.tolist())
        assert np.abs(corners - theirs).max() <= 1.0  # in fact the same pixels, give or take rounding
    # RapidOCR sorts its boxes into reading order but not their scores (TextDetector.__call__), so the
    # scores are compared as sets; ours stay with their boxes.
    ours_scores = sorted(score for _, score in found)
    assert ours_scores == pytest.approx(sorted(expected.scores or []), abs=1e-3)
    if name in DRAWN and name != "strip":
        assert found, "a drawn line of text is found"


def _crops(name: str, finder: ppocr.TextFinder) -> list[np.ndarray]:
    """The lines the finder boxes, cut from the image at full size as the "Text" label reads them."""
    pixels = IMAGES[name]()
    small = scaled(pixels, FIND_SIDE)
    ratio = np.array([pixels.shape[1] / small.shape[1], pixels.shape[0] / small.shape[0]], dtype=np.float32)
    return [ppocr.crop(pixels, corners * ratio) for corners, _ in finder(small)]


@pytest.mark.parametrize("name", IMAGES)
def test_the_reader_reads_what_rapidocr_reads(reference, ours, name):
    from rapidocr.utils.process_img import get_rotate_crop_image

    crops = _crops(name, ours[0])
    if name == "sign":  # a line upside down (the orientation classifier turns it) and one 20 px high
        crops += [np.ascontiguousarray(crops[0][::-1, ::-1]), crops[1][:: max(1, crops[1].shape[0] // 20)]]
    for index, line in enumerate(crops):
        expected = reference[1](_bgr(line))
        text, confidence = ours[1](line)
        assert text == (expected.txts or ("",))[0], index
        assert confidence == pytest.approx((expected.scores or (0.0,))[0], abs=1e-3), index
    # The crop itself is RapidOCR's (same warp, same quarter turn of tall crops).
    pixels = IMAGES[name]()
    tall = np.array([[40, 10], [70, 10], [70, 130], [40, 130]], dtype=np.float32)
    for corners in [tall, *(corners for corners, _ in ours[0](pixels)[:2])]:
        assert np.array_equal(ppocr.crop(pixels, corners), get_rotate_crop_image(pixels, corners.copy()))


def test_the_drawn_words_are_read():
    finder, reader = ppocr.TextFinder(FIND_SIDE), ppocr.TextReader()
    pixels = DRAWN["sign"]()
    assert [reader(ppocr.crop(pixels, corners))[0] for corners, _ in finder(pixels)] == [
        "OPEN EVERY DAY",
        "Coffee and cake 2026",
    ]
    assert finder(np.full((300, 400, 3), 255, dtype=np.uint8)) == []


def test_detect_labels_imports_neither_rapidocr_nor_omegaconf(tmp_path):
    # Building RapidOCR's engines cost ~1.5 s of GIL-holding Python (OmegaConf) in every `sma up`.
    code = """
import json, sys
from integrations.ai.vision.face_store import FaceStore
from integrations.ai.rekognition import Rekognition
image = {"Bytes": open(sys.argv[1], "rb").read()}
labels = Rekognition(FaceStore(sys.argv[2]), gallery="gallery").detect_labels({"Image": image})
names = [label["Name"] for label in labels["Labels"]]
modules = [module for module in ("rapidocr", "omegaconf") if module in sys.modules]
print(json.dumps({"text": "Text" in names, "modules": modules}))
"""
    out = subprocess.run(
        [sys.executable, "-c", code, str(MEDIA / "notice.jpg"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    answer = json.loads(out.stdout.strip().splitlines()[-1])
    assert answer == {"text": True, "modules": []}


def test_a_missing_model_package_is_said_plainly(monkeypatch):
    monkeypatch.setattr(weights.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(weights.ModelFileError, match="'rapidocr' is not installed"):
        ppocr.model_path(ppocr.DETECTOR)


def test_the_finder_rejects_an_unknown_limit():
    with pytest.raises(ValueError, match="limit"):
        ppocr.TextFinder(640, "middle")


def test_the_warm_up_loads_the_direct_engines_and_not_rapidocr():
    # `sma up` loads every registered model; RapidOCR (DetectText only) loads on first use instead.
    from integrations.ai.warmup import models

    names = list(models())
    assert "rapidocr-pp-ocrv6" not in names
    # Declared by the ocr module, so ranked with the photo models, before spaCy.
    assert names.index("pp-ocrv6-text-finder") < names.index("pp-ocrv6-text-reader")
    assert names.index("pp-ocrv6-text-reader") < names.index("spacy-en_core_web_sm")
