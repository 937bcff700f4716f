"""PutEvents request entries: validation with AWS's per-entry errors, AWS's size rule, and the envelope.

The envelope is exactly EventBridge's: `version` "0", `id`, `detail-type`, `source`, `account`, `time`
(ISO 8601, UTC, second precision), `region`, `resources`, `detail`, in that order.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from integrations.errors import ServiceError
from integrations.unicode_text import PAYLOAD_LIMIT, utf8_size
from workflows import json_codec

MAX_ENTRIES = 10
MAX_REQUEST_BYTES = PAYLOAD_LIMIT
TIME_BYTES = 14  # AWS counts a given Time as 14 bytes


class EntryError(Exception):
    """One entry's failure, reported in the PutEvents response instead of failing the request."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class BusIdentity:
    name: str
    account: str
    region: str

    @property
    def arn(self) -> str:
        return f"arn:aws:events:{self.region}:{self.account}:event-bus/{self.name}"

    def rule_arn(self, rule: str) -> str:
        # Rules on the default bus have no bus segment in their ARN.
        path = rule if self.name == "default" else f"{self.name}/{rule}"
        return f"arn:aws:events:{self.region}:{self.account}:rule/{path}"

    def archive_arn(self, archive: str) -> str:
        return f"arn:aws:events:{self.region}:{self.account}:archive/{archive}"

    def replay_arn(self, replay: str) -> str:
        return f"arn:aws:events:{self.region}:{self.account}:replay/{replay}"


def format_time(moment: datetime) -> str:
    # isoformat is half the cost of strftime; every event and every delivery writes one.
    return moment.astimezone(UTC).isoformat(timespec="seconds")[: -len("+00:00")] + "Z"


def parse_time(value: Any) -> datetime:
    """A PutEvents `Time` or a replay bound: a datetime, epoch seconds or a date and time in any form
    the AWS SDK takes ("2022-01-01", "2022-01-01 00:00:00Z", "01-01-2022T00:00:00Z" all reach AWS)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            from botocore.utils import parse_timestamp  # the SDK's own reading, for the other forms

            moment = parse_timestamp(value)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    raise ValueError(f"not a time: {value!r}")


def addressed_here(entry: Mapping[str, Any], bus: BusIdentity) -> bool:
    """Whether an entry names this bus (or none). AWS accepts an entry for a bus that does not exist,
    gives it an EventId and delivers it nowhere (its recorded PutEvents answers)."""
    return entry.get("EventBusName") in (None, "", bus.name, bus.arn)


def entry_size(entry: Mapping[str, Any]) -> int:
    """An entry's size as AWS computes it: Time as 14 bytes, plus the UTF-8 bytes of Source, DetailType,
    Detail and each Resource."""
    size = TIME_BYTES if entry.get("Time") is not None else 0
    for key in ("Source", "DetailType", "Detail"):
        value = entry.get(key)
        if isinstance(value, str):
            size += utf8_size(value)
    resources = entry.get("Resources")
    for resource in resources if isinstance(resources, list) else ():
        if isinstance(resource, str):
            size += utf8_size(resource)
    return size


def validate_request(entries: Any) -> list[Mapping[str, Any]]:
    """Request-level checks: 1 to 10 entries whose total size is at most 256 KB."""
    if not isinstance(entries, list) or not entries:
        raise ServiceError(
            "events",
            "ValidationException",
            "1 validation error detected: Value at 'entries' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1",
        )
    if len(entries) > MAX_ENTRIES:
        listed = ", ".join(_java_text(entry) for entry in entries)
        raise ServiceError(
            "events",
            "ValidationException",
            f"1 validation error detected: Value '[{listed}]' at 'entries' failed to satisfy "
            f"constraint: Member must have length less than or equal to {MAX_ENTRIES}",
        )
    if not all(isinstance(entry, Mapping) for entry in entries):
        raise ServiceError("events", "ValidationException", "Each entry must be an object.")
    if sum(entry_size(entry) for entry in entries) > MAX_REQUEST_BYTES:
        raise ServiceError(
            "events", "ValidationException", "Total size of the entries in the request is over the limit."
        )
    return entries


def _java_text(entry: Any) -> str:
    """An entry as AWS's (Java) service prints it in a validation message (its recorded answers)."""
    if not isinstance(entry, Mapping):
        return str(entry)

    def text(key: str) -> str:
        value = entry.get(key)
        if value is None:
            return "null"
        if isinstance(value, list):
            return "[" + ", ".join(str(item) for item in value) + "]"
        return str(value)

    members = [
        ("time", "Time"),
        ("source", "Source"),
        ("resources", "Resources"),
        ("detailType", "DetailType"),
        ("detail", "Detail"),
        ("eventBusName", "EventBusName"),
        ("traceHeader", "TraceHeader"),
        ("kmsKeyIdentifier", "KmsKeyIdentifier"),
        ("internalMetadata", "InternalMetadata"),
    ]
    return "PutEventsRequestEntry(" + ", ".join(f"{name}={text(key)}" for name, key in members) + ")"


def _required(entry: Mapping[str, Any], key: str) -> str:
    value = entry.get(key)
    if value is None or value == "":
        raise EntryError(
            "InvalidArgument", f"Parameter {key} is not valid. Reason: {key} is a required argument."
        )
    if not isinstance(value, str):
        raise EntryError("InvalidArgument", f"Parameter {key} is not valid. Reason: {key} must be a string.")
    return value


def build_event(entry: Mapping[str, Any], bus: BusIdentity, now: datetime) -> dict[str, Any]:
    """The envelope for one valid entry, or `EntryError` with AWS's code and message."""
    source = _required(entry, "Source")
    detail_type = _required(entry, "DetailType")
    detail_text = _required(entry, "Detail")
    try:
        detail = json_codec.loads(detail_text)
    except ValueError:  # malformed, or a NaN or Infinity, which JSON does not have
        raise EntryError("MalformedDetail", "Detail is malformed.") from None
    if not isinstance(detail, dict):
        raise EntryError("MalformedDetail", "Detail is malformed.")
    resources = entry.get("Resources") or []
    if not isinstance(resources, list) or not all(isinstance(r, str) for r in resources):
        raise EntryError(
            "InvalidArgument", "Parameter Resources is not valid. Reason: must be a list of strings."
        )
    moment = now
    if entry.get("Time") is not None:
        try:
            moment = parse_time(entry["Time"])
        except (ValueError, OverflowError, OSError):
            raise EntryError("InvalidArgument", "Parameter Time is not valid.") from None
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": detail_type,
        "source": source,
        "account": bus.account,
        "time": format_time(moment),
        "region": bus.region,
        "resources": list(resources),
        "detail": detail,
    }
