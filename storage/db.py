"""Engines, transactions and migrations.

Every user action runs in exactly one transaction: :func:`reading` for
queries, :func:`writing` for changes. Writers are serialised, so the audit
chain never forks and a check-then-write (the 24-hour rule, a quota limit)
cannot race:

* SQLite: write transactions open with ``BEGIN IMMEDIATE`` (a plain ``BEGIN``
  that later writes fails at once with "database is locked" under
  concurrency, whatever the busy timeout); WAL lets readers go on meanwhile.
* PostgreSQL: write transactions take a transaction-level advisory lock.

A busy ledger is waited for, never shown as "database is locked": getting a
connection, ``BEGIN IMMEDIATE`` and the advisory lock are retried with
exponential back-off and jitter (nothing has been done yet, so a retry is
safe) for at most :func:`busy_limit` seconds in all, and then the action is
refused with one line (:class:`LedgerBusy`). A busy error that reaches the
middle of a transaction (on PostgreSQL a deadlock, a serialization failure, or a
lock wait longer than the time left) rolls it back and is refused the same way;
it is not replayed, since only the caller knows what it was doing.
"""

from __future__ import annotations

import math
import os
import random
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, unquote

import platformdirs
from sqlalchemy import Connection, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import NullPool

from model.entities import AuditEvent
from model.errors import FieldError, LedgerError, refused
from model.usertext import check_text
from storage import witness

_T = TypeVar("_T")

APP_NAME = "sowtrack"
HEAD_REVISION = "0008"  # tests check that this is Alembic's head
WRITE_LOCK_KEY = 0x50775472  # advisory lock id for writers on PostgreSQL
_WRITE = "sowtrack_write"
BUSY_LIMIT_S = 120.0  # how long an action waits for a busy ledger, in all (SOWTRACK_BUSY_TIMEOUT)
_SQLITE_BUSY_MS = 30_000  # one wait in SQLite's own busy handler, before our back-off
_BACKOFF_FIRST_S, _BACKOFF_MAX_S = 0.05, 2.0


def default_url() -> str:
    """A SQLite file in the user's data directory."""
    folder = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return f"sqlite:///{folder / 'sowtrack.db'}"


def resolve_url(url: str | None) -> str:
    """``url`` (the ``db`` input), else $SOWTRACK_DB, else ``db`` in the config file, else
    the default SQLite file."""
    from storage.config import setting

    return setting("db", url)[0] or default_url()


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL; None for PostgreSQL, an in-memory database or a URI name."""
    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - refused, in one line, when the engine is made
        return None
    if parsed.get_backend_name() != "sqlite":
        return None
    db = parsed.database
    if not db or db == ":memory:" or db.startswith("file:"):
        return None
    return Path(db).expanduser()


def ledger_url(url: str | None, *, create: bool = True) -> str:
    """The ledger's URL (:func:`resolve_url`), its SQLite file's place checked.

    The default file's folder is created. A file named by the ``db`` input, ``SOWTRACK_DB`` or
    the config file must be in an existing folder, and, unless ``create`` (`init`,
    `demo`, `db upgrade`, `restore`), must exist: a command that only reads never
    leaves an empty ledger behind a typo. Refusals name where the URL came from.
    """
    from storage.config import setting

    given, source = setting("db", url)
    path = sqlite_file(given or default_url())
    if given is None:
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise FieldError("db", f"cannot create the folder {path.parent}: "
                                       f"{exc.strerror}") from None
        return default_url()
    if path is not None:
        if not path.parent.is_dir():
            raise refused(source, f"folder {path.parent} does not exist")
        if not create and not path.exists():
            raise refused(source, f"no ledger at {path}; create one with "
                                  "`sowtrack init FILE.toml` (or `sowtrack demo`)")
        if path.exists() and not path.is_file():
            raise refused(source, f"{path} is not a file")
    return given


def _read_only_reason(path: Path) -> str | None:
    """Why the SQLite file at ``path`` cannot be written by this process, or None.

    SQLite writes the file and, beside it, its journal (-wal, -shm): both the file and
    its folder must be writable. ``os.access`` answers for this process (for root, only
    a read-only file system says no).
    """
    if not path.exists():
        return None
    if not os.access(path, os.W_OK):
        return "no write permission on the file"
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return f"no write permission on its folder {path.parent}"
    return None


def _read_only_url(path: Path) -> str:
    """A read-only SQLite URI for ``path``.

    ``mode=ro`` never writes. A ledger in WAL mode (sowtrack's) needs its -shm file
    beside it; when the folder is read-only and there is neither a -wal nor a -shm file
    (the last writer closed cleanly, so the file holds every commit), ``immutable=1``
    lets SQLite read it without one.
    """
    uri = f"file:{quote(str(path.absolute()))}?mode=ro"
    wal, shm = (path.with_name(path.name + s) for s in ("-wal", "-shm"))
    if not os.access(path.parent, os.W_OK | os.X_OK) and not wal.exists() and not shm.exists():
        uri += "&immutable=1"
    return f"sqlite:///{uri}&uri=true"


def is_read_only(engine: Engine) -> bool:
    """The engine opens its SQLite ledger read-only (see :func:`make_engine`)."""
    return engine.dialect.name == "sqlite" and engine.url.query.get("mode") == "ro"


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with sowtrack's connection settings.

    A SQLite file this process may not write (file or folder without write
    permission, a read-only file system) is opened read-only: reports, `verify` and
    exports work, and a write is refused in one line (:func:`writing`).
    """
    busy_limit()  # a bad SOWTRACK_BUSY_TIMEOUT is refused before anything is opened
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    path = sqlite_file(url)
    read_only = path is not None and _read_only_reason(path) is not None
    try:
        engine = create_engine(_read_only_url(path) if read_only and path else url)
    except Exception as exc:  # noqa: BLE001 - any bad URL is one line for the user
        raise FieldError("db", f"cannot use {url!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    read_only = is_read_only(engine)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        # Take transaction control from pysqlite so that we choose the BEGIN.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {_sqlite_busy_ms(_busy_limit_or_default())}")
        if not read_only:  # switching the journal mode writes the file
            cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get(_WRITE) else "BEGIN")


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
                    raise FieldError(attr.key, "contains a NUL character")
                continue
            check_text(value, attr.key, any(c.info.get("multiline") for c in attr.columns))


