"""Downloading a message's images into the media bucket, as a plain function with its clients injected.

Input (the `Payload` of a Step Functions `lambda:invoke` Task):

    {"ImageUrls": ["https://pbs.twimg.com/media/....jpg", ...], "Bucket": "media-bucket",
     "KeyPrefix": "media/<tweet id>/"}

Output:

    {"Stored": [{"Index", "Url", "Bucket", "Key", "ContentType", "Width", "Height", "Size", "Sha256"}],
     "Failed": [{"Index", "Url", "Error", "Cause"}]}

Keys are `<KeyPrefix><index>.<ext>`: the same message always lands on the same keys, so a retried
execution overwrites rather than duplicates.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lambdas.download_images.failures import DownloadFailed
from lambdas.download_images.fetcher import Fetcher
from lambdas.download_images.settings import DownloadSettings
from lambdas.download_images.url_policy import Resolver, check_url, resolve_host
from lambdas.shared.errors import InvalidInput
from lambdas.shared.images import ImageRejected, inspect_image, sniff_content_type
from lambdas.shared.structured_log import get_logger, log_fields

logger = get_logger("sma.download")

# S3 keys stay plain: no "..", no leading "/", printable ASCII path characters only.
_PREFIX = re.compile(r"^(?:[A-Za-z0-9_\-=]+/)*$")
_MAX_URL_CHARS = 2048
# Servers sometimes send a generic type; the magic number then decides. A different image type does not.
_GENERIC_TYPES = {"application/octet-stream", "binary/octet-stream", ""}


@dataclass(frozen=True)
class DownloadRequest:
    image_urls: tuple[str, ...]
    bucket: str
    key_prefix: str

    @classmethod
    def from_event(cls, event: Any, max_images: int) -> DownloadRequest:
        if not isinstance(event, Mapping):
            raise InvalidInput("the input must be a JSON object with ImageUrls, Bucket and KeyPrefix")
        urls = event.get("ImageUrls")
        if not isinstance(urls, list) or not all(isinstance(url, str) for url in urls):
            raise InvalidInput("ImageUrls must be a list of URL strings")
        if len(urls) > max_images:
            raise InvalidInput(f"ImageUrls holds {len(urls)} URLs, more than the {max_images} allowed")
        bucket = event.get("Bucket")
        if not isinstance(bucket, str) or not bucket:
            raise InvalidInput("Bucket must be a bucket name")
        prefix = event.get("KeyPrefix", "")
        if not isinstance(prefix, str) or not _PREFIX.match(prefix):
            raise InvalidInput("KeyPrefix must be empty or folder names each ending in '/' (e.g. media/123/)")
        return cls(tuple(urls), bucket, prefix)


def download_images(
    event: Any,
    *,
    settings: DownloadSettings,
    fetcher: Fetcher,
    s3: Any,
    resolve: Resolver = resolve_host,
) -> dict[str, list[dict[str, Any]]]:
    """Fetch, check and store each image; report every one that failed. Storage errors propagate."""
    request = DownloadRequest.from_event(event, settings.max_images)
    stored: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for index, url in enumerate(request.image_urls):
        try:
            stored.append(
                _download_one(
                    index, url, request=request, settings=settings, fetcher=fetcher, s3=s3, resolve=resolve
                )
            )
        except DownloadFailed as failure:
            failed.append(
                {"Index": index, "Url": url[:_MAX_URL_CHARS], "Error": failure.code, "Cause": failure.message}
            )
            logger.warning(
                "image not downloaded",
                extra=log_fields(
                    index=index, url=url[:_MAX_URL_CHARS], error=failure.code, cause=failure.message
                ),
            )
    logger.info("images downloaded", extra=log_fields(stored=len(stored), failed=len(failed)))
    return {"Stored": stored, "Failed": failed}


def _download_one(
    index: int,
    url: str,
    *,
    request: DownloadRequest,
    settings: DownloadSettings,
    fetcher: Fetcher,
    s3: Any,
    resolve: Resolver,
) -> dict[str, Any]:
    if len(url) > _MAX_URL_CHARS:
        raise DownloadFailed("InvalidUrl", f"the URL is longer than {_MAX_URL_CHARS} characters")
    check_url(url, settings, resolve)
    fetched = fetcher.fetch(url, settings.max_image_bytes)
    if len(fetched.body) > settings.max_image_bytes:  # a fetcher that ignored the cap
        raise DownloadFailed("TooLarge", f"the image is over {settings.max_image_bytes} bytes")
    actual = sniff_content_type(fetched.body)
    if actual is None:
        raise DownloadFailed("NotAnImage", "the data is not a JPEG, PNG, GIF or WebP image")
    if fetched.content_type not in _GENERIC_TYPES and fetched.content_type != actual:
        raise DownloadFailed(
            "ContentTypeMismatch", f"the server said {fetched.content_type} but the data is {actual}"
        )
    try:
        info = inspect_image(fetched.body, settings.max_image_pixels)
    except ImageRejected as rejected:
        raise DownloadFailed(rejected.code, str(rejected)) from None
    digest = hashlib.sha256(fetched.body).hexdigest()
    key = f"{request.key_prefix}{index}.{info.extension}"
    s3.put_object(
        Bucket=request.bucket,
        Key=key,
        Body=fetched.body,
        ContentType=info.content_type,
        Metadata={"sha256": digest},
    )
    return {
        "Index": index,
        "Url": url,
        "Bucket": request.bucket,
        "Key": key,
        "ContentType": info.content_type,
        "Width": info.width,
        "Height": info.height,
        "Size": len(fetched.body),
        "Sha256": digest,
    }
