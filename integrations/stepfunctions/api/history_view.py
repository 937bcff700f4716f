"""GetExecutionHistory's events: the engine's history as AWS writes it, or as Step Functions Local does.

Where the two differ, Step Functions Local's form is the default, because suites written for it assert
it: the task events of an `aws-sdk` integration name `resourceType: "aws-sdk"` and
`resource: "<service>:<action>"`, where AWS writes `"aws-sdk:<service>"` and `"<action>"`.

The engine records an activity's work as Task events; both write them as the Activity events of the
API Reference (`ActivityScheduled` with the activity's ARN and the input, `ActivityStarted`,
`ActivitySucceeded`, `ActivityFailed`, `ActivityTimedOut`).
"""

from __future__ import annotations

from typing import Any

_DATA_KEYS = ("input", "inputDetails", "output", "outputDetails", "parameters")
_ACTIVITY_EVENTS = {
    "TaskScheduled": "ActivityScheduled",
    "TaskStarted": "ActivityStarted",
    "TaskSucceeded": "ActivitySucceeded",
    "TaskFailed": "ActivityFailed",
    "TaskTimedOut": "ActivityTimedOut",
}


def render(
    events: list[dict[str, Any]], *, aws_form: bool, account: str, include_data: bool = True
) -> list[dict[str, Any]]:
    return [_event(event, aws_form, account, include_data) for event in events]


def _event(event: dict[str, Any], aws_form: bool, account: str, include_data: bool) -> dict[str, Any]:
    rendered = dict(event)
    for engine_key, value in event.items():
        if not engine_key.endswith("EventDetails") or not isinstance(value, dict):
            continue
        key, details = engine_key, dict(value)
        resource_type = details.get("resourceType")
        if resource_type == "activity" and event["type"] in _ACTIVITY_EVENTS:
            del rendered[engine_key]
            key, details = _activity(event["type"], details, account)
            rendered["type"] = _ACTIVITY_EVENTS[event["type"]]
        elif not aws_form and isinstance(resource_type, str) and resource_type.startswith("aws-sdk:"):
            service = resource_type.removeprefix("aws-sdk:")
            details["resourceType"] = "aws-sdk"
            details["resource"] = f"{service}:{details.get('resource', '')}"
        if not include_data:
            for data_key in _DATA_KEYS:
                details.pop(data_key, None)
        rendered[key] = details
    return rendered


def _activity(kind: str, details: dict[str, Any], account: str) -> tuple[str, dict[str, Any]]:
    """The Activity event's details key and details for the engine's Task event of an activity."""
    activity = _ACTIVITY_EVENTS[kind]
    key = activity[0].lower() + activity[1:] + "EventDetails"
    if kind == "TaskScheduled":
        region, name = details.get("region", ""), details["resource"]
        scheduled = {
            "resource": f"arn:aws:states:{region}:{account}:activity:{name}",
            "input": details.get("parameters", "{}"),
            "inputDetails": {"truncated": False},
        }
        for limit in ("timeoutInSeconds", "heartbeatInSeconds"):
            if limit in details:
                scheduled[limit] = details[limit]
        return key, scheduled
    kept = ("output", "outputDetails", "error", "cause")
    return key, {name: value for name, value in details.items() if name in kept}
