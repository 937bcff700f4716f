"""The post-tweet function's settings, from environment variables."""

from __future__ import annotations

from dataclasses import dataclass

from lambdas.shared.config import Environment, optional, positive_float, positive_int

DEFAULT_MEDIA_UPLOAD_URL = "https://api.x.com/2/media/upload"
# Two calls (upload, post) must fit in the function's timeout (30 s in infra/topology.py).
DEFAULT_TIMEOUT_SECONDS = 10.0
# X accepts photos up to 5 MB.
DEFAULT_MAX_IMAGE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class PostSettings:
    """Environment variables:

    * `SMA_X_SECRET_ID`: the Secrets Manager secret holding the X credentials.
    * `SMA_X_MEDIA_UPLOAD_URL` (default `https://api.x.com/2/media/upload`), `SMA_X_TIMEOUT_SECONDS`
      (default 10), `SMA_MAX_IMAGE_BYTES` (default 5 MiB).
    """

    secret_id: str | None = None
    media_upload_url: str = DEFAULT_MEDIA_UPLOAD_URL
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    max_image_bytes: int = DEFAULT_MAX_IMAGE_BYTES

    @classmethod
    def from_env(cls, env: Environment) -> PostSettings:
        return cls(
            secret_id=optional(env, "SMA_X_SECRET_ID"),
            media_upload_url=optional(env, "SMA_X_MEDIA_UPLOAD_URL") or DEFAULT_MEDIA_UPLOAD_URL,
            timeout_seconds=positive_float(env, "SMA_X_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS),
            max_image_bytes=positive_int(env, "SMA_MAX_IMAGE_BYTES", DEFAULT_MAX_IMAGE_BYTES),
        )
