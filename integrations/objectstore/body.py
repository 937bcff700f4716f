"""A response body that reads like botocore's `StreamingBody`."""

from __future__ import annotations

import io
from collections.abc import Iterator


class StreamingBody(io.BytesIO):
    """`read()`, `read(n)`, `iter_chunks()`, `iter_lines()`, `close()`, usable as a context manager."""

    def iter_chunks(self, chunk_size: int = 1024) -> Iterator[bytes]:
        while chunk := self.read(chunk_size):
            yield chunk

    def iter_lines(self, chunk_size: int = 1024, keepends: bool = False) -> Iterator[bytes]:
        del chunk_size
        yield from self.getvalue()[self.tell() :].splitlines(keepends=keepends)
        self.seek(0, io.SEEK_END)
