"""Invoking a pipe's state machine target and judging the outcome the way Pipes does.

The target is a callable `start(input_json_text) -> result`, wired by the local cloud to the ASL
engine. With FIRE_AND_FORGET (StartExecution) the batch succeeds once the execution has started; with
REQUEST_RESPONSE (StartSyncExecution, Express) the result is the sync execution's response and a
`status` other than SUCCEEDED fails the batch. A SUCCEEDED output may report partial failure with
`{"batchItemFailures": [{"itemIdentifier": "<sequenceNumber>"}]}`: the batch is then good up to the
first failed record, which is retried with everything after it, as Kinesis checkpointing requires.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Target = Callable[[str], Any]


@dataclass(frozen=True)
class Outcome:
    failed_from: int  # index of the first record to retry; the batch's length when all succeeded
    error: str = ""

    def succeeded(self, size: int) -> bool:
        return self.failed_from >= size


def invoke(target: Target, invocation_type: str, payload: str, sequence_numbers: Sequence[str]) -> Outcome:
    size = len(sequence_numbers)
    try:
        result = target(payload)
    except Exception as error:  # the target is foreign code: any raise is a failed invocation
        code = getattr(error, "code", type(error).__name__)
        return Outcome(0, f"{code}: {error}")
    if invocation_type == "FIRE_AND_FORGET" or not isinstance(result, Mapping):
        return Outcome(size)
    status = result.get("status", "SUCCEEDED")
    if status != "SUCCEEDED":
        return Outcome(0, f"{status}: {result.get('error', '')} {result.get('cause', '')}".strip())
    return _partial(result.get("output"), sequence_numbers)


def _partial(output: Any, sequence_numbers: Sequence[str]) -> Outcome:
    size = len(sequence_numbers)
    if isinstance(output, str):
        try:
            output = json.loads(output)
        except ValueError:
            return Outcome(size)
    failures = output.get("batchItemFailures") if isinstance(output, Mapping) else None
    if not failures:
        return Outcome(size)
    positions = {sequence: index for index, sequence in enumerate(sequence_numbers)}
    indexes = []
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, Mapping) else None
        if identifier not in positions:  # an unknown or empty identifier fails the whole batch, as in Lambda
            return Outcome(0, f"batchItemFailures names an unknown item {identifier!r}")
        indexes.append(positions[identifier])
    return Outcome(min(indexes), f"{len(indexes)} batch item failure(s) reported by the target")
