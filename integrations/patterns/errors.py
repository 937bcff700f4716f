"""The errors a malformed pattern raises, in the words of the service that would reject it.

EventBridge answers `InvalidEventPatternException` ("Event pattern is not valid. Reason: ...");
SNS rejects a bad filter policy with `InvalidParameter` ("Invalid parameter: FilterPolicy: ...").
The compiler raises `PatternSyntaxError` with the reason alone and each dialect words it.
"""

from __future__ import annotations

from integrations.errors import ServiceError


class PatternSyntaxError(ValueError):
    """Why a pattern is malformed; turned into the calling service's `ServiceError`."""


def invalid_event_pattern(reason: str) -> ServiceError:
    """EventBridge's error for a malformed event pattern (PutRule, TestEventPattern, CreateArchive)."""
    message = f"Event pattern is not valid. Reason: {reason}"
    return ServiceError("events", "InvalidEventPatternException", message)


def invalid_filter_policy(reason: str) -> ServiceError:
    """SNS's error for a malformed filter policy (Subscribe, SetSubscriptionAttributes)."""
    return ServiceError("sns", "InvalidParameter", f"Invalid parameter: FilterPolicy: {reason}")
