"""Structured JSON logging on the standard `logging` module, one JSON object per line.

CloudWatch Logs Insights (and the local cloud's log files) can then filter on fields. Fields are passed
with `extra={"fields": {...}}`; any field whose name looks like a credential is masked, as a last line of
defence: handlers never pass secrets on purpose.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from typing import Any

_SENSITIVE = ("secret", "token", "signature", "authorization", "password", "credential")
_MASK = "***"


def _masked(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        name: _MASK if any(word in name.lower() for word in _SENSITIVE) else value
        for name, value in fields.items()
    }


class JsonFormatter(logging.Formatter):
    """Formats a record as `{"time", "level", "logger", "message", ...fields}`."""

    def format(self, record: logging.LogRecord) -> str:
        document: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            document.update(_masked(fields))
        if record.exc_info:
            document["exception"] = self.formatException(record.exc_info)
        return json.dumps(document, default=str)


def get_logger(name: str) -> logging.Logger:
    """A logger writing JSON lines; the level comes from `LOG_LEVEL` (default INFO)."""
    logger = logging.getLogger(name)
    if not any(isinstance(handler.formatter, JsonFormatter) for handler in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        # Lambda's runtime installs its own plain-text root handler; do not print every line twice.
        logger.propagate = False
    level = os.environ.get("LOG_LEVEL", "INFO").upper()
    # A mistyped LOG_LEVEL must not stop the function from starting: fall back to INFO.
    logger.setLevel(level if level in logging.getLevelNamesMapping() else logging.INFO)
    return logger


def log_fields(**fields: Any) -> dict[str, Any]:
    """`extra=` for a log call: `logger.info("stored", extra=log_fields(key=key))`."""
    return {"fields": fields}
