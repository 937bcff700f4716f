"""A pipe's configuration, read from the Pipes API's own shapes (CreatePipe's `SourceParameters` with
`FilterCriteria` and `KinesisStreamParameters`, `TargetParameters` with `InputTemplate` and
`StepFunctionStateMachineParameters`), checked against the API's limits."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from integrations.errors import ServiceError
from integrations.identity import DEFAULT_ACCOUNT_ID, DEFAULT_REGION
from integrations.patterns import EventPattern, compile_pattern
from integrations.pipes.templates import InputTemplate

SERVICE = "pipes"
INVOCATION_TYPES = ("REQUEST_RESPONSE", "FIRE_AND_FORGET")
STARTING_POSITIONS = ("TRIM_HORIZON", "LATEST", "AT_TIMESTAMP")
_ARN = re.compile(r"^arn:aws[a-zA-Z0-9-]*:[a-zA-Z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$")


def invalid(message: str) -> ServiceError:
    return ServiceError(SERVICE, "ValidationException", message)


def _bounded(parameters: Mapping[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = parameters.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise invalid(f"{name} must be an integer between {low} and {high}, not {value!r}")
    return value


@dataclass(frozen=True)
class PipeConfig:
    name: str
    stream_name: str
    # A pipe built without a target (a test's) names one in the default account; the cloud always passes one.
    target_arn: str = f"arn:aws:states:{DEFAULT_REGION}:{DEFAULT_ACCOUNT_ID}:stateMachine:target"
    batch_size: int = 100
    batching_window_seconds: int = 0
    starting_position: str = "LATEST"
    starting_timestamp: float | None = None
    maximum_retry_attempts: int = -1  # -1: until the records expire
    maximum_record_age_seconds: int = -1
    bisect_on_failure: bool = False
    dead_letter_arn: str | None = None
    invocation_type: str = "REQUEST_RESPONSE"
    filters: tuple[EventPattern, ...] = ()
    input_template: InputTemplate | None = field(default=None, compare=False)


def from_api(
    name: str,
    stream_name: str,
    source_parameters: Mapping[str, Any] | None = None,
    target_parameters: Mapping[str, Any] | None = None,
    target_arn: str | None = None,
) -> PipeConfig:
    source = source_parameters or {}
    kinesis = source.get("KinesisStreamParameters", {})
    position = kinesis.get("StartingPosition", "LATEST")
    if position not in STARTING_POSITIONS:
        raise invalid(f"StartingPosition must be one of {', '.join(STARTING_POSITIONS)}, not {position!r}")
    timestamp = kinesis.get("StartingPositionTimestamp")
    if position == "AT_TIMESTAMP" and timestamp is None:
        raise invalid("StartingPositionTimestamp is required when StartingPosition is AT_TIMESTAMP")
    if isinstance(timestamp, datetime):
        timestamp = timestamp.timestamp()
    partial = kinesis.get("OnPartialBatchItemFailure")
    if partial not in (None, "AUTOMATIC_BISECT"):
        raise invalid(f"OnPartialBatchItemFailure must be AUTOMATIC_BISECT, not {partial!r}")
    age = _bounded(kinesis, "MaximumRecordAgeInSeconds", -1, -1, 604800)
    if 0 <= age < 60:
        raise invalid("MaximumRecordAgeInSeconds must be -1 or between 60 and 604800")
    _bounded(kinesis, "ParallelizationFactor", 1, 1, 10)  # checked; one reader per shard runs locally
    dead_letter = kinesis.get("DeadLetterConfig", {}).get("Arn")
    if dead_letter is not None and not _ARN.match(dead_letter):
        raise invalid(f"DeadLetterConfig.Arn is not an ARN: {dead_letter!r}")
    target = target_parameters or {}
    invocation = target.get("StepFunctionStateMachineParameters", {}).get(
        "InvocationType", "REQUEST_RESPONSE"
    )
    if invocation not in INVOCATION_TYPES:
        raise invalid(f"InvocationType must be one of {', '.join(INVOCATION_TYPES)}, not {invocation!r}")
    template = target.get("InputTemplate")
    return PipeConfig(
        name=name,
        stream_name=stream_name,
        target_arn=target_arn or PipeConfig.target_arn,
        batch_size=_bounded(kinesis, "BatchSize", 100, 1, 10000),
        batching_window_seconds=_bounded(kinesis, "MaximumBatchingWindowInSeconds", 0, 0, 300),
        starting_position=position,
        starting_timestamp=None if timestamp is None else float(timestamp),
        maximum_retry_attempts=_bounded(kinesis, "MaximumRetryAttempts", -1, -1, 10000),
        maximum_record_age_seconds=age,
        bisect_on_failure=partial == "AUTOMATIC_BISECT",
        dead_letter_arn=dead_letter,
        invocation_type=invocation,
        filters=_filters(source.get("FilterCriteria", {})),
        input_template=InputTemplate(template) if template else None,
    )


def _filters(criteria: Mapping[str, Any]) -> tuple[EventPattern, ...]:
    filters = criteria.get("Filters", [])
    if len(filters) > 5:
        raise invalid("FilterCriteria.Filters holds at most 5 filters")
    compiled = []
    for index, item in enumerate(filters):
        pattern = item.get("Pattern", "")
        try:
            json.loads(pattern)
            compiled.append(compile_pattern(pattern))
        except (ValueError, ServiceError) as error:
            reason = error.message if isinstance(error, ServiceError) else str(error)
            raise invalid(
                f"FilterCriteria.Filters[{index}].Pattern is not a valid event pattern: {reason}"
            ) from None
    return tuple(compiled)
