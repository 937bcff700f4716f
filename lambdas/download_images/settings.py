"""The download-images function's settings, from environment variables."""

from __future__ import annotations

from dataclasses import dataclass

from lambdas.shared.config import Environment, positive_float, positive_int, word_list
from lambdas.shared.errors import ConfigurationError
from lambdas.shared.images import DEFAULT_MAX_PIXELS

DEFAULT_HOSTS = ("pbs.twimg.com", "ton.twimg.com")
# X accepts photos up to 5 MB; anything bigger did not come from X's photo pipeline.
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_TIMEOUT_SECONDS = 10.0
# X attaches at most 4 photos to a post. With the per-photo time limit this also bounds one invocation's
# run time (4 x 10 s), which the function's timeout (60 s in infra/topology.py) must exceed.
DEFAULT_MAX_IMAGES = 4


def normalise_origin(origin: str) -> str:
    """`scheme://host:port`, lower-cased with an explicit port, as `url_policy` compares origins."""
    from urllib.parse import urlsplit

    parts = urlsplit(origin.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path not in {"", "/"}:
        raise ConfigurationError(
            f"SMA_ALLOWED_LOCAL_ORIGINS entries must look like http://127.0.0.1:8123, got {origin!r}"
        )
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{parts.hostname.lower()}:{port}"


@dataclass(frozen=True)
class DownloadSettings:
    """Environment variables:

    * `SMA_IMAGE_HOSTS`: comma-separated https hosts to fetch from (default `pbs.twimg.com,ton.twimg.com`).
    * `SMA_ALLOWED_LOCAL_ORIGINS`: origins exempt from the https and public-address rules, for the local
      cloud's sample server only (e.g. `http://127.0.0.1:8123`); empty by default and on AWS.
    * `SMA_MAX_IMAGE_BYTES` (default 5 MiB), `SMA_MAX_IMAGE_PIXELS` (default 40 M),
      `SMA_FETCH_TIMEOUT_SECONDS` (default 10: the whole download of one photo), `SMA_MAX_IMAGES` (default 4).
    """

    allowed_hosts: frozenset[str] = frozenset(DEFAULT_HOSTS)
    allowed_local_origins: frozenset[str] = frozenset()
    max_image_bytes: int = DEFAULT_MAX_BYTES
    max_image_pixels: int = DEFAULT_MAX_PIXELS
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    max_images: int = DEFAULT_MAX_IMAGES

    @classmethod
    def from_env(cls, env: Environment) -> DownloadSettings:
        return cls(
            allowed_hosts=frozenset(
                host.lower() for host in word_list(env, "SMA_IMAGE_HOSTS", DEFAULT_HOSTS)
            ),
            allowed_local_origins=frozenset(
                normalise_origin(origin) for origin in word_list(env, "SMA_ALLOWED_LOCAL_ORIGINS")
            ),
            max_image_bytes=positive_int(env, "SMA_MAX_IMAGE_BYTES", DEFAULT_MAX_BYTES),
            max_image_pixels=positive_int(env, "SMA_MAX_IMAGE_PIXELS", DEFAULT_MAX_PIXELS),
            timeout_seconds=positive_float(env, "SMA_FETCH_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS),
            max_images=positive_int(env, "SMA_MAX_IMAGES", DEFAULT_MAX_IMAGES),
        )
