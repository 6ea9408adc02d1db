"""One ledger for the whole team: many writers at once, a busy ledger, a killed process.

Every test runs on a SQLite file and on PostgreSQL (the ``db_url`` fixture). The
processes are real (spawned interpreters or the ``sowtrack`` console script), and
every child is killed in a ``finally`` so that a failing test leaves none behind.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, make_url, select

from storage.db import WRITE_LOCK_KEY
from storage.orm import AuditEvent, Period, Signature, TimeEntry
from storage.services import Ledger
from storage.sowfile import EntryRow

from .processes import SOWTRACK, children, cli_env

WORKERS, PER_WORKER = 16, 250
# Each vendor person logs on a task they are assigned to; the lead logs for everyone.
TEAM = {"zhang.wei": "T1", "chen.jing": "T2", "liu.yang": "T4", "wang.fang": "T3"}
FIRST = date(2026, 3, 2)  # the example SOW's start
SOW_DAYS = 89  # 2026-03-02..2026-05-29, weekends included (they are overtime, not refused)
BUSY = re.compile(r"the ledger is busy: another sowtrack has been writing for \d+ s; "
                  r"try again$")


# ---------------------------------------------------------------- helpers


def _rows(model: type, led: Ledger) -> int:
    with led.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def _cli(url: str, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SOWTRACK), "--db", url, *argv], capture_output=True, text=True,
                          env=cli_env(**env), timeout=180)


def _wait_for(what: str, ready: Callable[[], bool], proc: subprocess.Popen[str],
              timeout: float = 120.0) -> None:
    """Poll ``ready`` until true; fail (with the child's stderr) if the child ends first."""
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            raise AssertionError(f"the child ended before {what}: exit {proc.returncode}, "
                                 f"{proc.communicate()[1][-2000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.005)


def _pg_dsn(url: str) -> str:
    """The libpq form of a SQLAlchemy PostgreSQL URL (for psycopg directly)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def _write_lock_held(url: str) -> Iterator[Callable[[], None]]:
    """Hold the ledger's write lock, as a writer that never finishes would; yields release()."""
    if url.startswith("sqlite"):
        holder = sqlite3.connect(make_url(url).database, isolation_level=None,
                                 check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")
    else:
        import psycopg

        holder = psycopg.connect(_pg_dsn(url))
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
    try:
        yield holder.rollback
    finally:
        holder.close()


def _log_worker(url: str, code: str, person: str, n: int, start: Any, results: Any) -> None:
    """One process of the team: its own Ledger, ``n`` entries, one transaction each."""
    errors: list[str] = []
    try:
        led = Ledger.open(url, code, "zhang.wei")
        start.wait(timeout=300)
        for i in range(n):
            try:
                led.log(TEAM[person], "0.05", on=FIRST + timedelta(days=i % 80), person=person,
                        note=f"{person} {i}")
            except Exception as exc:  # noqa: BLE001 - whatever reached the user is a failure
                errors.append(f"{type(exc).__name__}: {exc}")
        led.engine.dispose()
    except Exception as exc:  # noqa: BLE001
        errors.append(f"setup: {type(exc).__name__}: {exc}")
        start.abort()  # nobody waits for this process: the test fails now, with the reason
    results.put((person, errors))


def _worker_url(url: str) -> str:
    if url.startswith("sqlite"):
        return url
    # What is tested is serialisation, not durability: skip the wait for the WAL flush at
    # each commit, as CI's throwaway server does for every connection anyway.
    return (make_url(url).update_query_dict({"options": "-c synchronous_commit=off"})
            .render_as_string(hide_password=False))


# ---------------------------------------------------------------- many writers


@pytest.mark.slow
def test_sixteen_processes_logging_at_once_lose_nothing(example: Ledger, db_url: str) -> None:
    """16 processes x 250 entries, started together: 4,000 entries, one unbroken audit chain,
    and not one error reached a user (each process reports every failure it saw)."""
    audit_before = _rows(AuditEvent, example)
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(WORKERS + 1)
    results = ctx.Queue()
    people = list(TEAM)
    with children() as started:
        for i in range(WORKERS):
            p = ctx.Process(target=_log_worker, args=(
                _worker_url(db_url), example.project_code, people[i % len(people)], PER_WORKER,
                start, results), daemon=True)
            p.start()
            started.append(p)
        try:
            start.wait(timeout=300)  # every process has its ledger open: go
        except threading.BrokenBarrierError:
            pass  # a process could not open the ledger; its report says why
        reports = [results.get(timeout=600) for _ in range(WORKERS)]
    failures = [f"{person}: {e}" for person, errors in reports for e in errors]
    assert failures == []
    assert _rows(TimeEntry, example) == WORKERS * PER_WORKER
    count, problems = example.verify()
    assert problems == []
    assert count == audit_before + WORKERS * PER_WORKER


# ---------------------------------------------------------------- a busy ledger


def test_a_ledger_that_stays_busy_is_one_line_and_a_short_wait_is_invisible(
        example: Ledger, db_url: str) -> None:
    log = ("--as", "zhang.wei", "--project", example.project_code, "log", "--task", "T1",
           "--hours", "1", "--date", "2026-03-02")
    with _write_lock_held(db_url) as release:
        t0 = time.monotonic()
        done = _cli(db_url, *log, SOWTRACK_BUSY_TIMEOUT="2")
        assert done.returncode == 1, done
        assert time.monotonic() - t0 >= 2
        [line] = done.stderr.splitlines()
        assert line.startswith("error: ") and BUSY.search(line), line
        assert "locked" not in done.stderr and "Traceback" not in done.stderr

        with children() as started:
            waiting = subprocess.Popen([str(SOWTRACK), "--db", db_url, *log], text=True,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       env=cli_env())
            started.append(waiting)
            time.sleep(3)  # started, opened the ledger, queued behind the lock
            assert waiting.poll() is None, waiting.communicate()
            release()
            out, err = waiting.communicate(timeout=120)
    assert (waiting.returncode, err) == (0, "")
    assert out.startswith("logged 1 h for zhang.wei on T1, 2026-03-02")
    assert _rows(TimeEntry, example) == 1 and example.verify()[1] == []


@contextmanager
def _cannot_open(url: str, led: Ledger) -> Iterator[Callable[[], None]]:
    """No new connection can even open the ledger. SQLite: another connection holds the
    file in exclusive locking mode (the PRAGMAs on connect are refused). PostgreSQL: the
    database's connection limit is reached. Yields release()."""
    led.engine.dispose()
    released = False
    if url.startswith("sqlite"):
        holder = sqlite3.connect(make_url(url).database, isolation_level=None,
                                 check_same_thread=False)
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")

        def undo() -> None:
            holder.execute("ROLLBACK")
    else:
        import psycopg

        name = make_url(url).database
        holder = psycopg.connect(_pg_dsn(url), autocommit=True)
        holder.execute(f'ALTER DATABASE "{name}" CONNECTION LIMIT 1')  # this one is it

        def undo() -> None:
            holder.execute(f'ALTER DATABASE "{name}" CONNECTION LIMIT -1')

    def release() -> None:
        nonlocal released
        if not released:
            released = True
            try:
                undo()
            finally:
                holder.close()

    try:
        yield release
    finally:
        release()


def test_a_ledger_that_cannot_be_opened_for_a_moment_is_waited_for(example: Ledger,
                                                                   db_url: str) -> None:
    """Busy on connect (SQLite's PRAGMAs; PostgreSQL's "too many connections"): a short
    wait is invisible, a long one is one line."""
    verify = ("verify",)
    with _cannot_open(db_url, example) as release:
        done = _cli(db_url, *verify, SOWTRACK_BUSY_TIMEOUT="1")
        assert done.returncode == 1, done
        [line] = done.stderr.splitlines()
        assert line.startswith("error: ") and "the ledger is busy: " in line, line
        assert line.endswith("; try again"), line
        assert "locked" not in line and "too many" not in line and "Traceback" not in line

        with children() as started:
            waiting = subprocess.Popen([str(SOWTRACK), "--db", db_url, *verify], text=True,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       env=cli_env())
            started.append(waiting)
            time.sleep(3)
            assert waiting.poll() is None, waiting.communicate()
            release()
            out, err = waiting.communicate(timeout=120)
    assert (waiting.returncode, err) == (0, ""), err
    assert out.startswith("ok: 1 audit rows chained")


def test_a_busy_error_in_the_middle_of_an_action_is_one_line_and_writes_nothing(
        example: Ledger, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the point where a retry is safe, the action is rolled back and refused.

    PostgreSQL: a deadlock. Another client locks the audit table and then asks for the
    write lock that `log` holds while it waits for that table; the server aborts `log`.
    SQLite has no such point for a writer: once BEGIN IMMEDIATE holds the write lock,
    nothing can block it (in WAL mode a reader holding an old snapshot does not), which
    is checked instead."""
    from storage.db import LedgerBusy

    before = _rows(TimeEntry, example), _rows(AuditEvent, example)
    failure: list[BaseException] = []
    if db_url.startswith("sqlite"):
        # a wait for the busy timeout would take 8 s; the write itself, under load, 2 s
        monkeypatch.setenv("SOWTRACK_BUSY_TIMEOUT", "8")
        reader = sqlite3.connect(make_url(db_url).database, isolation_level=None)
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM time_entry").fetchone() == (before[0],)
        try:
            t0 = time.monotonic()
            example.log("T1", "1", on="2026-03-02")
            assert time.monotonic() - t0 < 8
            # the reader still sees its snapshot; a new read sees the entry
            assert reader.execute("SELECT count(*) FROM time_entry").fetchone() == (before[0],)
            assert _rows(TimeEntry, example) == before[0] + 1
        finally:
            reader.close()
        return
    import psycopg

    other = psycopg.connect(_pg_dsn(db_url))
    watcher = psycopg.connect(_pg_dsn(db_url), autocommit=True)
    other.execute("LOCK TABLE audit_event IN ACCESS EXCLUSIVE MODE")

    def log() -> None:
        try:
            example.log("T1", "1", on="2026-03-02")
        except BaseException as exc:  # noqa: BLE001 - the test reads it
            failure.append(exc)

    worker = threading.Thread(target=log)
    worker.start()
    try:
        deadline = time.monotonic() + 60
        while watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend' AND wait_event_type = 'Lock' "
                "AND backend_xid IS NOT NULL").fetchone()[0] == 0:
            assert time.monotonic() < deadline and worker.is_alive()
            time.sleep(0.01)
        # `log` holds the write lock and waits for the table; ask for the write lock.
        other.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
    finally:
        other.rollback()
        other.close()
        watcher.close()
        worker.join(timeout=60)
    assert [type(e) for e in failure] == [LedgerBusy]
    assert str(failure[0]) == ("the ledger is busy: another sowtrack is writing; "
                               "nothing was written; try again")
    assert (_rows(TimeEntry, example), _rows(AuditEvent, example)) == before
    assert example.verify()[1] == []
    example.log("T1", "1", on="2026-03-02")  # and the next action goes through


def test_a_bad_busy_timeout_is_one_line(example: Ledger, db_url: str) -> None:
    done = _cli(db_url, "verify", SOWTRACK_BUSY_TIMEOUT="soon")
    assert (done.returncode, done.stderr) == (
        1, "error: SOWTRACK_BUSY_TIMEOUT: 'soon' is not a number of seconds (>= 0)\n")


# ---------------------------------------------------------------- killed mid-way


def _big_csv(path: Path, n: int) -> None:
    """``n`` valid rows: the 4 vendor people x 4 tasks x every SOW day, 3 minutes each
    (at most 843 minutes a person a day for 100,000 rows: the 24-hour rule holds)."""
    people, tasks = list(TEAM), ["T1", "T2", "T3", "T4"]
    days = [FIRST + timedelta(days=d) for d in range(SOW_DAYS)]
    with path.open("w", encoding="utf-8") as f:
        f.write("date,person,task,hours,note\n")
        for i in range(n):
            f.write(f"{days[(i // 4) % SOW_DAYS]},{people[i % 4]},{tasks[(i // 356) % 4]},"
                    f"0.05,bulk {i}\n")


def _named(url: str, name: str) -> str:
    """``url`` whose PostgreSQL connections carry application_name ``name``."""
    if url.startswith("sqlite"):
        return url
    return (make_url(url).update_query_dict({"application_name": name})
            .render_as_string(hide_password=False))


def _writing_now(url: str, name: str) -> Callable[[], bool]:
    """True once the process has written part of its transaction, uncommitted.

    SQLite: the -wal file has grown by a megabyte (the page cache spills before the
    commit). PostgreSQL: the backend of the process (application_name ``name``) is in a
    transaction that has been given a transaction id (that happens at its first
    write)."""
    if url.startswith("sqlite"):
        wal = Path(make_url(url).database + "-wal")
        base = wal.stat().st_size if wal.exists() else 0
        return lambda: wal.exists() and wal.stat().st_size > base + 1_000_000
    import psycopg

    watcher = psycopg.connect(_pg_dsn(url), autocommit=True)

    def ready() -> bool:
        return watcher.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = %s AND backend_xid IS NOT NULL", (name,)).fetchone()[0] > 0

    ready.close = watcher.close  # type: ignore[attr-defined]
    return ready


@pytest.mark.slow
def test_an_import_killed_mid_way_leaves_nothing(example: Ledger, db_url: str,
                                                 tmp_path: Path) -> None:
    """SIGKILL during `sowtrack import entries` of 100,000 rows, once it has begun writing:
    the entry count is unchanged, the next action works and the audit chain verifies."""
    example.log("T1", "2", on="2026-03-02")
    entries, audit = _rows(TimeEntry, example), _rows(AuditEvent, example)
    big = tmp_path / "big.csv"
    _big_csv(big, 100_000)
    ready = _writing_now(db_url, "killed-import")
    try:
        with children() as started:
            proc = subprocess.Popen([str(SOWTRACK), "--db", _named(db_url, "killed-import"),
                                     "--as", "zhang.wei", "--project", example.project_code,
                                     "import", "entries", str(big)], text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    env=cli_env())
            started.append(proc)
            _wait_for("the import to begin writing", ready, proc)
            os.kill(proc.pid, signal.SIGKILL)
            proc.communicate(timeout=30)
    finally:
        getattr(ready, "close", lambda: None)()
    assert proc.returncode == -signal.SIGKILL  # killed, not finished
    example.engine.dispose()  # the next open, as a new process would
    after = Ledger.open(db_url, example.project_code, "zhang.wei")
    try:
        assert _rows(TimeEntry, after) == entries
        assert _rows(AuditEvent, after) == audit
        after.log("T1", "1", on="2026-03-03")
        count, problems = after.verify()
        assert problems == [] and count == audit + 1
    finally:
        after.engine.dispose()


def _holds_sqlite_write_lock(db_file: str, pid: int) -> Callable[[], bool]:
    """True while ``pid`` holds the WAL write lock of ``db_file`` (Linux /proc/locks).

    In WAL mode a writer holds a POSIX write lock on byte 120 of the -shm file from
    BEGIN IMMEDIATE until its commit (or rollback) is done."""
    shm = Path(db_file + "-shm")

    def held() -> bool:
        if not shm.exists():
            return False
        inode = shm.stat().st_ino
        for line in Path("/proc/locks").read_text().splitlines():
            f = line.split()
            if (len(f) >= 8 and f[1] == "POSIX" and f[3] == "WRITE" and f[4] == str(pid)
                    and f[5].endswith(f":{inode}") and f[6] == "120"):
                return True
        return False

    return held


@pytest.mark.slow
def test_a_signoff_killed_mid_way_leaves_nothing(example: Ledger, db_url: str) -> None:
    """SIGKILL while `sowtrack signoff period` is inside its transaction, after it has
    written part of it: no period, no signature, no audit row; the sign-off then works.

    PostgreSQL, deterministically: the test locks the audit table, so the sign-off
    stops at its first audit row, with the period and the signature written; it is
    killed there. SQLite has no lock that stops a writer half-way: the period holds
    25,000 entries, so that the sign-off spends most of its transaction computing their
    digest, after writing the period (measured: the period's INSERT 6 ms after BEGIN
    IMMEDIATE; the whole transaction about 130 ms on a quiet machine since the digest is
    computed from raw rows). 40 ms after it takes the write lock it is frozen (SIGSTOP),
    the lock is checked to be still held, and only then is it killed."""
    sqlite = db_url.startswith("sqlite")
    last = FIRST + timedelta(days=20)
    if sqlite:
        people, tasks = list(TEAM), ["T1", "T2", "T3", "T4"]
        rows = [EntryRow(i + 2, (FIRST + timedelta(days=(i // 4) % 21)).isoformat(),
                         people[i % 4], tasks[(i // 84) % 4], "0.05", "")
                for i in range(25_000)]
        example.import_entries(rows)
    audit, periods = _rows(AuditEvent, example), _rows(Period, example)
    signoff = ("--as", "zhang.wei", "--project", example.project_code, "signoff", "period",
               "--from", FIRST.isoformat(), "--to", last.isoformat(), "--on", "2026-03-23")
    import psycopg

    locker = None if sqlite else psycopg.connect(_pg_dsn(db_url))
    with children() as started:
        if locker is not None:
            locker.execute("LOCK TABLE audit_event IN ACCESS EXCLUSIVE MODE")
        proc = subprocess.Popen([str(SOWTRACK), "--db", _named(db_url, "killed-signoff"),
                                 *signoff], text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env())
        started.append(proc)
        if sqlite:
            held = _holds_sqlite_write_lock(make_url(db_url).database, proc.pid)
            _wait_for("the sign-off to take the write lock", held, proc)
            time.sleep(0.04)  # past the period's INSERT, into the digest of its entries
            os.kill(proc.pid, signal.SIGSTOP)
            assert held(), "the sign-off finished before it could be stopped"
        else:
            watcher = psycopg.connect(_pg_dsn(db_url), autocommit=True)
            try:
                _wait_for("the sign-off to write, then wait for the audit table", lambda: (
                    watcher.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                        "current_database() AND application_name = 'killed-signoff' AND "
                        "backend_xid IS NOT NULL AND wait_event_type = 'Lock'"
                        ).fetchone()[0] == 1), proc)
            finally:
                watcher.close()
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
        if locker is not None:
            locker.rollback()  # the orphaned server backend goes on, finds its client gone
            locker.close()
    assert proc.returncode == -signal.SIGKILL
    example.engine.dispose()
    after = Ledger.open(db_url, example.project_code, "zhang.wei")
    try:
        assert (_rows(Period, after), _rows(Signature, after)) == (periods, 0)
        assert _rows(AuditEvent, after) == audit
        assert after.verify()[1] == []
        view = after.sign_period(FIRST, last, on="2026-03-23")
        assert (view.number, len(view.signatures)) == ("TS-001", 1)
        assert after.verify()[1] == []
    finally:
        after.engine.dispose()
