"""What a large import does on SQLite alone, inside its one write transaction: a larger
page cache, a table's secondary indexes built once at the end instead of maintained
row by row, and the entries' insert trigger (it marks each entry's date dirty for the
kept sums, storage.figures) replaced by one statement marking every date the import
wrote. All end with the transaction: a rolled-back import leaves the schema and the
connection as they were; a committed one leaves the same schema (each index and the
trigger re-created from its own CREATE statement, as sqlite_master holds it)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Collection, Iterator
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Connection

from storage import figures
from storage.db.unit import HeldInterrupts

#: SQLite's page cache during an import (KiB): the audit's hash index is written in
#: random order, and pages that stay cached are not spilled to the journal and read back
#: (the default is 2 MiB). The ledger's durability is unchanged (synchronous as always).
IMPORT_CACHE_KIB = 98304

#: The page cache while the deferred indexes are built (KiB): the sorter keeps a
#: million entries' keys in memory instead of spilling runs to temporary files and
#: merging them (a quarter less cpu for the three indexes of time_entry).
BUILD_CACHE_KIB = IMPORT_CACHE_KIB

#: An import defers a table's secondary indexes once it has written this many rows and
#: more than the table held before it: from then on, building each index once from the
#: whole table (a sort) costs less than inserting every further row into it.
DEFER_AT = 50_000


@contextmanager
def import_cache(conn: Connection) -> Iterator[None]:
    """A larger page cache on a SQLite connection for the import, then the one it had."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before or 0)}")


class DeferredIndexes:
    """A table's plain (non-unique) indexes, dropped while many rows go in and created
    again, from their own SQL, before the transaction ends (:meth:`restore`).

    Only on SQLite, inside the caller's write transaction (BEGIN IMMEDIATE): DROP and
    CREATE INDEX are part of it, so a rollback (a bad row, an error, a killed process)
    keeps the indexes as they were, and readers see the committed schema throughout.
    Unique indexes and constraints are never dropped: every row is checked against them
    as it is inserted. Nothing between :meth:`defer` and :meth:`restore` may read the
    table by those indexes (an import reads nothing back)."""

    def __init__(self, conn: Connection, table: str, held: int):
        self.conn, self.table = conn, table
        self.held = held  # rows (an upper bound: the largest id) the table held before
        self.enabled = conn.dialect.name == "sqlite"
        self.dropped: list[tuple[str, str]] = []  # (name, CREATE INDEX sql), in order
        self.trigger: str | None = None  # the insert trigger's CREATE sql, while dropped
        self.after = 0  # the largest id when it was dropped
        self.done = False
        #: whether :meth:`restore` marked the dates written without the trigger dirty
        self.marked = False

    def due(self, written: int) -> bool:
        """Whether, after ``written`` rows of the import, the indexes are to be deferred
        now (once: when it is large)."""
        return self.enabled and not self.done and written >= max(DEFER_AT, self.held + 1)

    def defer(self, keep: Collection[str] = ()) -> None:
        """Drop the plain indexes but those named in ``keep`` (an import whose rows come
        in an index's order appends to it: cheap, and done by the thread that writes,
        while a build at the end would keep the import waiting)."""
        self.done = True
        rows = self.conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL ORDER BY rowid", (self.table,)).all()
        for name, sql in rows:
            if _unique(sql) or name in keep:
                continue
            self.conn.exec_driver_sql(f'DROP INDEX "{_ident(name)}"')
            self.dropped.append((name, sql))
        if self.table == "time_entry":
            self._defer_trigger()

    def _defer_trigger(self) -> None:
        """The kept sums' insert trigger set aside: the entries written from now on (ids
        above the largest now) have their dates marked at :meth:`restore`, at once."""
        sql = self.conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ? "
            "AND tbl_name = ?", (figures.INSERT_TRIGGER, self.table)).scalar()
        if sql is None:
            return
        self.after = int(self.conn.exec_driver_sql(
            f'SELECT coalesce(max(rowid), 0) FROM "{_ident(self.table)}"').scalar() or 0)
        self.conn.exec_driver_sql(f'DROP TRIGGER "{_ident(figures.INSERT_TRIGGER)}"')
        self.trigger = sql

    def restore(self, meanwhile: Callable[[], T] | None = None) -> T | None:
        """Create the dropped indexes again (each from its own SQL, in its old order), then
        mark the dates of the entries written without the trigger and create it again.

        When it marks those dates, ``meanwhile`` (if given) runs on the caller's thread
        while SQLite builds and marks on another (the connection's C work runs without
        the interpreter's lock: the two use both cores), and its result is returned;
        ``meanwhile`` must not touch the connection. Otherwise it returns None."""
        statements = [sql for _, sql in self.dropped]
        if self.dropped:
            statements.insert(0, f"PRAGMA cache_size = -{BUILD_CACHE_KIB}")
        if self.trigger is not None:
            statements += [(figures.MARK_INSERTED, (self.after,)), self.trigger]
            self.marked = True
        self.dropped, self.trigger = [], None
        if not statements:
            return None
        if not self.marked or meanwhile is None:
            _run(self.conn, statements)
            return None
        if not _shareable(self.conn):  # one thread only: the two in turn
            _run(self.conn, statements)
            return meanwhile()
        failed: list[BaseException] = []
        built = threading.Event()

        def build() -> None:
            try:
                _run(self.conn, statements)
            except BaseException as exc:  # noqa: BLE001 - re-raised on the caller's thread
                failed.append(exc)
            finally:
                built.set()

        worker = threading.Thread(target=build, name="sowtrack-indexes")
        worker.start()
        try:
            result = meanwhile()
        finally:
            until_done(built.wait)  # never roll back under a build still running
            worker.join()
        if failed:
            raise failed[0]
        return result


