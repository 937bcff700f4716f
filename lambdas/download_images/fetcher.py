"""Fetching one URL's bytes: no redirects, timeouts, streamed with a size cap.

`Fetcher` is the seam tests (and any other transport) plug into; `RequestsFetcher` is the real one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

import requests

from lambdas.download_images.failures import DownloadFailed

_CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class Fetched:
    """A successful response: the declared content type (without parameters, lower case) and the body."""

    content_type: str
    body: bytes


class Fetcher(Protocol):
    def fetch(self, url: str, max_bytes: int) -> Fetched:
        """The body of `url`; `DownloadFailed` on redirects, HTTP errors, timeouts, over `max_bytes`."""
        ...


class RequestsFetcher:
    """`requests` with `allow_redirects=False`, a streamed size cap, and a time limit on the whole download.

    requests' own timeout bounds each connect and each read, not the total: a server dripping a byte at a
    time would never trip it, so the elapsed time is also checked after every chunk.
    """

    def __init__(self, timeout_seconds: float, session: requests.Session | None = None) -> None:
        self._timeout = timeout_seconds
        self._session = session or requests.Session()
        # Proxies from the environment would route around the address checks.
        self._session.trust_env = False

    def fetch(self, url: str, max_bytes: int) -> Fetched:
        deadline = time.monotonic() + self._timeout
        try:
            with self._session.get(
                url, stream=True, allow_redirects=False, timeout=self._timeout, headers={"Accept": "image/*"}
            ) as response:
                if response.is_redirect or 300 <= response.status_code < 400:
                    raise DownloadFailed(
                        "RedirectRefused", f"HTTP {response.status_code}: redirects are refused"
                    )
                if response.status_code != 200:
                    raise DownloadFailed("HttpError", f"HTTP {response.status_code}")
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise DownloadFailed("TooLarge", f"the image is {declared} bytes, over {max_bytes}")
                body = bytearray()
                for chunk in response.iter_content(_CHUNK_BYTES):
                    body.extend(chunk)
                    if len(body) > max_bytes:
                        raise DownloadFailed("TooLarge", f"the image is over {max_bytes} bytes")
                    if time.monotonic() > deadline:
                        raise DownloadFailed("Timeout", f"the download took over {self._timeout:g} s")
                content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
                return Fetched(content_type, bytes(body))
        except requests.Timeout:
            raise DownloadFailed("Timeout", f"no answer within {self._timeout:g} s") from None
        except requests.RequestException as error:
            raise DownloadFailed("FetchFailed", f"the request failed: {type(error).__name__}") from None
