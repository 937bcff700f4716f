"""Shard iterators: opaque tokens naming a position in one shard, valid for five minutes like Kinesis's."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from integrations.errors import ServiceError

SERVICE = "kinesis"
ITERATOR_LIFETIME_SECONDS = 300


@dataclass(frozen=True)
class Position:
    stream: str
    shard: int
    after: int  # the sequence counter the next read starts after
    issued: float


def encode(position: Position) -> str:
    payload = json.dumps([position.stream, position.shard, position.after, position.issued])
    return base64.b64encode(payload.encode("utf-8")).decode("ascii")


def decode(token: str, now: float) -> Position:
    try:
        stream, shard, after, issued = json.loads(base64.b64decode(token.encode("ascii"), validate=True))
        position = Position(str(stream), int(shard), int(after), float(issued))
    except (ValueError, TypeError, binascii.Error, UnicodeError):
        raise ServiceError(
            SERVICE, "InvalidArgumentException", f"Invalid ShardIterator: {token[:40]!r}"
        ) from None
    if now - position.issued > ITERATOR_LIFETIME_SECONDS:
        raise ServiceError(
            SERVICE,
            "ExpiredIteratorException",
            f"Iterator expired. The iterator was created at time {position.issued} while right now it is "
            f"{now} which is further in the future than the tolerated delay of "
            f"{ITERATOR_LIFETIME_SECONDS * 1000} milliseconds.",
        )
    return position
