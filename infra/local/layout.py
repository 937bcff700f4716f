"""Where the local cloud keeps its durable state: every path under the state folder, named once.

The state folder is `$SMA_HOME` (default `.sma/` in the working directory). Only
`StateLayout.from_environment` reads that variable; every local service is handed its own paths by the
local account, so nothing below `integrations/` decides where its files live.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

HOME_VARIABLE = "SMA_HOME"
DEFAULT_HOME = Path(".sma")


@dataclass(frozen=True)
class StateLayout:
    """The state folder and the place of each service's files inside it."""

    home: Path

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> StateLayout:
        """The layout under `$SMA_HOME`, or under `.sma/` when it is unset."""
        value = (os.environ if environ is None else environ).get(HOME_VARIABLE)
        return cls(Path(value) if value else DEFAULT_HOME)

    def folder(self, name: str) -> Path:
        """A service's own folder (created on first use)."""
        path = self.home / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    # One property per durable thing; services never build these paths themselves.
    @property
    def bus(self) -> Path:
        return self.folder("bus")

    @property
    def logs(self) -> Path:
        return self.folder("logs")

    @property
    def objects(self) -> Path:
        return self.folder("s3")

    @property
    def stream(self) -> Path:
        return self.folder("stream") / "streams.sqlite3"

    @property
    def pipe_checkpoints(self) -> Path:
        return self.folder("pipes") / "checkpoints.sqlite"

    @property
    def firehose_buffer(self) -> Path:
        return self.folder("firehose") / "buffer.sqlite3"

    @property
    def topics(self) -> Path:
        return self.folder("topics")

    @property
    def tables(self) -> Path:
        return self.folder("dynamodb") / "tables.sqlite3"

    @property
    def executions(self) -> Path:
        return self.folder("stepfunctions") / "executions.sqlite3"

    @property
    def secrets(self) -> Path:
        return self.folder("secrets") / "secrets.json"

    @property
    def face_collections(self) -> Path:
        return self.folder("rekognition")

    @property
    def outbox(self) -> Path:
        return self.folder("outbox")

    @property
    def media_host(self) -> Path:
        """The files the local media host serves (the sample photos, `sma send --image` photos)."""
        return self.folder("media-server")

    @property
    def endpoint_file(self) -> Path:
        """Where a running `sma up` writes its webhook URL, media origin and PID for `sma send`."""
        return self.home / "endpoint.json"

    @property
    def lock(self) -> Path:
        """Held by the one local cloud running on this state folder (its PID inside)."""
        return self.home / "cloud.lock"

    @property
    def review_page(self) -> Path:
        return self.home / "review.html"

    @property
    def demo(self) -> StateLayout:
        """`sma demo` runs a fresh cloud of its own in a sub-folder, leaving the user's state alone."""
        return StateLayout(self.home / "demo")
