"""The X (Twitter) credentials secret: its JSON shape, parsing, and a per-container cache.

The secret (Secrets Manager on AWS, the local secrets service locally) holds one JSON object:

    {"consumer_key": "...", "consumer_secret": "...",
     "access_token": "...", "access_token_secret": "...", "bearer_token": "..."}

`consumer_secret` signs the webhook CRC and verifies payload signatures (ingress); the four OAuth 1.0a
values post replies (post-tweet); `bearer_token` is optional and unused by the handlers. The original
TypeScript system's names (`ApiKey`, `ApiSecret`, `AccessToken`, `AccessTokenSecret`) are accepted too,
so an existing `TwitterSecret` keeps working.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lambdas.shared.aws_errors import aws_error_code
from lambdas.shared.errors import ConfigurationError

_ALIASES = {
    "ApiKey": "consumer_key",
    "ApiSecret": "consumer_secret",
    "AccessToken": "access_token",
    "AccessTokenSecret": "access_token_secret",
    "BearerToken": "bearer_token",
}
# A rotated secret is picked up within this many seconds without a cold start.
DEFAULT_TTL_SECONDS = 300.0


class SecretNotFound(ConfigurationError):
    """The secret does not exist (no credentials configured)."""


@dataclass(frozen=True)
class XCredentials:
    """X API credentials; `repr` shows which are present, never their values."""

    consumer_key: str = field(default="", repr=False)
    consumer_secret: str = field(default="", repr=False)
    access_token: str = field(default="", repr=False)
    access_token_secret: str = field(default="", repr=False)
    bearer_token: str = field(default="", repr=False)

    def require(self, *names: str) -> XCredentials:
        """Self, or a `ConfigurationError` naming (never showing) the values that are missing."""
        missing = [name for name in names if not getattr(self, name)]
        if missing:
            raise ConfigurationError(f"the X credentials secret lacks {', '.join(missing)}")
        return self

    def can_post(self) -> bool:
        """True when the four OAuth 1.0a user-context values are all present."""
        return all((self.consumer_key, self.consumer_secret, self.access_token, self.access_token_secret))


def parse_credentials(secret_string: str, secret_id: str) -> XCredentials:
    """The credentials in a secret's `SecretString`; a clear error (without the text) when malformed."""
    try:
        document = json.loads(secret_string)
    except json.JSONDecodeError:
        raise ConfigurationError(f"secret {secret_id} is not a JSON object") from None
    if not isinstance(document, dict):
        raise ConfigurationError(f"secret {secret_id} is not a JSON object")
    values: dict[str, str] = {}
    for name, value in document.items():
        canonical = _ALIASES.get(name, name)
        if canonical in XCredentials.__dataclass_fields__ and isinstance(value, str):
            values[canonical] = value.strip()
    return XCredentials(**values)


class SecretCache:
    """Fetches the credentials secret once per container and again after `ttl_seconds`."""

    def __init__(
        self,
        client: Any,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._ttl = ttl_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._cached: dict[str, tuple[float, XCredentials]] = {}

    def get(self, secret_id: str) -> XCredentials:
        """The parsed secret; `SecretNotFound` when it does not exist."""
        with self._lock:
            hit = self._cached.get(secret_id)
            if hit and self._clock() - hit[0] < self._ttl:
                return hit[1]
        credentials = parse_credentials(self._fetch(secret_id), secret_id)
        with self._lock:
            self._cached[secret_id] = (self._clock(), credentials)
        return credentials

    def _fetch(self, secret_id: str) -> str:
        try:
            response = self._client.get_secret_value(SecretId=secret_id)
        except Exception as error:
            if aws_error_code(error) == "ResourceNotFoundException":
                raise SecretNotFound(f"secret {secret_id} does not exist") from None
            raise
        text = response.get("SecretString")
        if not isinstance(text, str):
            raise ConfigurationError(f"secret {secret_id} has no SecretString (binary is unsupported)")
        return text
