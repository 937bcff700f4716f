"""What both designs' usage shares: units of a Comprehend request, the lake's and the logs' per-event
bytes, Lambda time, and the assumptions behind the figures nobody can measure offline."""

from __future__ import annotations

import math

EVENT_BYTES = 3_000  # one event on the bus, when the local cloud's event log has none to measure
FIREHOSE_RECORD_BYTES = 5_120  # Firehose bills each record rounded up to 5 KB
LAMBDA_LOG_BYTES = 400  # the START, END and REPORT lines Lambda writes per invocation
XRAY_SAMPLED = 0.05  # X-Ray's default sampling rule records 1 request a second and 5% of the rest


class Usage(dict[str, float]):
    """Metered quantities by meter name (fractions of requests, GB, …); a meter not used yet reads 0."""

    def __missing__(self, meter: str) -> float:
        return 0.0


def comprehend_units(characters: int) -> int:
    """Comprehend bills 100-character units, at least 3 per request."""
    return max(3, math.ceil(characters / 100))


def add_lambda(
    usage: Usage, invocations: float, seconds: float, memory_mb: int, *, arm64: bool = True
) -> None:
    usage["lambda_request"] += invocations
    usage["lambda_gb_second" if arm64 else "lambda_gb_second_x86"] += invocations * seconds * memory_mb / 1024
    usage["logs_gb"] += invocations * LAMBDA_LOG_BYTES / 1e9


def add_events(usage: Usage, events: float, event_bytes: float, *, partitioned: bool) -> None:
    """Custom events on the bus, each logged by the catch-all rule and delivered to the lake."""
    usage["custom_event"] += events
    billed = math.ceil(event_bytes / FIREHOSE_RECORD_BYTES) * FIREHOSE_RECORD_BYTES
    usage["firehose_gb"] += events * billed / 1e9
    if partitioned:
        usage["firehose_partitioning_gb"] += events * event_bytes / 1e9
    usage["logs_gb"] += events * event_bytes / 1e9
