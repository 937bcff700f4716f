"""One cloud per state folder (a lock the kernel frees however its holder dies), and a media host that
serves a folder's photos at the same origin after a restart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from infra.local.media_server import MediaPortTaken, MediaServer
from infra.local.state_lock import StateFolderInUse, StateLock
from infra.topology import ROOT


def test_a_second_lock_on_a_folder_is_refused_with_the_holders_pid(tmp_path: Path) -> None:
    held = StateLock(tmp_path / "cloud.lock").acquire()
    with pytest.raises(StateFolderInUse, match=f"PID {os.getpid()}"):
        StateLock(tmp_path / "cloud.lock").acquire()
    held.release()
    StateLock(tmp_path / "cloud.lock").acquire().release()  # free again once released


def test_a_lock_whose_holder_was_killed_does_not_block_the_next_start(tmp_path: Path) -> None:
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from infra.local.state_lock import StateLock\n"
        "StateLock(Path(sys.argv[1])).acquire()\n"
        "print('held', flush=True)\n"
        "time.sleep(60)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path / "cloud.lock")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(StateFolderInUse, match=f"PID {holder.pid}"):
            StateLock(tmp_path / "cloud.lock").acquire()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    StateLock(tmp_path / "cloud.lock").acquire().release()


def test_the_media_host_comes_back_at_the_same_origin(tmp_path: Path) -> None:
    photo = tmp_path / "cat.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    first = MediaServer(tmp_path / "media-server").start()
    url = first.publish(photo)
    first.stop()
    second = MediaServer(tmp_path / "media-server").start()
    try:
        assert second.origin == first.origin
        with urllib.request.urlopen(url, timeout=5) as response:  # the URL published before the restart
            assert response.read() == photo.read_bytes()
    finally:
        second.stop()


def test_a_taken_media_port_is_named_in_the_error(tmp_path: Path) -> None:
    first = MediaServer(tmp_path / "media-server").start()
    try:
        with pytest.raises(MediaPortTaken, match=first.origin.rsplit(":", 1)[1]):
            MediaServer(tmp_path / "media-server")
    finally:
        first.stop()
