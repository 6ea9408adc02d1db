"""The schema: Alembic migrations on open, `sowtrack db status` and `db upgrade`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, inspect, make_url, text
from sqlalchemy.pool import NullPool

from model.errors import FieldError, LedgerError
from model.i18n import _
from storage.db.busy import LedgerBusy, _first_line
from storage.db.engine import (
    _WRITE,
    WRITE_LOCK_KEY,
    _read_only_url,
    is_read_only,
    ledger_url,
    make_engine,
)
from storage.db.unit import connect, refuse_read_only

HEAD_REVISION = "0017"  # tests check that this is Alembic's head


def _alembic_config(connection=None):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    # storage/migrations, beside this package
    cfg.set_main_option("script_location", str(Path(__file__).parent.parent / "migrations"))
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
        raise LedgerError(_("the ledger's schema ({current}) is newer than this sowtrack "
                            "({head_revision}): upgrade sowtrack")
                          .format(current=current, head_revision=HEAD_REVISION))
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
        raise FieldError("db", _("cannot open the ledger: {reason}")
                               .format(reason=_first_line(exc))) from None
    if current == HEAD_REVISION:
        return current, current
    pending_migrations(current)  # refuses a newer schema
    if is_read_only(engine):
        if current is None:
            refuse_read_only(engine)  # an empty file: nothing to read
        raise LedgerError(_("the ledger's schema is at {current}, this sowtrack needs "
                            "{head_revision}, and the ledger is read-only, so it cannot be "
                            "upgraded: open it once with write access")
                          .format(current=current, head_revision=HEAD_REVISION))
    if current is not None and not upgrade and engine.dialect.name != "sqlite":
        raise LedgerError(_("database schema is at {current}, this sowtrack needs "
                            "{head_revision}: run `sowtrack db upgrade` (as the database owner)")
                          .format(current=current, head_revision=HEAD_REVISION))
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
                        raise LedgerError(_("the migration to {revision} would break {n} "
                                            "reference(s), first in table {table}; nothing "
                                            "was changed")
                                          .format(revision=revision, n=len(broken),
                                                  table=broken[0][0]))
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
        raise FieldError("db", _("not a database URL (e.g. "
                                 "postgresql://user:password@host/sowtrack or "
                                 "sqlite:////path/to/ledger.db)")) from None
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
            raise FieldError("db", _("cannot open the ledger: {reason}")
                                   .format(reason=_first_line(exc))) from None
    finally:
        engine.dispose()
    try:
        pending, newer = pending_migrations(current), False
    except LedgerError:
        pending, newer = [], True
    return SchemaStatus(shown, backend, current, HEAD_REVISION, pending, newer)
