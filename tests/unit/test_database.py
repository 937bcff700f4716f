"""Group commit: a write that must survive power loss is on the disk (its WAL file fsynced after the
commit) before the caller acknowledges it, and writers that commit together share one fsync.

SQLite, "Write-Ahead Logging" (https://www.sqlite.org/wal.html) and "PRAGMA synchronous"
(https://www.sqlite.org/pragma.html#pragma_synchronous): in WAL mode with synchronous=NORMAL a commit is
in the log file, not yet on the disk; the log is synced before each checkpoint and the database after
it. fsync(2): data of the file written before the call is on the device when it returns.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import pytest

from integrations import database
from integrations.database import GroupCommit, open_database


class _Disk:
    """Records each fsync: which file, and how many commits had been ticketed when it began."""

    def __init__(self, commits: GroupCommit, monkeypatch: pytest.MonkeyPatch) -> None:
        self.flushes: list[tuple[int, int]] = []  # (inode, commits covered)
        self._commits = commits
        self.release = threading.Event()
        self.release.set()
        self.began = threading.Event()  # set once a flush has begun
        real = os.fsync

        def fsync(descriptor: int) -> None:
            covered = commits._committed
            self.began.set()
            self.release.wait(10)
            real(descriptor)
            self.flushes.append((os.fstat(descriptor).st_ino, covered))

        monkeypatch.setattr(database.os, "fsync", fsync)


def _writer(path: Path) -> tuple[sqlite3.Connection, GroupCommit]:
    db = open_database(path, synchronous="NORMAL")
    db.execute("CREATE TABLE IF NOT EXISTS t (v TEXT)")
    return db, GroupCommit(path)


def test_a_synced_commit_flushed_the_write_ahead_log_after_it(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "store.sqlite3"
    db, commits = _writer(path)
    disk = _Disk(commits, monkeypatch)
    db.execute("INSERT INTO t VALUES ('acknowledged')")
    ticket = commits.committed()
    commits.sync(ticket)
    assert disk.flushes == [(os.stat(f"{path}-wal").st_ino, ticket)]
    commits.sync(ticket)  # already on the disk: no second flush
    assert len(disk.flushes) == 1


def test_writers_committing_together_share_one_flush(tmp_path: Path, monkeypatch) -> None:
    db, commits = _writer(tmp_path / "store.sqlite3")
    disk = _Disk(commits, monkeypatch)
    lock = threading.Lock()
    done: list[int] = []

    def write(value: int) -> None:
        with lock:  # the store's own lock: commits are serialised, flushes are not
            db.execute("INSERT INTO t VALUES (?)", (str(value),))
            ticket = commits.committed()
        commits.sync(ticket)
        done.append(ticket)

    disk.release.clear()  # hold the first flush while the others commit
    first = threading.Thread(target=write, args=(0,))
    first.start()
    # The others start once the first flush is under way: they commit during it, never before it.
    assert disk.began.wait(10)
    others = [threading.Thread(target=write, args=(value,)) for value in range(1, 8)]
    for thread in others:
        thread.start()
    while commits._committed < 8:
        pass
    assert done == []  # nobody is told "durable" while the flush is under way
    disk.release.set()
    for thread in [first, *others]:
        thread.join(10)
    assert sorted(done) == list(range(1, 9))
    # The first flush covered the first commit; the seven committed during it share the second.
    assert [covered for _, covered in disk.flushes] == [1, 8]


def test_a_failed_flush_is_reported_and_the_next_sync_flushes_again(tmp_path: Path, monkeypatch) -> None:
    db, commits = _writer(tmp_path / "store.sqlite3")
    db.execute("INSERT INTO t VALUES ('x')")
    ticket = commits.committed()
    calls = []

    def failing(descriptor: int) -> None:
        calls.append(descriptor)
        if len(calls) == 1:
            raise OSError(5, "Input/output error")

    monkeypatch.setattr(database.os, "fsync", failing)
    with pytest.raises(OSError):
        commits.sync(ticket)
    commits.sync(ticket)
    assert len(calls) == 2