class LedgerBusy(LedgerError):
    """The ledger stayed busy (locked by other writers, or no free connection) too long."""


def busy_limit() -> float:
    """Seconds an action waits for a busy ledger in all: $SOWTRACK_BUSY_TIMEOUT, else 120."""
    raw = os.environ.get("SOWTRACK_BUSY_TIMEOUT", "").strip()
    if not raw:
        return BUSY_LIMIT_S
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise LedgerError(f"SOWTRACK_BUSY_TIMEOUT: {raw!r} is not a number of seconds (>= 0)")
    return value


def _busy_limit_or_default() -> float:
    try:
        return busy_limit()
    except LedgerError:
        return BUSY_LIMIT_S  # refused, in one line, by the transaction that follows


def _sqlite_busy_ms(remaining_s: float) -> int:
    return max(0, min(_SQLITE_BUSY_MS, int(remaining_s * 1000)))


_PG_LOCKED = {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock timeout
_PG_NO_CONNECTION = {"53300", "57P03"}  # too many connections, cannot connect now
# A refused connection carries no SQLSTATE in psycopg, only the server's message.
_PG_NO_CONNECTION_TEXT = ("too many connections", "too many clients",
                          "remaining connection slots are reserved",
                          "the database system is starting up")


def busy_kind(exc: BaseException) -> str | None:
    """``"locked"`` or ``"connections"`` when ``exc`` is a transient busy error, else None."""
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, sqlite3.OperationalError):
        code = getattr(orig, "sqlite_errorcode", None)
        if code is not None:
            return "locked" if code & 0xFF in (5, 6) else None  # SQLITE_BUSY, SQLITE_LOCKED
        return "locked" if "is locked" in str(orig) else None
    state = getattr(orig, "sqlstate", None)
    if state in _PG_LOCKED:
        return "locked"
    if state in _PG_NO_CONNECTION:
        return "connections"
    if type(orig).__module__.startswith("psycopg") and state is None:
        text_ = str(orig).lower()
        if any(t in text_ for t in _PG_NO_CONNECTION_TEXT):
            return "connections"
    return None


_PG_REFUSED = "42501"  # insufficient_privilege: a privilege, or a row-level security policy


def refusal(exc: BaseException) -> str | None:
    """The one line for a change the database server refused (PostgreSQL's privileges and
    row-level security, migration 0005), naming what was refused; None for other errors."""
    if isinstance(exc, StaleDataError):
        # An UPDATE or DELETE whose row a policy hides matches no row, without an error.
        found = re.search(r"on table '([^']+)'", str(exc))
        table = f" of table {found.group(1)}" if found else ""
        return (f"the database refused this change: no row{table} that this login role may "
                f"change matched; nothing was written")
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) != _PG_REFUSED:
        return None
    diag = getattr(orig, "diag", None)
    what = (getattr(diag, "message_primary", None) or _first_line(orig)).rstrip(".")
    return f"the database refused this change: {what}; nothing was written"


def _busy_message(kind: str, waited: float) -> str:
    if kind == "connections":
        return (f"the ledger is busy: the database server has had no free connection for "
                f"{waited:.0f} s; try again")
    return f"the ledger is busy: another sowtrack has been writing for {waited:.0f} s; try again"


