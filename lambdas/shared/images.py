"""Recognising and safely decoding the images the bot handles: JPEG, PNG, GIF and WebP only.

The type is decided by the file's magic number, never by its name or a server's word alone, and a
decompression-bomb cap is applied per call rather than through Pillow's process-wide
`Image.MAX_IMAGE_PIXELS`, so other code in the same process keeps its own limit.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

# Pillow format name and file extension for each accepted content type.
FORMATS: dict[str, tuple[str, str]] = {
    "image/jpeg": ("JPEG", "jpg"),
    "image/png": ("PNG", "png"),
    "image/gif": ("GIF", "gif"),
    "image/webp": ("WEBP", "webp"),
}
# 40 megapixels: larger than any photo X serves (4096 px on the long side), far below a bomb.
DEFAULT_MAX_PIXELS = 40_000_000


class ImageRejected(Exception):
    """The bytes are not an acceptable image; `code` says why (`NotAnImage`, `TooManyPixels`, ...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ImageInfo:
    content_type: str
    width: int
    height: int

    @property
    def extension(self) -> str:
        return FORMATS[self.content_type][1]


def sniff_content_type(data: bytes) -> str | None:
    """The content type the magic number announces, or None when it is none of the accepted formats."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def open_image(data: bytes, max_pixels: int = DEFAULT_MAX_PIXELS) -> tuple[Image.Image, ImageInfo]:
    """Decode `data` fully (verified, bomb-capped); the loaded image and what it is.

    Raises `ImageRejected` with code `NotAnImage`, `TooManyPixels` or `BrokenImage`.
    """
    return _checked(data, max_pixels, full_size=True)


def inspect_image(data: bytes, max_pixels: int = DEFAULT_MAX_PIXELS) -> ImageInfo:
    """What the image is, after the same checks as `open_image`.

    No pixel is kept, so a JPEG is decoded at 1/8 scale: libjpeg still reads and checks the whole
    entropy-coded stream (a truncated or corrupt file fails the same way), but skips most of the
    inverse DCT and colour work, 5x less CPU for a 4096x3072 photo.
    """
    image, info = _checked(data, max_pixels, full_size=False)
    image.close()
    return info


def _checked(data: bytes, max_pixels: int, *, full_size: bool) -> tuple[Image.Image, ImageInfo]:
    content_type = sniff_content_type(data)
    if content_type is None:
        raise ImageRejected("NotAnImage", "the data is not a JPEG, PNG, GIF or WebP image")
    pillow_format = FORMATS[content_type][0]
    # verify() checks the structure and checksums but leaves the image unusable, so open it twice.
    checked = _open_capped(data, pillow_format, max_pixels)
    try:
        checked.verify()
    except Exception as error:  # Pillow raises many exception types for corrupt data
        raise ImageRejected("BrokenImage", f"the image is corrupt: {error}") from None
    finally:
        checked.close()
    image = _open_capped(data, pillow_format, max_pixels)
    info = ImageInfo(content_type, image.width, image.height)
    if not full_size and content_type == "image/jpeg":
        image.draft(None, (max(1, image.width // 8), max(1, image.height // 8)))
    try:
        image.load()
    except Exception as error:
        image.close()
        raise ImageRejected("BrokenImage", f"the image is truncated or corrupt: {error}") from None
    return image, info


def _open_capped(data: bytes, pillow_format: str, max_pixels: int) -> Image.Image:
    """`Image.open` restricted to one format, the pixel cap checked before any pixel is decoded."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice it: treat that as a bomb as well.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[pillow_format])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected("TooManyPixels", "the image has too many pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ImageRejected("BrokenImage", f"the image cannot be decoded: {error}") from None
    width, height = image.size
    if width <= 0 or height <= 0 or width * height > max_pixels:
        image.close()
        raise ImageRejected(
            "TooManyPixels", f"the image is {width}x{height}, more than the {max_pixels} pixels allowed"
        )
    return image
