"""Images for the vision tests: public-domain photos from examples/media, and images drawn here."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps

from integrations.ai.onnx_cache import CachedModel, OnnxRecipe

MEDIA = Path(__file__).resolve().parents[2] / "examples" / "media"


def encode(image: Image.Image, kind: str = "JPEG", quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=kind, **({"quality": quality} if kind == "JPEG" else {}))
    return buffer.getvalue()


@pytest.fixture(scope="session")
def photo():
    """The bytes of a sample photo by name (astronaut, chelsea, coffee, page, camera, rocket, …)."""
    return lambda name: (MEDIA / f"{name}.jpg").read_bytes()


@pytest.fixture(scope="session")
def sign() -> tuple[bytes, list[str]]:
    """A PNG with two lines of text, drawn with Pillow's own font, and the words on it."""
    image = Image.new("RGB", (720, 260), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=44)
    draw.text((30, 40), "OPEN EVERY DAY", fill="black", font=font)
    draw.text((30, 150), "Coffee and cake 2026", fill=(20, 20, 120), font=font)
    return encode(image, "PNG"), ["OPEN", "EVERY", "DAY", "Coffee", "and", "cake", "2026"]


@pytest.fixture(scope="session")
def two_astronauts() -> bytes:
    """The astronaut's portrait twice, side by side, at two sizes: two faces in one image."""
    portrait = Image.open(MEDIA / "astronaut.jpg").convert("RGB").crop((96, 0, 352, 256))
    canvas = Image.new("RGB", (640, 320), (240, 240, 240))
    canvas.paste(portrait, (10, 30))
    canvas.paste(portrait.resize((200, 200)), (400, 60))
    return encode(canvas)


@pytest.fixture(scope="session")
def astronaut_variant() -> bytes:
    """The same person, changed: mirrored, rescaled, darker, recompressed (no second photo of her ships)."""
    image = ImageOps.mirror(Image.open(MEDIA / "astronaut.jpg").convert("RGB"))
    image = ImageEnhance.Brightness(image.resize((400, 400))).enhance(0.8)
    return encode(image, quality=70)


@pytest.fixture
def corrupted_cache(tmp_path, monkeypatch):
    """Given a cached ONNX model's recipe: a private cache folder (now $SMA_CACHE_DIR) holding a copy of
    the built model with one byte flipped inside a weight; returns the copy's CachedModel."""

    def corrupt(recipe: OnnxRecipe) -> CachedModel:
        real = recipe.model()
        assert isinstance(real, Path)
        cached = recipe.cached(tmp_path)
        data = bytearray(real.read_bytes())
        data[len(data) // 2] ^= 0xFF
        cached.onnx_file.write_bytes(bytes(data))
        cached.note_file.write_text(real.with_suffix(".json").read_text())
        monkeypatch.setenv("SMA_CACHE_DIR", str(tmp_path))
        return cached

    return corrupt
