"""The shape every handler has, so the local cloud can hold them all the same way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# `handler(event, context)`: what AWS Lambda calls, and what each package's `create_handler` returns.
LambdaHandler = Callable[[Any, Any], dict[str, Any]]
