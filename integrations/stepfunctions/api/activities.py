"""Activities: Task states whose work is done by workers that poll GetActivityTask and answer with
SendTaskSuccess or SendTaskFailure (AWS: "Learn about Activities in Step Functions")."""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from integrations.stepfunctions.api.errors import ApiError

# GetActivityTask waits this long for work, then answers without a task (AWS's long poll).
POLL_SECONDS = 60.0


@dataclass(frozen=True)
class ActivityTask:
    token: str
    input: str


@dataclass
class Activity:
    arn: str
    name: str
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    tasks: queue.Queue[ActivityTask] = field(default_factory=queue.Queue, repr=False)

    def describe(self) -> dict[str, object]:
        return {"activityArn": self.arn, "name": self.name, "creationDate": self.created}


def missing(arn: str) -> ApiError:
    return ApiError("ActivityDoesNotExist", f"Activity Does Not Exist: '{arn}'")


class Activities:
    def __init__(self) -> None:
        self._activities: dict[str, Activity] = {}
        self._lock = threading.Lock()

    def create(self, arn: str, name: str) -> Activity:
        """Creating an activity that exists returns it (CreateActivity is idempotent)."""
        with self._lock:
            return self._activities.setdefault(arn, Activity(arn, name))

    def get(self, arn: str) -> Activity:
        activity = self._activities.get(arn)
        if activity is None:
            raise missing(arn)
        return activity

    def delete(self, arn: str) -> None:
        with self._lock:
            self._activities.pop(arn, None)

    def all(self) -> list[Activity]:
        return sorted(self._activities.values(), key=lambda activity: activity.created)

    def take(self, arn: str, wait: float = POLL_SECONDS) -> ActivityTask | None:
        """The next task scheduled for the activity, waiting up to `wait` seconds for one."""
        try:
            return self.get(arn).tasks.get(timeout=wait)
        except queue.Empty:
            return None
