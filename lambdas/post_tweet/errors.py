"""The errors posting can end in. Their class names are the Step Functions error names: keep them stable.

Retry on `XRateLimited` (after its reset time) and `XUnavailable`; `XRejected`, `XCredentialsMissing`
and `ImageUnavailable` will fail the same way again.
"""

from __future__ import annotations

from datetime import UTC, datetime

from lambdas.shared.errors import ConfigurationError


class XRateLimited(Exception):
    """HTTP 429 from X; `reset_at` is the epoch second X's `x-rate-limit-reset` names (None if absent)."""

    def __init__(self, reset_at: int | None) -> None:
        self.reset_at = reset_at
        when = (
            datetime.fromtimestamp(reset_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            if reset_at
            else "an unknown time"
        )
        super().__init__(f"X rate limit reached; it resets at {when} (x-rate-limit-reset={reset_at})")


class XUnavailable(Exception):
    """X answered 5xx, or could not be reached in time; worth retrying."""


class XRejected(Exception):
    """X refused the request (4xx other than 429); the message is X's own."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"X refused the request (HTTP {status}): {message}")
        self.status = status


class XCredentialsMissing(ConfigurationError):
    """No X credentials secret exists and no outbox is configured to take the reply instead."""


class ImageUnavailable(Exception):
    """The reply's image cannot be read from the bucket, or is not an image X accepts."""
