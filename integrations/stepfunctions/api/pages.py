"""Pagination as the List* operations and GetExecutionHistory do it: `maxResults` and an opaque
`nextToken` that carries on where the previous page stopped."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import TypeVar

from integrations.stepfunctions.api.errors import ApiError

T = TypeVar("T")
DEFAULT_PAGE = 100  # AWS's default page size; maxResults 0 means the default too
MAX_PAGE = 1000


def page(
    items: Sequence[T], max_results: int | None, next_token: str | None, *, default: int | None = DEFAULT_PAGE
) -> tuple[list[T], str | None]:
    """One page of `items` and the token for the next (None on the last page). `default` None: all."""
    start = _offset(next_token) if next_token else 0
    size = min(max_results, MAX_PAGE) if max_results else default
    end = len(items) if size is None else start + size
    token = base64.urlsafe_b64encode(f"offset:{end}".encode()).decode() if end < len(items) else None
    return list(items[start:end]), token


def _offset(token: str) -> int:
    try:
        kind, _, number = base64.urlsafe_b64decode(token.encode()).decode().partition(":")
        if kind == "offset" and number.isdigit():
            return int(number)
    except ValueError:
        pass
    raise ApiError("InvalidToken", f"Invalid Token: '{token}'")
