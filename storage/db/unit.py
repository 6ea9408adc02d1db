"""The unit of work: :func:`reading` and :func:`writing`, one transaction per user action.

Every flush checks the user text it writes (:func:`_refuse_control`).
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Generator, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from sqlalchemy import Connection, Engine, event, inspect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from model.errors import FieldError, LedgerError
from model.i18n import _
from model.usertext import check_text
from storage import figures, witness
from storage.db.busy import (
    LedgerBusy,
    _sqlite_busy_ms,
    busy_kind,
    busy_limit,
    refusal,
    wait_while_busy,
)
from storage.db.engine import _WRITE, WRITE_LOCK_KEY, _read_only_reason, is_read_only
from storage.db.queue import write_turn
from storage.orm import AuditEvent


@event.listens_for(Session, "before_flush")
def _refuse_control(session: Session, _context: Any, _instances: Any) -> None:
    """User text is data (SPEC §7): any action writing text that
    :func:`model.usertext.text_problem` refuses (a NUL, which PostgreSQL cannot store;
    an ESC, a line break or another control character in one-line text) is refused, in
    one line naming the field, before anything is written. Only a column marked
    ``info={"multiline": True}`` (a change request's reason) may hold newlines.

    Checked here, at every flush, so that no write path (a service, an import, a new
    project) can bypass it; only the values an action sets are checked, so a record
    written before this rule can still be edited. The audit log holds canonical JSON
    of values checked here, and may hold anything."""
    for obj in (*session.new, *session.dirty):
        state = inspect(obj)
        new, audit = obj in session.new, isinstance(obj, AuditEvent)
        for attr in state.mapper.column_attrs:
            value = getattr(obj, attr.key, None)
            if not isinstance(value, str):
                continue
            if not new and not state.attrs[attr.key].history.has_changes():
                continue
            if audit:
                if "\x00" in value:
                    raise FieldError(attr.key, _("contains a NUL character"))
                continue
            check_text(value, attr.key, any(c.info.get("multiline") for c in attr.columns))


def connect(engine: Engine) -> Connection:
    """``engine.connect()``, waiting (with back-off) while the database is busy."""
    return wait_while_busy(lambda _left: engine.connect())


def _begin(engine: Engine, write: bool, left: float,
           references: bool = True) -> tuple[Connection, Session, Any]:
    conn = engine.connect()
    session = None
    try:
        conn.info[_WRITE] = write
        if engine.dialect.name == "sqlite":
            raw = conn.connection.driver_connection
            # SQLite's own wait (inside BEGIN IMMEDIATE) must not outlast what is left.
            raw.execute(f"PRAGMA busy_timeout = {_sqlite_busy_ms(left)}")  # type: ignore[union-attr]
            if not references:  # only outside a transaction: see writing()
                raw.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
        session = Session(bind=conn, expire_on_commit=False)
        tx = session.begin()
        session.connection()  # BEGIN (IMMEDIATE) now, where a retry is still safe
        if write and engine.dialect.name == "postgresql":
            # Wait in the server's queue (first come, first served), no longer than is
            # left. The rest of the transaction keeps that bound on its own lock waits
            # (rare: writers are serialised), so the total wait stays bounded too.
            ms = max(1, min(2**31 - 1, int(left * 1000)))
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {ms}")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
        return conn, session, tx
    except BaseException:
        if session is not None:
            session.close()
        _release(conn, references)
        raise


def _release(conn: Connection, references: bool) -> None:
    """The connection back to the pool as every unit finds it: one whose foreign keys
    cannot be checked again is discarded, never handed to the next unit. A Ctrl-C
    meanwhile (a second one, as the first rolls back) waits for the connection to be
    back, then is raised: it never cuts the pool's close short, which would print the
    pool's own traceback."""
    interrupts = HeldInterrupts()
    interrupts.hold()
    try:
        _give_back(conn, references)
    finally:
        interrupts.release(raising=sys.exc_info()[0] is not None)


def _give_back(conn: Connection, references: bool) -> None:
    conn.info.pop(_WRITE, None)
    try:
        if not references and conn.dialect.name == "sqlite":
            raw: Any = conn.connection.driver_connection
            raw.execute("PRAGMA foreign_keys = ON")  # a no-op inside a transaction: read back
            if raw.execute("PRAGMA foreign_keys").fetchone() != (1,):
                conn.invalidate()
    except Exception:  # noqa: BLE001 - the unit's own outcome is what the caller sees
        conn.invalidate()
    finally:
        conn.close()


def refuse_read_only(engine: Engine) -> None:
    """A LedgerError, in one line, when the engine's ledger is read-only."""
    if not is_read_only(engine):
        return
    # The read-only URI: file:/quoted/path?mode=ro...
    path = Path(unquote(str(engine.url.database).removeprefix("file:").split("?", 1)[0]))
    raise LedgerError(_("the ledger {path} is read-only ({reason}); nothing was written")
                      .format(path=path,
                              reason=_read_only_reason(path) or _("opened read-only")))


_committed = 0  # the write units this process has committed


def committed_writes() -> int:
    """How many write units this process has committed: an interrupted command tells
    its user whether its change stands (tui.cli)."""
    return _committed


class HeldInterrupts:
    """Ctrl-C noted, not raised, between :meth:`hold` and :meth:`release` (which raises it
    then). A write holds it from just before its commit until the commit is counted and
    its head witnessed: the interrupt lands before the commit (nothing written) or after
    (the change stands, and :func:`committed_writes` says so), never between the two. An
    import's lane holds it while a second thread writes (storage.sqlite_import.Lane).

    Only where Python runs its signal handlers (the main thread) and only over the
    default handler (an app or a test that handles SIGINT itself keeps it)."""

    def __init__(self) -> None:
        self.previous: Any = None
        self.held = False

    def hold(self) -> None:
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGINT) is signal.default_int_handler):
            self.previous = signal.signal(signal.SIGINT, self._note)

    def _note(self, _signal: int, _frame: Any) -> None:
        self.held = True

    def release(self, raising: bool) -> None:
        """The handler back; the interrupt held raised now, unless the unit is raising
        an error of its own (that one is what the user is told)."""
        if self.previous is None:
            return
        signal.signal(signal.SIGINT, self.previous)
        self.previous = None
        if self.held and not raising:
            raise KeyboardInterrupt


