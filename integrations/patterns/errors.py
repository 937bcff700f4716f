"""The errors a malformed pattern raises, in the words of the service that would reject it.

EventBridge answers `InvalidEventPatternException` ("Event pattern is not valid. Reason: ...");
SNS rejects a bad filter policy with `InvalidParameter` ("Invalid parameter: FilterPolicy: ...").
The compiler raises `PatternSyntaxError` with the reason alone and each dialect words it.
"""

from __future__ import annotations

import json
import re

from integrations.errors import ServiceError

_VALUES = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
_BARE_WORD = re.compile(r"[^\s\[\]{},:\"]+")


class PatternSyntaxError(ValueError):
    """Why a pattern is malformed; turned into the calling service's `ServiceError`."""


def json_syntax_reason(text: str, error: json.JSONDecodeError) -> str:
    """Why `text` is not JSON, in the words of the Jackson parser behind AWS's answers ("Unrecognized
    token 'this': was expecting (...)" in AWS's recorded TestEventPattern answers)."""
    char = text[error.pos] if error.pos < len(text) else ""
    if error.msg.startswith("Expecting property name") and char:
        unexpected = f"Unexpected character ('{char}' (code {ord(char)}))"
        return f"{unexpected}: was expecting double-quote to start field name"
    if error.msg.startswith("Expecting value") and char:
        word = _BARE_WORD.match(text, error.pos)
        if char.isalpha() and word:
            return f"Unrecognized token '{word.group()}': was expecting {_VALUES}"
        return f"Unexpected character ('{char}' (code {ord(char)})): expected a valid value {_VALUES}"
    return f"Filter is not valid JSON: {error}"


def invalid_event_pattern(reason: str) -> ServiceError:
    """EventBridge's error for a malformed event pattern (PutRule, TestEventPattern, CreateArchive)."""
    message = f"Event pattern is not valid. Reason: {reason}"
    return ServiceError("events", "InvalidEventPatternException", message)


def invalid_filter_policy(reason: str) -> ServiceError:
    """SNS's error for a malformed filter policy (Subscribe, SetSubscriptionAttributes)."""
    return ServiceError("sns", "InvalidParameter", f"Invalid parameter: FilterPolicy: {reason}")
