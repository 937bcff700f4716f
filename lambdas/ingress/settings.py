"""The ingress's settings, from environment variables."""

from __future__ import annotations

from dataclasses import dataclass

from lambdas.shared.config import Environment, positive_int, required

# A Kinesis record holds at most 1 MiB of data plus partition key; keep room for a 256-byte key.
DEFAULT_MAX_BODY_BYTES = 1024 * 1024 - 256


@dataclass(frozen=True)
class IngressSettings:
    """`SMA_STREAM_NAME`, `SMA_X_SECRET_ID` (required), `SMA_MAX_BODY_BYTES` (default just under 1 MiB)."""

    stream_name: str
    secret_id: str
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES

    @classmethod
    def from_env(cls, env: Environment) -> IngressSettings:
        return cls(
            stream_name=required(env, "SMA_STREAM_NAME"),
            secret_id=required(env, "SMA_X_SECRET_ID"),
            max_body_bytes=positive_int(env, "SMA_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES),
        )
