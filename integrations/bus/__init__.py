"""The local EventBridge bus: PutEvents with the exact envelope, rules and targets with InputPath and
InputTransformer, durable at-least-once delivery with retries and a dead-letter queue, archives and
replay, plus the catch-all log and per-detail-type metrics (`observability`)."""

from __future__ import annotations

from integrations.bus.bus import EventBus
from integrations.bus.clock import ManualClock, SystemClock

__all__ = ["EventBus", "ManualClock", "SystemClock"]
