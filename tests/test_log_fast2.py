"""SQLite writers take turns on an OS lock beside the ledger (storage/db/queue.py).

What must hold while the queue makes 16 loggers faster: a writer waits its turn and goes
the moment the lock is free; the wait is bounded by the busy limit (one line, nothing
written); a process that dies mid-transaction frees the queue; readers never wait for it;
the witness file still names the chain's head. SQLite only: PostgreSQL writers queue on
the server's advisory lock (tests/test_concurrency.py), and have no lock file.
"""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from storage import witness
from storage.audit import chain_head
from storage.db import LedgerBusy, reading, writing
from storage.db.queue import lock_path
from storage.services import Ledger

from .conftest import _copy_sqlite, _example_code
from .processes import children

DAY = date(2026, 3, 3)


@pytest.fixture
def led(tmp_path: Path, _sqlite_example: Path) -> Iterator[Ledger]:
    """The example SOW in a SQLite file, acting as the vendor lead."""
    path = tmp_path / "ledger.db"
    _copy_sqlite(_sqlite_example, path)
    led = Ledger.open(f"sqlite:///{path}", _example_code(), "zhang.wei")
    yield led
    led.engine.dispose()


def _lock_file(led: Ledger) -> Path:
    path = lock_path(led.engine)
    assert path is not None
    return path


def _held(path: Path) -> bool:
    """Whether some open file holds the queue's lock (a try that takes nothing)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # releases what it took
    return False


@contextmanager
def _queue_held(led: Ledger) -> Iterator[None]:
    """Hold the ledger's write queue as another sowtrack writing would."""
    fd = os.open(_lock_file(led), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _in_thread(fn: Any) -> tuple[threading.Thread, list[Any]]:
    out: list[Any] = []

    def run() -> None:
        try:
            out.append(fn())
        except Exception as exc:  # noqa: BLE001 - the test reads it
            out.append(exc)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, out


def test_the_lock_file_sits_beside_the_ledger_and_is_free_between_writes(led: Ledger) -> None:
    led.log("T1", "1", on=DAY)
    path = _lock_file(led)
    assert path == Path(str(led.engine.url.database)).with_name("ledger.db.lock")
    assert path.exists()
    assert not _held(path)


def test_a_writer_waits_its_turn_and_goes_when_the_queue_is_free(led: Ledger) -> None:
    before = led.entry_count()
    with _queue_held(led):
        t, out = _in_thread(lambda: led.log("T1", "1", on=DAY))
        t.join(1.0)
        assert t.is_alive(), out  # waiting in the queue, not writing
        assert led.entry_count() == before
        released = time.monotonic()
    t.join(60)
    assert not t.is_alive()
    assert out and out[0].minutes == 60, out
    assert time.monotonic() - released < 30
    assert led.entry_count() == before + 1


def test_a_reader_never_waits_for_the_queue(led: Ledger) -> None:
    with _queue_held(led):
        start = time.monotonic()
        n = led.entry_count()
        views = led.entries(first=DAY, last=DAY)
        with reading(led.engine) as s:
            assert chain_head(s) is not None
        assert time.monotonic() - start < 10
    assert len(views) <= n


def test_a_wait_past_the_busy_limit_is_one_line_writes_nothing_and_frees_the_queue(
        led: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOWTRACK_BUSY_TIMEOUT", "1")
    before = led.entry_count()
    with _queue_held(led):
        start = time.monotonic()
        with pytest.raises(LedgerBusy, match=r"^the ledger is busy: another sowtrack has been "
                                             r"writing for 1 s; try again$"):
            led.log("T1", "1", on=DAY)
        assert 0.9 < time.monotonic() - start < 30
    assert led.entry_count() == before
    # The thread that was still waiting gets the lock now and lets it go at once.
    deadline = time.monotonic() + 30
    while _held(_lock_file(led)) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not _held(_lock_file(led))
    led.log("T1", "1", on=DAY)
    assert led.entry_count() == before + 1


def _writer_that_hangs(url: str, ready: Any) -> None:
    """A writer that begins, writes, and then never ends (until it is killed)."""
    led = Ledger.open(url, _example_code(), "zhang.wei")
    with writing(led.engine) as s:
        led._audit(s, led._project(s)).record("test", "entry", "0")
        s.flush()
        ready.set()
        time.sleep(600)


def test_a_writer_killed_mid_transaction_frees_the_queue(led: Ledger) -> None:
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    before = led.entry_count()
    with children() as started:
        p = ctx.Process(target=_writer_that_hangs, args=(str(led.engine.url), ready),
                        daemon=True)
        p.start()
        started.append(p)
        assert ready.wait(120), "the child never began writing"
        assert _held(_lock_file(led))  # the child holds the queue mid-transaction
        assert led.entry_count() == before  # and readers go on meanwhile
        t, out = _in_thread(lambda: led.log("T1", "1", on=DAY))
        t.join(1.0)
        assert t.is_alive(), out
        p.kill()
        p.join(30)
    t.join(60)
    assert not t.is_alive()
    assert out and out[0].minutes == 60, out
    assert led.entry_count() == before + 1
    assert not _held(_lock_file(led))
    assert led.verify()[1] == []  # the killed writer's audit row was never committed


def test_the_witness_names_the_head_and_leaves_no_temporary_file(led: Ledger) -> None:
    for i in range(3):
        led.log("T1", "1", on=date(2026, 3, 2 + i))
    path = witness.sqlite_path(led.engine)
    assert path is not None
    with reading(led.engine) as s:
        head = chain_head(s)
        assert head is not None
        assert witness.read(led.engine, s)[0] == witness.Head(*head)
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".head-")] == []
    # An older head (a writer that committed earlier but reached the file later) is
    # dropped, its temporary file too.
    witness.after_commit(led.engine, witness.Head(head[0] - 1, "0" * 64))
    with reading(led.engine) as s:
        assert witness.read(led.engine, s)[0] == witness.Head(*head)
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".head-")] == []