T = TypeVar("T")


def _run(conn: Connection, statements: list[Any]) -> None:
    """Each statement (SQL, or (SQL, parameters)) in turn: on another thread while the
    caller leaves the connection alone (:meth:`DeferredIndexes.restore`)."""
    for st in statements:
        sql, params = st if type(st) is tuple else (st, ())
        conn.exec_driver_sql(sql, params)


def _unique(sql: str) -> bool:
    return sql.lstrip().upper().startswith("CREATE UNIQUE")


def _ident(name: str) -> str:
    return name.replace('"', '""')


def _shareable(conn: Connection) -> bool:
    """Whether the connection's DBAPI connection may be used by another thread: a SQLite
    file's (SQLAlchemy opens it so); an in-memory database's is its thread's alone."""
    database = conn.engine.url.database or ""
    return database not in ("", ":memory:") and "mode=memory" not in database


class Lane:
    """An import's writes, one batch at a time and in order, on a second thread (SQLite):
    while SQLite writes a batch (its C work runs without the interpreter's lock), the
    import reads and admits the next on its own thread.

    A job is the only user of the connection while it runs: :meth:`submit` waits for the
    previous job before it starts the next, and the caller touches the connection only
    after :meth:`wait` (or :meth:`close`). A job's exception is raised on the caller's
    thread by the next wait, so a failed write fails the import's transaction as if it
    ran there. PostgreSQL (and an in-memory SQLite database): each job runs at once, on
    the caller's thread (psycopg's COPY is already the server's work)."""

    def __init__(self, conn: Connection):
        self.pool = (ThreadPoolExecutor(1, "sowtrack-writes")
                     if conn.dialect.name == "sqlite" and _shareable(conn) else None)
        self.pending: Future[None] | None = None
        # Ctrl-C while a job writes is acted on between jobs, never under one: noted
        # here, raised by the next wait once the job has ended
        self.interrupts = HeldInterrupts()
        if self.pool is not None:
            self.interrupts.hold()

    def submit(self, job: Callable[[], None]) -> None:
        self.wait()
        if self.pool is None:
            job()
        else:
            self.pending = self.pool.submit(job)

    def wait(self) -> None:
        """Until the job submitted last has ended, even through Ctrl-C (raised once it
        has: the transaction is never rolled back under a job still writing); raises the
        job's exception, if it had one."""
        pending = self.pending
        if pending is not None:
            try:
                until_done(lambda: futures.wait([pending]))
            finally:
                self.pending = None
            pending.result()
        if self.interrupts.held:
            raise KeyboardInterrupt

    def close(self, failing: bool = False) -> None:
        """The last job waited for and the thread ended. ``failing``: the caller is
        raising already; a job's own failure (or a Ctrl-C meanwhile) is then not raised
        over it."""
        try:
            if failing:
                with contextlib.suppress(BaseException):
                    self.wait()
            else:
                self.wait()
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=True)  # its one thread is idle by now
                self.pool = None
            self.interrupts.release(raising=True)  # Ctrl-C as before (raised above if held)


def until_done(wait: Callable[[], object]) -> None:
    """``wait()`` to its end, even through Ctrl-C, which is raised once it has ended: a
    thread still using the connection must not be abandoned (the caller's rollback, or
    the interpreter's exit, would close the connection under it)."""
    interrupted = False
    while True:
        try:
            wait()
            break
        except KeyboardInterrupt:
            interrupted = True
    if interrupted:
        raise KeyboardInterrupt

