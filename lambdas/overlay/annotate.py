"""The overlay as a plain function with its S3 client injected.

Input (the `Payload` of a `lambda:invoke` Task; the two lists are one image's RecognizeCelebrities
result, as `MESSAGE_ANALYSED` carries it in `Analysis.Images[].Analysis`):

    {"Bucket": "media-bucket", "Key": "media/<tweet id>/0.jpg",
     "CelebrityFaces": [{"Name": "...", "Face": {"BoundingBox": {...}}, ...}],
     "UnrecognizedFaces": [{"BoundingBox": {...}, ...}],
     "BlurUnrecognized": true}

Output:

    {"Bucket", "Key": "annotated/media/<tweet id>/0.jpg", "SourceKey", "ContentType": "image/jpeg",
     "Width", "Height", "Names": [...], "BlurredFaces": <count>}

The same input always writes the same key with the same picture, so a retry is harmless.
"""

from __future__ import annotations

import io
import posixpath
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from lambdas.overlay.faces import recognised_faces, unrecognised_faces
from lambdas.overlay.render import blur_faces, label_faces, upright_rgb
from lambdas.overlay.settings import OverlaySettings
from lambdas.shared.errors import InvalidInput
from lambdas.shared.images import ImageRejected, open_image
from lambdas.shared.structured_log import get_logger, log_fields

ANNOTATED_PREFIX = "annotated/"

logger = get_logger("sma.overlay")


class SourceImageUnusable(Exception):
    """The stored photo cannot be annotated (not an image, corrupt, too large); not worth retrying."""


def annotated_key(key: str) -> str:
    """Where the annotated copy of `key` goes: `annotated/<key without extension>.jpg`."""
    stem, _ = posixpath.splitext(key)
    return f"{ANNOTATED_PREFIX}{stem}.jpg"


def _string(event: Mapping[str, Any], field: str) -> str:
    value = event.get(field)
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"{field} must be a non-empty string")
    return value


def annotate_image(
    data: bytes, event: Mapping[str, Any], settings: OverlaySettings
) -> tuple[bytes, dict[str, Any]]:
    """Render the annotated JPEG for `event`'s faces over `data`; the bytes and what was drawn."""
    try:
        image, _ = open_image(data, settings.max_image_pixels)
    except ImageRejected as rejected:
        raise SourceImageUnusable(f"{rejected.code}: {rejected}") from None
    picture = upright_rgb(image)
    known = recognised_faces(event.get("CelebrityFaces"), picture.width, picture.height)
    unknown = unrecognised_faces(event.get("UnrecognizedFaces"), picture.width, picture.height)
    blur = event.get("BlurUnrecognized", True)
    if not isinstance(blur, bool):
        raise InvalidInput("BlurUnrecognized must be true or false")
    if blur:
        blur_faces(picture, unknown)
    # Names go on last, so a label overlapping an unknown face is never blurred away.
    label_faces(picture, known)
    buffer = io.BytesIO()
    # No EXIF is written: the pixels are already upright, and an orientation tag would turn them again.
    picture.save(buffer, "JPEG", quality=settings.jpeg_quality)
    facts = {
        "Width": picture.width,
        "Height": picture.height,
        "Names": [face.name for face in known],
        "BlurredFaces": len(unknown) if blur else 0,
    }
    return buffer.getvalue(), facts


def overlay(event: Any, *, settings: OverlaySettings, s3: Any) -> dict[str, Any]:
    """Read the photo, annotate it, write the copy under `annotated/`; the output described above."""
    if not isinstance(event, Mapping):
        raise InvalidInput("the input must be a JSON object with Bucket, Key and the faces")
    bucket = _string(event, "Bucket")
    key = _string(event, "Key")
    target = annotated_key(key)
    response = s3.get_object(Bucket=bucket, Key=key)
    size = response.get("ContentLength")
    if isinstance(size, int) and size > settings.max_image_bytes:
        raise SourceImageUnusable(f"{key} is {size} bytes, over the {settings.max_image_bytes} allowed")
    data = response["Body"].read(settings.max_image_bytes + 1)
    if len(data) > settings.max_image_bytes:
        raise SourceImageUnusable(f"{key} is over the {settings.max_image_bytes} bytes allowed")
    rendered, facts = annotate_image(data, event, settings)
    s3.put_object(
        Bucket=bucket,
        Key=target,
        Body=rendered,
        ContentType="image/jpeg",
        Metadata={"source-key": quote(key[:512])},
    )
    logger.info(
        "photo annotated",
        extra=log_fields(source=key, key=target, names=len(facts["Names"]), blurred=facts["BlurredFaces"]),
    )
    return {"Bucket": bucket, "Key": target, "SourceKey": key, "ContentType": "image/jpeg", **facts}
