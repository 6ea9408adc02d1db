"""The ledger's URL and its engine: SQLite pragmas and ``BEGIN IMMEDIATE``, read-only files."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

import platformdirs
from sqlalchemy import Engine, create_engine, event, make_url

from model.errors import FieldError, refused
from model.i18n import _
from storage.db import companions
from storage.db.busy import _busy_limit_or_default, _sqlite_busy_ms, busy_limit

APP_NAME = "sowtrack"


WRITE_LOCK_KEY = 0x50775472  # advisory lock id for writers on PostgreSQL
_WRITE = "sowtrack_write"


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
                raise FieldError("db", _("cannot create the folder {parent}: {strerror}")
                                       .format(parent=path.parent, strerror=exc.strerror)) from None
        return default_url()
    if path is not None:
        if not path.parent.is_dir():
            raise refused(source, _("folder {parent} does not exist")
                                  .format(parent=path.parent))
        if not create and not path.exists():
            raise refused(source, _("no ledger at {path}; create one with `sowtrack init "
                                    "FILE.toml` (or `sowtrack demo`)").format(path=path))
        if path.exists() and not path.is_file():
            raise refused(source, _("{path} is not a file").format(path=path))
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
        return _("no write permission on the file")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return _("no write permission on its folder {folder}").format(folder=path.parent)
    return None


def _read_only_url(path: Path) -> str:
    """A read-only SQLite URI for ``path``.

    ``mode=ro`` never writes. A ledger in WAL mode (sowtrack's) needs its -shm file
    beside it; when the folder is read-only and there is neither a -wal nor a -shm file
    (the last writer closed cleanly, so the file holds every commit), ``immutable=1``
    lets SQLite read it without one.
    """
    uri = f"file:{quote(str(path.absolute()))}?mode=ro"
    wal, shm = (companions.beside(path, s) for s in (companions.WAL, companions.SHM))
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
        raise FieldError("db", _("cannot use {url!r}: {exc}").format(url=url, exc=exc)) from None
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
