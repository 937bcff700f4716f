"""Reading a Rekognition `Image` ({Bytes} or {S3Object}) into pixels, with Rekognition's checks and errors.

The local object store is injected as an `ObjectReader` (bucket, key) -> bytes (such as
`ObjectStore(root).read`), so this module depends on no particular store; any exception it
raises becomes InvalidS3ObjectException, as on AWS when Rekognition cannot read the object. The local
store keeps no object versions, so an S3Object's `Version` is not passed on.
"""

from __future__ import annotations

import base64
import binascii
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from PIL import Image, UnidentifiedImageError

from integrations.errors import ServiceError

SERVICE = "rekognition"
MAX_BYTES = 5 * 1024 * 1024  # an image passed as Bytes
MAX_S3_BYTES = 15 * 1024 * 1024  # an image read from S3
_FORMATS = {b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG"}


class ObjectReader(Protocol):
    def __call__(self, bucket: str, key: str) -> bytes: ...


def no_object_store(bucket: str, key: str) -> bytes:
    """The reader used when no object store is wired in: every S3Object is unreadable."""
    raise LookupError(f"no object store configured to read s3://{bucket}/{key}")


@dataclass(frozen=True)
class LoadedImage:
    data: bytes
    pixels: np.ndarray  # H x W x 3, uint8, RGB
    format: str

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])


def _error(code: str, message: str) -> ServiceError:
    return ServiceError(SERVICE, code, message, 400)


def image_bytes(image: object, read_object: ObjectReader | Callable[..., bytes]) -> bytes:
    """The raw bytes of a request's `Image`, from Bytes (raw or base64 text) or from the object store."""
    if not isinstance(image, Mapping) or ("Bytes" in image) == ("S3Object" in image):
        raise _error("InvalidParameterException", "Image must have exactly one of Bytes or S3Object")
    if "Bytes" in image:
        data = _decode_bytes(image["Bytes"])
        if len(data) > MAX_BYTES:
            raise _error(
                "ImageTooLargeException",
                f"Image size is {len(data)} bytes; images passed as Bytes can be at most {MAX_BYTES} bytes",
            )
        return data
    s3 = image["S3Object"]
    if not isinstance(s3, Mapping) or not s3.get("Bucket") or not s3.get("Name"):
        raise _error("InvalidParameterException", "S3Object needs Bucket and Name")
    try:
        data = read_object(str(s3["Bucket"]), str(s3["Name"]))
    except Exception as error:  # any failure to read is, to the caller, an unreadable S3 object
        raise _error(
            "InvalidS3ObjectException",
            f"Unable to get object metadata from S3. Check object key, region "
            f"and/or access permissions. ({type(error).__name__}: {error})",
        ) from error
    if len(data) > MAX_S3_BYTES:
        raise _error(
            "ImageTooLargeException",
            f"Image size is {len(data)} bytes; images in S3 can be at most {MAX_S3_BYTES} bytes",
        )
    return data


def _decode_bytes(value: Any) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, str):  # JSON wire format and Step Functions carry blobs as base64 text
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as error:
            raise _error("InvalidParameterException", "Image.Bytes is not valid base64") from error
    raise _error("InvalidParameterException", "Image.Bytes must be bytes")


def load_image(
    image: object, read_object: ObjectReader | Callable[..., bytes] = no_object_store
) -> LoadedImage:
    """Decode a request's `Image`: JPEG or PNG only, as Rekognition accepts."""
    data = image_bytes(image, read_object)
    kind = next((name for magic, name in _FORMATS.items() if data.startswith(magic)), None)
    if kind is None:
        raise _error("InvalidImageFormatException", "Request has unsupported image format (JPEG or PNG only)")
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            pixels = np.asarray(opened.convert("RGB"))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise _error("InvalidImageFormatException", f"Request has invalid image format: {error}") from error
    return LoadedImage(data=data, pixels=pixels, format=kind)


def box(edges: tuple[float, float, float, float], size: tuple[int, int]) -> dict[str, float]:
    """Rekognition's BoundingBox from pixel (left, top, right, bottom) in an image of (width, height)."""
    left, top, right, bottom = edges
    width, height = size
    left, right = max(0.0, left), min(float(width), right)
    top, bottom = max(0.0, top), min(float(height), bottom)
    return {
        "Width": float(max(0.0, right - left) / width),
        "Height": float(max(0.0, bottom - top) / height),
        "Left": float(left / width),
        "Top": float(top / height),
    }


def gray_quality(gray: np.ndarray) -> dict[str, float]:
    """Brightness (mean luminance) and Sharpness (variance of the Laplacian), each on Rekognition's 0-100."""
    if min(gray.shape[:2], default=0) < 3:
        return {"Brightness": float(gray.mean() / 255.0 * 100.0) if gray.size else 0.0, "Sharpness": 0.0}
    laplacian = -4 * gray[1:-1, 1:-1] + gray[:-2, 1:-1] + gray[2:, 1:-1] + gray[1:-1, :-2] + gray[1:-1, 2:]
    return {
        "Brightness": float(gray.mean() / 255.0 * 100.0),
        "Sharpness": float(100.0 * (1.0 - np.exp(-float(laplacian.var()) / 300.0))),
    }


def resized(pixels: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The RGB image at (width, height), resampled bilinearly (Pillow filters over the whole footprint
    when it shrinks, so fine detail such as small text blurs rather than aliases)."""
    if (pixels.shape[1], pixels.shape[0]) == size:
        return pixels
    return np.asarray(Image.fromarray(pixels).resize(size, Image.Resampling.BILINEAR))


def scaled(pixels: np.ndarray, longest: int) -> np.ndarray:
    """The image shrunk so that its longer side is at most `longest` (unchanged when it already is)."""
    factor = longest / max(pixels.shape[:2])
    if factor >= 1.0:
        return pixels
    return resized(pixels, (max(1, round(pixels.shape[1] * factor)), max(1, round(pixels.shape[0] * factor))))


def luminance(pixels: np.ndarray) -> np.ndarray:
    return pixels.astype(float) @ np.array([0.299, 0.587, 0.114])