def _backoff(attempt: int) -> float:
    """Exponential back-off with jitter, so that waiting processes do not retry in step."""
    step = min(_BACKOFF_MAX_S, _BACKOFF_FIRST_S * 2 ** attempt)
    return step / 2 + random.uniform(0, step / 2)


def wait_while_busy(first: Callable[[float], _T]) -> _T:
    """``first(seconds left)``, retried on busy errors until :func:`busy_limit` is spent.

    Only for steps that have done nothing yet (connect, BEGIN, the write lock, a
    read-only copy): a retry cannot repeat a change. Raises :class:`LedgerBusy` once
    the time is spent.
    """
    limit = busy_limit()
    start = time.monotonic()
    attempt = 0
    while True:
        try:
            return first(max(0.0, limit - (time.monotonic() - start)))
        except (DBAPIError, sqlite3.OperationalError) as exc:
            kind = busy_kind(exc)
            if kind is None:
                raise
            waited = time.monotonic() - start
            if waited >= limit:
                raise LedgerBusy(_busy_message(kind, waited)) from None
            time.sleep(min(_backoff(attempt), limit - waited))
            attempt += 1


def connect(engine: Engine) -> Connection:
    """``engine.connect()``, waiting (with back-off) while the database is busy."""
    return wait_while_busy(lambda _left: engine.connect())


def _begin(engine: Engine, write: bool, left: float) -> tuple[Connection, Session, Any]:
    conn = engine.connect()
    session = None
    try:
        conn.info[_WRITE] = write
        if engine.dialect.name == "sqlite":
            # SQLite's own wait (inside BEGIN IMMEDIATE) must not outlast what is left.
            conn.connection.driver_connection.execute(  # type: ignore[union-attr]
                f"PRAGMA busy_timeout = {_sqlite_busy_ms(left)}")
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
        conn.info.pop(_WRITE, None)
        conn.close()
        raise


def refuse_read_only(engine: Engine) -> None:
    """A LedgerError, in one line, when the engine's ledger is read-only."""
    if not is_read_only(engine):
        return
    # The read-only URI: file:/quoted/path?mode=ro...
    path = Path(unquote(str(engine.url.database).removeprefix("file:").split("?", 1)[0]))
    raise LedgerError(f"the ledger {path} is read-only "
                      f"({_read_only_reason(path) or 'opened read-only'}); nothing was written")


@contextmanager
def _transaction(engine: Engine, write: bool) -> Iterator[Session]:
    if write:
        refuse_read_only(engine)
    conn, session, tx = wait_while_busy(lambda left: _begin(engine, write, left))
    head = None
    try:
        with session:
            try:
                with tx:
                    yield session
                    if write:
                        head = witness.before_commit(engine, session)
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
                raise LedgerBusy("the ledger is busy: another sowtrack is writing; "
                                 + ("nothing was written; " if write else "")
                                 + "try again") from None
    finally:
        conn.info.pop(_WRITE, None)
        conn.close()
    witness.after_commit(engine, head)


def reading(engine: Engine) -> AbstractContextManager[Session]:
    """A read-only unit of work."""
    return _transaction(engine, write=False)


def writing(engine: Engine) -> AbstractContextManager[Session]:
    """A write unit of work: serialised with other writers, all or nothing."""
    return _transaction(engine, write=True)


def _alembic_config(connection=None):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.attributes["connection"] = connection
    return cfg


def current_revision(engine: Engine) -> str | None:
    with connect(engine) as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _scripts():  # type: ignore[no-untyped-def]
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config())


def pending_migrations(current: str | None) -> list[tuple[str, str]]:
    """(revision, message) of each migration after ``current``, oldest first.

    ``current`` None is an empty database (every migration is pending). A revision this
    program does not know is a LedgerError: the ledger is newer than this sowtrack.
    """
    walked = list(_scripts().walk_revisions())  # newest first
    known = [r.revision for r in walked]
    if current is not None and current not in known:
        raise LedgerError(f"the ledger's schema ({current}) is newer than this sowtrack "
                          f"({HEAD_REVISION}): upgrade sowtrack")
    out = []
    for r in walked:
        if r.revision == current:
            break
        out.append((r.revision, " ".join((r.doc or "").split())))  # one line each
    return out[::-1]


