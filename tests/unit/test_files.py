"""`write_atomically`: a reader sees the old file or the new one, never a part (the endpoint file that
`sma send` reads while `sma up` writes it, the AI cache, the face collections)."""

from __future__ import annotations

import threading
from pathlib import Path

from integrations.files import write_atomically


def test_readers_never_see_part_of_a_file_while_writers_race(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "endpoint.json"
    versions = [bytes([ord("a") + n]) * 200_000 for n in range(4)]
    seen: set[bytes] = set()
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            if path.exists():
                seen.add(path.read_bytes())

    reader = threading.Thread(target=read)
    reader.start()
    writers = [
        threading.Thread(target=lambda v=version: [write_atomically(path, v) for _ in range(20)])
        for version in versions
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    done.set()
    reader.join()
    assert seen and seen <= set(versions)  # only whole versions, never an empty or cut file
    assert path.read_bytes() in versions
    assert [p.name for p in path.parent.iterdir()] == ["endpoint.json"]  # no temporary file left behind
