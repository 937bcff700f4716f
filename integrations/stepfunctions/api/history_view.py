"""GetExecutionHistory's events: the engine's history as AWS writes it, or as Step Functions Local does.

Where the two differ, Step Functions Local's form is the default, because suites written for it assert
it: the task events of an `aws-sdk` integration name `resourceType: "aws-sdk"` and
`resource: "<service>:<action>"`, where AWS writes `"aws-sdk:<service>"` and `"<action>"`.
"""

from __future__ import annotations

from typing import Any

_DATA_KEYS = ("input", "inputDetails", "output", "outputDetails", "parameters")


def render(
    events: list[dict[str, Any]], *, aws_form: bool, include_data: bool = True
) -> list[dict[str, Any]]:
    return [_event(event, aws_form, include_data) for event in events]


def _event(event: dict[str, Any], aws_form: bool, include_data: bool) -> dict[str, Any]:
    rendered = dict(event)
    for key, value in event.items():
        if not key.endswith("EventDetails") or not isinstance(value, dict):
            continue
        details = dict(value)
        resource_type = details.get("resourceType")
        if not aws_form and isinstance(resource_type, str) and resource_type.startswith("aws-sdk:"):
            service = resource_type.removeprefix("aws-sdk:")
            details["resourceType"] = "aws-sdk"
            details["resource"] = f"{service}:{details.get('resource', '')}"
        if not include_data:
            for data_key in _DATA_KEYS:
                details.pop(data_key, None)
        rendered[key] = details
    return rendered
