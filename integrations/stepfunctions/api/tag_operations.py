"""TagResource, UntagResource and ListTagsForResource, for state machines and activities (CDK apps and
fixtures tag what they create; CreateStateMachine and CreateActivity accept `tags` too)."""

from __future__ import annotations

from typing import Any

from integrations.stepfunctions.api import names
from integrations.stepfunctions.api.backend import Backend
from integrations.stepfunctions.api.errors import ApiError

Request = dict[str, Any]


def add_tags(backend: Backend, arn: str, tags: list[dict[str, str]]) -> None:
    backend.tags.setdefault(arn, {}).update({tag["key"]: tag.get("value", "") for tag in tags})


def tag_resource(backend: Backend, request: Request, region: str) -> dict[str, Any]:
    add_tags(backend, _existing(backend, request["resourceArn"]), request["tags"])
    return {}


def untag_resource(backend: Backend, request: Request, region: str) -> dict[str, Any]:
    tags = backend.tags.get(_existing(backend, request["resourceArn"]), {})
    for key in request["tagKeys"]:
        tags.pop(key, None)
    return {}


def list_tags_for_resource(backend: Backend, request: Request, region: str) -> dict[str, Any]:
    tags = backend.tags.get(_existing(backend, request["resourceArn"]), {})
    return {"tags": [{"key": key, "value": value} for key, value in tags.items()]}


def _existing(backend: Backend, arn: str) -> str:
    _, _, kind, _ = names.parse_arn(arn, "stateMachine", "activity")
    try:
        backend.machines.get(arn) if kind == "stateMachine" else backend.activities.get(arn)
    except ApiError:
        raise ApiError("ResourceNotFound", f"Resource not found: '{arn}'") from None
    return arn
