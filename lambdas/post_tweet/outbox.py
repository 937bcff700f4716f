"""The local outbox: replies that would have been posted, as JSON lines plus copies of their photos.

Used only where no X credentials are configured (the local cloud). `outbox.jsonl` holds one entry per
reply; photos are stored beside it under `images/`. Delivering the same reply twice (a retried
execution) appends nothing new: the outbox remembers the entries it has read and reads only the lines
appended since (by this process or another), instead of the whole file for every reply.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lambdas.post_tweet.command import ReplyCommand
from lambdas.shared.images import FORMATS
from lambdas.shared.structured_log import get_logger, log_fields

logger = get_logger("sma.post")

OUTBOX_FILE = "outbox.jsonl"


class Outbox:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / OUTBOX_FILE
        self._lock = threading.Lock()
        self._recorded: set[str] = set()  # the entries read so far, each as canonical JSON
        self._read = 0  # bytes of the file read into _recorded
        self._file: tuple[int, int] | None = None  # (device, inode) of the file they were read from

    def post(self, reply: ReplyCommand, image: tuple[bytes, str] | None) -> dict[str, Any]:
        """The `Poster` method: queue the reply instead of posting it; the function's result document."""
        entry = self.deliver(reply, image[0] if image else None, FORMATS[image[1]][1] if image else None)
        logger.info("reply queued in the outbox", extra=log_fields(reply_to=reply.reply_to_tweet_id))
        return {
            "Posted": False,
            "Outbox": str(self.path),
            "ReplyToTweetId": reply.reply_to_tweet_id,
            "Image": entry["Image"],
        }

    def deliver(self, reply: ReplyCommand, image: bytes | None, extension: str | None) -> dict[str, Any]:
        """Record `reply` (and its photo); the entry as written, with the photo's path if any."""
        self.folder.mkdir(parents=True, exist_ok=True)
        image_path = self._store_image(reply, image, extension) if image is not None else None
        entry = {
            "ReplyToTweetId": reply.reply_to_tweet_id,
            "ReplyToUserId": reply.reply_to_user_id,
            "Text": reply.text,
            "ImageKey": reply.image_key,
            "Image": str(image_path) if image_path else None,
        }
        with self._lock:  # the check and the append as one step for this process's threads
            if _key(entry) not in self._entries():
                line = json.dumps({**entry, "QueuedAt": datetime.now(UTC).isoformat(timespec="seconds")})
                # One write of one line to a file opened for appending: concurrent writers never interleave.
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                try:
                    os.write(fd, (line + "\n").encode("utf-8"))
                finally:
                    os.close(fd)
        return entry

    def _entries(self) -> set[str]:
        """Every entry in the file (without its QueuedAt), read on from where the last look stopped."""
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            status = None
        identity = None if status is None else (status.st_dev, status.st_ino)
        if identity != self._file or (status is not None and status.st_size < self._read):
            self._recorded, self._read, self._file = set(), 0, identity  # a new or truncated file
        if status is None or status.st_size == self._read:
            return self._recorded
        with open(self.path, "rb") as file:
            file.seek(self._read)
            appended = file.read(status.st_size - self._read)
        complete = appended.rfind(b"\n") + 1  # a line still being written is read once it ends
        for line in appended[:complete].splitlines():
            try:
                document = json.loads(line)
            except ValueError:
                continue  # a torn line from a crash (or bytes that are not UTF-8): keep reading the rest
            if isinstance(document, dict):
                document.pop("QueuedAt", None)
                self._recorded.add(_key(document))
        self._read += complete
        return self._recorded

    def _store_image(self, reply: ReplyCommand, image: bytes, extension: str | None) -> Path:
        digest = hashlib.sha256(image).hexdigest()[:16]
        path = self.folder / "images" / f"{reply.reply_to_tweet_id}-{digest}.{extension or 'bin'}"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(path.suffix + ".tmp")
            temporary.write_bytes(image)
            temporary.replace(path)
        return path


def _key(entry: dict[str, Any]) -> str:
    """An entry as canonical JSON: equal entries, however their keys were ordered, are one key."""
    return json.dumps(entry, sort_keys=True)
