"""The overlay function's settings, from environment variables."""

from __future__ import annotations

from dataclasses import dataclass

from lambdas.shared.config import Environment, positive_int
from lambdas.shared.errors import ConfigurationError
from lambdas.shared.images import DEFAULT_MAX_PIXELS

DEFAULT_QUALITY = 90
# The object the overlay reads was checked by download-images, but it is read back from a bucket
# others can write to, so the same caps apply again.
DEFAULT_MAX_BYTES = 15 * 1024 * 1024


@dataclass(frozen=True)
class OverlaySettings:
    """`SMA_MAX_IMAGE_PIXELS` (default 40 M), `SMA_OVERLAY_MAX_BYTES` (default 15 MiB),
    `SMA_OVERLAY_JPEG_QUALITY` (1-95, default 90)."""

    max_image_pixels: int = DEFAULT_MAX_PIXELS
    max_image_bytes: int = DEFAULT_MAX_BYTES
    jpeg_quality: int = DEFAULT_QUALITY

    @classmethod
    def from_env(cls, env: Environment) -> OverlaySettings:
        quality = positive_int(env, "SMA_OVERLAY_JPEG_QUALITY", DEFAULT_QUALITY)
        if quality > 95:
            raise ConfigurationError(
                f"environment variable SMA_OVERLAY_JPEG_QUALITY must be 1-95, got {quality}"
            )
        return cls(
            max_image_pixels=positive_int(env, "SMA_MAX_IMAGE_PIXELS", DEFAULT_MAX_PIXELS),
            max_image_bytes=positive_int(env, "SMA_OVERLAY_MAX_BYTES", DEFAULT_MAX_BYTES),
            jpeg_quality=quality,
        )
