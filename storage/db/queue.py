"""SQLite writers take turns on an OS file lock beside the ledger (``LEDGER.lock``).

SQLite's own busy handler waits for the write lock by sleeping (1, 2, 5 ... up to
100 ms) and trying again: with many writers the lock often lies free while they
all sleep. A writer here first takes an exclusive ``flock`` on ``LEDGER.lock``
and only then begins (``BEGIN IMMEDIATE``); it keeps it until its transaction has
ended. The kernel hands the lock to a waiting writer the moment it is released,
with no polling, and a waiting process uses no CPU. The lock is the process's: a
process that dies (even ``kill -9``) releases it with its files.

It is advisory and only sowtrack's writers take it: readers never wait for it,
and another writer (an older sowtrack, the ``sqlite3`` shell) still meets the
SQLite lock, which is waited for as before (storage.db.busy). A ledger whose
folder does not let the file be created simply has no queue. The wait counts
against the busy limit (:func:`storage.db.busy.busy_limit`): once it is spent the
action is refused in one line, as a busy SQLite lock is.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine

from storage.db import companions
from storage.db.busy import LedgerBusy, _busy_message
from storage.db.engine import is_read_only

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows: no queue, SQLite's lock alone
    fcntl = None  # type: ignore[assignment]

_FLAGS = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def lock_path(engine: Engine) -> Path | None:
    """The write queue's lock file of a SQLite ledger file (``LEDGER.lock``), or None
    (PostgreSQL, an in-memory or read-only ledger)."""
    database = companions.ledger_file(engine)
    if database is None or is_read_only(engine):
        return None
    return companions.beside(database, companions.QUEUE)


@contextmanager
def write_turn(engine: Engine, limit: float) -> Iterator[float]:
    """Inside the block this process holds the ledger's write queue; yields the seconds
    of ``limit`` left once it got it. Raises LedgerBusy when ``limit`` is spent first."""
    path = lock_path(engine)
    fd = None
    if path is not None and fcntl is not None:
        try:
            fd = os.open(path, _FLAGS, 0o644)
        except OSError:
            fd = None  # no queue: SQLite's own lock and busy handler, as without one
    if fd is None:
        yield limit
        return
    start = time.monotonic()
    try:
        got = _take(fd, limit)
    except BaseException:
        os.close(fd)
        raise
    if not got:  # the waiting thread owns fd now and closes it
        waited = time.monotonic() - start
        raise LedgerBusy(_busy_message("locked", waited))
    try:
        yield max(0.0, limit - (time.monotonic() - start))
    finally:
        os.close(fd)  # releases the lock (so does the process's death)


def _take(fd: int, limit: float) -> bool:
    """Lock ``fd`` exclusively within ``limit`` seconds. False: not in time; ``fd`` then
    belongs to a thread still waiting, which closes it (and so unlocks it) once it gets
    the lock."""
    assert fcntl is not None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        pass
    except OSError:
        return True  # a file system without locks: SQLite's own lock alone, as without one
    # flock has no time limit: a thread waits in the kernel, this one no longer than
    # the limit.
    got, decided = threading.Event(), threading.Lock()
    abandoned: list[bool] = []

    def wait() -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:
            pass  # not locked: SQLite's own lock alone, as without a queue
        with decided:
            if abandoned:
                os.close(fd)
                return
            got.set()

    threading.Thread(target=wait, name="sowtrack-write-queue", daemon=True).start()
    got.wait(limit)
    with decided:
        if not got.is_set():
            abandoned.append(True)
            return False
    return True
