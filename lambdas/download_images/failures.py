"""Why one image could not be downloaded: a code for machines and a message for people."""

from __future__ import annotations


class DownloadFailed(Exception):
    """One image failed; `code` is one of the names listed in `lambdas/README.md` (e.g. `HostNotAllowed`)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
