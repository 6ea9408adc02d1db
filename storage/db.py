"""Engines, transactions and migrations.

Every user action runs in exactly one transaction: :func:`reading` for
queries, :func:`writing` for changes. Writers are serialised, so the audit
chain never forks and a check-then-write (the 24-hour rule, a quota limit)
cannot race:

* SQLite: write transactions open with ``BEGIN IMMEDIATE`` (a plain ``BEGIN``
  that later writes fails at once with "database is locked" under
  concurrency, whatever the busy timeout); WAL lets readers go on meanwhile.
* PostgreSQL: write transactions take a transaction-level advisory lock.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import platformdirs
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session

from model.errors import LedgerError

APP_NAME = "sowtrack"
HEAD_REVISION = "0002"  # tests check that this is Alembic's head
WRITE_LOCK_KEY = 0x50775472  # advisory lock id for writers on PostgreSQL
_WRITE = "sowtrack_write"


def default_url() -> str:
    """A SQLite file in the user's data directory."""
    folder = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return f"sqlite:///{folder / 'sowtrack.db'}"


def resolve_url(url: str | None) -> str:
    """--db, else $SOWTRACK_DB, else the default SQLite file."""
    return url or os.environ.get("SOWTRACK_DB") or default_url()


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with sowtrack's connection settings; creates a SQLite file's folder."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    try:
        engine = create_engine(url)
    except Exception as exc:  # noqa: BLE001 - any bad URL is one line for the user
        raise LedgerError(f"--db: cannot use {url!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        db = engine.url.database
        if db and db != ":memory:" and not db.startswith("file:"):
            folder = Path(db).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LedgerError(f"--db: cannot create the folder {folder}: "
                                  f"{exc.strerror}") from None
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        # Take transaction control from pysqlite so that we choose the BEGIN.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout = 30000")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get(_WRITE) else "BEGIN")


@contextmanager
def _transaction(engine: Engine, write: bool) -> Iterator[Session]:
    with engine.connect() as conn:
        conn.info[_WRITE] = write
        try:
            with Session(bind=conn, expire_on_commit=False) as session, session.begin():
                if write and engine.dialect.name == "postgresql":
                    session.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                                    {"k": WRITE_LOCK_KEY})
                yield session
        finally:
            conn.info.pop(_WRITE, None)


def reading(engine: Engine) -> Iterator[Session]:
    """A read-only unit of work."""
    return _transaction(engine, write=False)  # type: ignore[return-value]


def writing(engine: Engine) -> Iterator[Session]:
    """A write unit of work: serialised with other writers, all or nothing."""
    return _transaction(engine, write=True)  # type: ignore[return-value]


def _alembic_config(connection=None):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.attributes["connection"] = connection
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; an older ledger is upgraded in place."""
    try:
        if current_revision(engine) == HEAD_REVISION:
            return
    except Exception as exc:  # noqa: BLE001
        raise LedgerError(f"--db: cannot open the ledger: {_first_line(exc)}") from None
    from alembic import command

    with _transaction(engine, write=True) as session:
        command.upgrade(_alembic_config(session.connection()), "head")


def open_engine(url: str | None) -> Engine:
    """The engine for --db / $SOWTRACK_DB / the default, migrated to the newest schema."""
    engine = make_engine(resolve_url(url))
    migrate(engine)
    return engine


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
