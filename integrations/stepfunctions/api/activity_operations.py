"""CreateActivity, DescribeActivity, ListActivities, DeleteActivity and GetActivityTask."""

from __future__ import annotations

from typing import Any

from integrations.stepfunctions.api import names, pages
from integrations.stepfunctions.api.backend import Backend
from integrations.stepfunctions.api.tag_operations import add_tags

Request = dict[str, Any]


def create_activity(backend: Backend, request: Request, region: str) -> dict[str, Any]:
    name = names.check_name(request["name"])
    arn = f"arn:aws:states:{region}:{backend.config.account}:activity:{name}"
    activity = backend.activities.create(arn, name)
    add_tags(backend, activity.arn, request.get("tags") or [])
    return {"activityArn": activity.arn, "creationDate": activity.created}


def describe_activity(backend: Backend, request: Request, region: str) -> dict[str, Any]:
    names.parse_arn(request["activityArn"], "activity")
    return backend.activities.get(request["activityArn"]).describe()


def list_activities(backend: Backend, request: Request, region: str) -> dict[str, Any]:
    items, token = pages.page(backend.activities.all(), request.get("maxResults"), request.get("nextToken"))
    listed: dict[str, Any] = {"activities": [activity.describe() for activity in items]}
    if token:
        listed["nextToken"] = token
    return listed


def delete_activity(backend: Backend, request: Request, region: str) -> dict[str, Any]:
    names.parse_arn(request["activityArn"], "activity")
    backend.activities.delete(request["activityArn"])
    return {}


def get_activity_task(backend: Backend, request: Request, region: str) -> dict[str, Any]:
    names.parse_arn(request["activityArn"], "activity")
    task = backend.activities.take(request["activityArn"])
    # With no work within the long poll AWS answers without a token, and workers poll again.
    return {"taskToken": task.token, "input": task.input} if task is not None else {}
