"""Fixtures shared by the Lambda handler tests."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from lambdas.shared.structured_log import JsonFormatter


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def json_logs() -> Iterator[list[str]]:
    """Every JSON log line the `sma.*` loggers write during the test."""
    collector = _Collector()
    loggers = [logging.getLogger(name) for name in ("sma.ingress", "sma.download", "sma.overlay", "sma.post")]
    for logger in loggers:
        logger.addHandler(collector)
    yield collector.lines
    for logger in loggers:
        logger.removeHandler(collector)
