"""Local EventBridge Pipes: a stream source, FilterCriteria on the record (data parsed as JSON), batching
on an injectable clock, input templates, a state machine target (FIRE_AND_FORGET or REQUEST_RESPONSE),
retries, AUTOMATIC_BISECT, a dead-letter destination and durable checkpoints."""

from __future__ import annotations

from integrations.pipes.checkpoints import Checkpoints
from integrations.pipes.config import PipeConfig, from_api
from integrations.pipes.pipe import Pipe, PipeStats, Stopped

__all__ = ["Checkpoints", "Pipe", "PipeConfig", "PipeStats", "Stopped", "from_api"]
