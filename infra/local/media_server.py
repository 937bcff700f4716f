"""A loopback web server for sample photos: the local stand-in for X's media host (pbs.twimg.com).

The bundled payloads name their photos as X does (`https://pbs.twimg.com/media/<file>`); the local cloud
serves the files from a folder and rewrites those URLs to this server, whose origin the download
function is told to allow. Only files copied into the folder are served; directory listings are off.
"""

from __future__ import annotations

import shutil
import socket
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from infra.local.http_gateway import SHUTDOWN_POLL_SECONDS

X_MEDIA_PREFIX = "https://pbs.twimg.com/media/"


def local_url(x_url: str, origin: str) -> str:
    """The URL on the local media server at `origin` of a photo named on X's media host (others unchanged)."""
    if x_url.startswith(X_MEDIA_PREFIX):
        return f"{origin}/media/{x_url.removeprefix(X_MEDIA_PREFIX)}"
    return x_url


def publish(image: Path, folder: Path, origin: str) -> str:
    """Copy `image` into the media folder served at `origin`; returns its URL."""
    target = folder / "media" / image.name
    if image.resolve() != target.resolve():
        shutil.copyfile(image, target)
    return f"{origin}/media/{image.name}"


class _FilesOnly(SimpleHTTPRequestHandler):
    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm holds the
        # body until the client's delayed ACK (about 40 ms on loopback) for every photo.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def list_directory(self, path: Any) -> None:
        self.send_error(404, "Not Found")

    def log_message(self, format: str, *args: Any) -> None:  # silence per-request logging on stderr
        del format, args


class MediaPortTaken(RuntimeError):
    """The port this state folder's photos were published on is taken by another program."""


class MediaServer:
    """Serves `folder` on 127.0.0.1 under `/media/`, on the same port every time for one folder.

    Photo URLs end up in durable state (webhooks on the stream, events in the bus and archive, executions
    to recover), so a restart must serve them at the same origin: the first start picks a free port and
    writes it into the folder; later starts bind that port again."""

    PORT_FILE = "port"

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.folder = folder
        (folder / "media").mkdir(parents=True, exist_ok=True)
        handler = partial(_FilesOnly, directory=str(folder))
        remembered = folder / self.PORT_FILE
        if port is None:
            port = int(remembered.read_text()) if remembered.is_file() else 0
        try:
            self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        except OSError as error:
            raise MediaPortTaken(
                f"the local media host of {folder} serves its photos on port {port}, which is in use "
                f"({error.strerror}): stop the program using it, or delete {remembered} to pick another "
                "(earlier photo URLs then stop working)"
            ) from None
        remembered.write_text(str(self._server.server_address[1]))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS},
            name="media-server",
            daemon=True,
        )

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> MediaServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def publish(self, image: Path) -> str:
        """Copy `image` into the served folder; returns its URL."""
        return publish(image, self.folder, self.origin)