@contextmanager
def _transaction(engine: Engine, write: bool, references: bool = True) -> Iterator[Session]:
    if not write:
        yield from _unit(engine, False, None)
        return
    refuse_read_only(engine)
    interrupts, done = HeldInterrupts(), False
    try:
        # SQLite: wait in the write queue (an OS lock, storage.db.queue) before BEGIN
        # IMMEDIATE, and hold it until the transaction has ended.
        with write_turn(engine, busy_limit()) as left:
            head = yield from _unit(engine, True, left, references, interrupts)
        witness.after_commit(engine, head)  # outside the queue: its fsync holds no writer up
        done = True
    finally:
        interrupts.release(raising=not done)


def _unit(engine: Engine, write: bool, left: float | None, references: bool = True,
          interrupts: HeldInterrupts | None = None
          ) -> Generator[Session, None, witness.Head | None]:
    """One transaction; returns the new audit head a write leaves (storage.witness)."""
    global _committed
    conn, session, tx = wait_while_busy(
        lambda left: _begin(engine, write, left, references), left)
    head = None
    try:
        with session:
            try:
                with tx:
                    yield session
                    if write:
                        # The dates whose entries this write changed: their sums again.
                        figures.refresh(session)
                        head = witness.before_commit(engine, session)
                        if interrupts is not None:
                            interrupts.hold()  # until the commit is counted
                if write:
                    _committed += 1
            except StaleDataError as exc:
                if engine.dialect.name != "postgresql":
                    raise
                raise LedgerError(str(refusal(exc))) from None
            except DBAPIError as exc:
                kind = busy_kind(exc)
                if kind is None:
                    refused = refusal(exc)
                    if refused is None:
                        raise
                    raise LedgerError(refused) from None
                # The transaction is rolled back; replaying the caller's work is not
                # ours to do, so the user is told, in one line, to try again.
                raise LedgerBusy(_("the ledger is busy: another sowtrack is writing; nothing "
                                   "was written; try again") if write
                                 else _("the ledger is busy: another sowtrack is writing; "
                                        "try again")) from None
    finally:
        _release(conn, references)
    return head


def reading(engine: Engine) -> AbstractContextManager[Session]:
    """A read-only unit of work."""
    return _transaction(engine, write=False)


def writing(engine: Engine, references: bool = True) -> AbstractContextManager[Session]:
    """A write unit of work: serialised with other writers, all or nothing.

    ``references=False``: SQLite does not check the foreign keys of the rows it writes
    (PostgreSQL always does). Only for a writer whose every reference is, by
    construction, a row it read in this same transaction (an import of entries: each
    person and task id is one of the project's, read under BEGIN IMMEDIATE, which no
    other writer can change before the commit): SQLite's check of each row repeats what
    the writer knows, a third of a million-row insert's cost."""
    return _transaction(engine, write=True, references=references)