def migrate(engine: Engine, *, upgrade: bool = False) -> tuple[str | None, str]:
    """Check the schema on open and bring it to the newest revision where that is allowed.

    Returns (revision before, revision after). An empty database is created at the
    newest revision on both backends; an older SQLite file (one user's own ledger) is
    upgraded in place. An older PostgreSQL database is refused unless ``upgrade`` (that
    is `sowtrack db upgrade`, run by the database owner: engineers' login roles on a
    shared server have no DDL rights). A schema newer than this program is always
    refused.
    """
    try:
        current = current_revision(engine)
    except LedgerBusy:
        raise  # already one line: "the ledger is busy: ..."
    except Exception as exc:  # noqa: BLE001
        raise FieldError("db", f"cannot open the ledger: {_first_line(exc)}") from None
    if current == HEAD_REVISION:
        return current, current
    pending_migrations(current)  # refuses a newer schema
    if is_read_only(engine):
        if current is None:
            refuse_read_only(engine)  # an empty file: nothing to read
        raise LedgerError(f"the ledger's schema is at {current}, this sowtrack needs "
                          f"{HEAD_REVISION}, and the ledger is read-only, so it cannot be "
                          "upgraded: open it once with write access")
    if current is not None and not upgrade and engine.dialect.name != "sqlite":
        raise LedgerError(f"database schema is at {current}, this sowtrack needs "
                          f"{HEAD_REVISION}: run `sowtrack db upgrade` (as the database owner)")
    run_alembic(engine, "upgrade", "head")
    return current, HEAD_REVISION


def run_alembic(engine: Engine, name: str, revision: str) -> None:
    """Alembic's ``upgrade`` or ``downgrade`` to ``revision``, in one write transaction.

    On SQLite the foreign keys are off meanwhile (a batch migration rebuilds a table by
    copy, drop and rename, which a referenced table does not survive with them on) and
    are checked before the commit.
    """
    from alembic import command

    run = {"upgrade": command.upgrade, "downgrade": command.downgrade}[name]
    with engine.connect() as conn:
        # Set outside any transaction, where SQLite honours it; conn.connection does not
        # begin one.
        raw = conn.connection.dbapi_connection if engine.dialect.name == "sqlite" else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys = OFF")
        conn.info[_WRITE] = True
        try:
            with conn.begin():
                if engine.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                                 {"k": WRITE_LOCK_KEY})
                run(_alembic_config(conn), revision)
                if raw is not None:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise LedgerError(f"the migration to {revision} would break "
                                          f"{len(broken)} reference(s), first in table "
                                          f"{broken[0][0]}; nothing was changed")
        finally:
            conn.info.pop(_WRITE, None)
            if raw is not None:
                raw.execute("PRAGMA foreign_keys = ON")


def open_engine(url: str | None, *, create: bool = True) -> Engine:
    """The engine for the db input / $SOWTRACK_DB / the config file / the default, its schema
    checked and, where allowed, migrated (see :func:`migrate`). A named SQLite file
    that does not exist is created only when ``create`` (see :func:`ledger_url`)."""
    engine = make_engine(ledger_url(url, create=create))
    try:
        migrate(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


@dataclass(frozen=True)
class SchemaStatus:
    """What `sowtrack db status` reports; reading it changes nothing."""

    url: str
    """The database URL with its password hidden."""
    backend: str
    """``sqlite`` or ``postgresql``."""
    current: str | None
    """The revision the database is at; None for an empty (or absent) database."""
    head: str
    """This program's newest revision."""
    pending: list[tuple[str, str]]
    """(revision, message) of the migrations `db upgrade` would apply, oldest first."""
    newer: bool
    """The database is at a revision this program does not know (a newer sowtrack)."""


def schema_status(url: str) -> SchemaStatus:
    """The schema revision of the ledger at ``url`` and what is pending.

    Creates, migrates and writes nothing: a SQLite file that does not exist is reported
    empty without being created, and one that exists is read without sowtrack's pragmas.
    """
    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - the URL is not echoed: it may hold a password
        raise FieldError("db", "not a database URL (e.g. postgresql://user:password@host/"
                               "sowtrack or sqlite:////path/to/ledger.db)") from None
    shown = parsed.render_as_string(hide_password=True)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        db = parsed.database
        if not db or db == ":memory:" or (not db.startswith("file:")
                                          and not Path(db).is_file()):
            return SchemaStatus(shown, backend, None, HEAD_REVISION, pending_migrations(None),
                                False)
        # Read-only, as the docstring promises (and a read-only ledger can be looked at).
        engine = create_engine(url if db.startswith("file:")
                               else _read_only_url(Path(db).expanduser()), poolclass=NullPool)
    else:
        engine = make_engine(url)
    try:
        try:
            current = current_revision(engine)
        except Exception as exc:  # noqa: BLE001
            raise FieldError("db", f"cannot open the ledger: {_first_line(exc)}") from None
    finally:
        engine.dispose()
    try:
        pending, newer = pending_migrations(current), False
    except LedgerError:
        pending, newer = [], True
    return SchemaStatus(shown, backend, current, HEAD_REVISION, pending, newer)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
