"""`sowtrack backup` and `sowtrack restore` of a SQLite ledger.

**Backup.** SQLite's online backup API copies one consistent snapshot of the
ledger (a single read transaction: in WAL mode writers go on meanwhile) into a
temporary file next to FILE. The copy is switched to a single self-contained
file (journal mode DELETE), checked (``PRAGMA quick_check``, the schema), flushed
to disk and only then renamed over FILE, so a failed backup leaves nothing
half-written.

**Restore.** FILE is first copied (read-only, with the same API) into a
temporary file next to the ledger, and refused unless it is a SQLite database
with sowtrack's schema whose audit chain and records verify. The copy is then
written into the ledger in **one write transaction** (the same lock every other
writer queues for): all of the ledger's rows are replaced by the backup's. So a
restore is all or nothing, other sowtrack processes and open apps simply see the
restored ledger at their next action, and no file is swapped under them. That is
also why no -wal or -shm file can go stale: a file-swapping restore would have to
delete the old ledger's -wal, or SQLite would replay it into the new file. (When
the ledger does not exist yet, SQLite itself deletes a -wal it finds next to the
empty new file.) The temporary copies' own -wal/-shm files are removed with them.

A restore never silently drops history. The ledger is **newer** than the backup
when its newest audit row is not in the backup: the audit log is a hash chain,
so the backup either holds the ledger's whole history (same or ahead: restored)
or the ledger has rows the backup lacks (newer: refused, naming how many audit
rows would be lost and their dates, unless ``force``).

PostgreSQL ledgers are backed up and restored with ``pg_dump`` / ``pg_restore``
(see the README); both functions refuse them with that pointer.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import make_url

from model.errors import FieldError, LedgerError, Ref, refused
from model.i18n import N_, _, parts
from storage import witness
from storage.audit import chain_head
from storage.db import (
    _busy_limit_or_default,
    _sqlite_busy_ms,
    companions,
    make_engine,
    migrate,
    pending_migrations,
    reading,
    wait_while_busy,
    writing,
)
from storage.outfile import ledger_files, replacing

PG_BACKUP = N_("backup: for PostgreSQL use pg_dump, e.g. `pg_dump -Fc -f sowtrack.dump DBNAME` "
               "(see README, Backups)")
PG_RESTORE = N_("restore: for PostgreSQL use pg_restore, e.g. `pg_restore --clean --if-exists "
                "-d DBNAME sowtrack.dump` (see README, Backups)")
_CHUNK = 5000


@dataclass(frozen=True)
class BackupResult:
    """What a backup wrote."""

    path: Path
    audit_rows: int
    entries: int
    newest: datetime | None
    """When the newest audit row of the copy was written (UTC)."""


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did."""

    audit_rows: int
    """Audit rows the ledger holds now (the backup's)."""
    entries: int
    lost: int
    """Audit rows of the ledger that the backup did not hold (only with ``force``)."""
    lost_first: date | None
    lost_last: date | None


def sqlite_path(url: str, command: str) -> Path:
    """The file of a SQLite ledger URL; a PostgreSQL URL is refused with the pg_dump hint."""
    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - the URL is not echoed: it may hold a password
        raise FieldError("db", _("not a database URL")) from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        raise LedgerError(_(PG_BACKUP) if command == "backup" else _(PG_RESTORE))
    if backend != "sqlite":
        raise LedgerError(_("{command}: works on SQLite ledgers only, not {backend}")
                          .format(command=command, backend=backend))
    db = parsed.database
    if not db or db == ":memory:" or db.startswith("file:"):
        raise LedgerError(*parts(_("{command}: {db} must name a SQLite file "
                                   "(sqlite:///path/to/ledger.db)"),
                                 command=command, db=Ref("db")))
    return Path(db).expanduser().absolute()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _open(path: Path, *, read_only: bool) -> sqlite3.Connection:
    uri = f"file:{quote(str(path))}" + ("?mode=ro" if read_only else "")
    conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {_sqlite_busy_ms(_busy_limit_or_default())}")
    return conn


def _copy(source: Path, target: Path, what: str | Ref) -> None:
    """Copy one consistent snapshot of ``source`` into the new file ``target`` (DELETE mode)."""
    def once(_left: float) -> None:
        src = _open(source, read_only=True)
        try:
            dst = sqlite3.connect(target, isolation_level=None)
            try:
                src.backup(dst)  # all pages in one step: one snapshot
                dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            finally:
                dst.close()
        finally:
            src.close()

    try:
        wait_while_busy(once)
    except sqlite3.DatabaseError as exc:
        raise _unreadable(what, exc) from None


def _unreadable(what: str | Ref, exc: sqlite3.DatabaseError) -> LedgerError:
    if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_CORRUPT:
        return refused(what, _("the database is damaged ({reason})")
                             .format(reason=_first_line(exc)))
    return refused(what, _("not a sowtrack ledger ({reason})").format(reason=_first_line(exc)))


def _check(path: Path, what: str | Ref) -> None:
    """Refuse a copy that is corrupt or has no sowtrack schema, naming ``what``."""
    conn = _open(path, read_only=True)
    try:
        try:
            check = [r[0] for r in conn.execute("PRAGMA quick_check")]
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as exc:
            raise _unreadable(what, exc) from None
        if check != ["ok"]:
            raise refused(what, _("the database is damaged ({reason})").format(reason=check[0]))
        if not {"alembic_version", "audit_event", "project", "time_entry"} <= tables:
            raise refused(what, _("not a sowtrack ledger (no sowtrack tables)"))
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        conn.close()
    if revision is None:
        raise refused(what, _("not a sowtrack ledger (no schema revision)"))
    try:
        pending_migrations(revision[0])
    except LedgerError:
        raise refused(what, _("written by a newer sowtrack (schema {revision}); upgrade sowtrack")
                            .format(revision=revision[0])) from None


def _counts(path: Path) -> tuple[int, int, datetime | None]:
    conn = _open(path, read_only=True)
    try:
        audit, newest = conn.execute("SELECT count(*), max(at) FROM audit_event").fetchone()
        entries = conn.execute("SELECT count(*) FROM time_entry").fetchone()[0]
    finally:
        conn.close()
    return int(audit), int(entries), datetime.fromisoformat(newest) if newest else None


@contextlib.contextmanager
def _temp_next_to(path: Path, what: str) -> Iterator[Path]:
    """A new temporary file name in ``path``'s folder, removed (with its journals) after."""
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise LedgerError(_("{what}: cannot write in {parent}: {strerror}")
                          .format(what=what, parent=path.parent, strerror=exc.strerror)) from None
    os.close(fd)  # SQLite opens the empty file as a new database; never a name it creates,
    tmp = Path(name)  # which a planted link could redirect
    try:
        yield tmp
    finally:
        for leftover in (tmp, *_journals(tmp)):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def _journals(path: Path) -> tuple[Path, ...]:
    return tuple(companions.beside(path, s) for s in companions.SQLITE_JOURNALS)


def backup(url: str, out: str | Path, force: bool = False) -> BackupResult:
    """Copy the SQLite ledger at ``url`` into ``out``, consistently, while others write.

    ``out`` is written under storage.outfile's rule: an existing file only with
    ``force``, a regular file only, never the ledger or its companions, through a
    temporary file created exclusively beside it (SQLite writes into that empty file).
    """
    source = sqlite_path(url, "backup")
    if not source.is_file():
        raise FieldError("db", _("there is no ledger at {source}").format(source=source))
    with replacing(out, force=force, protected=ledger_files(url), field=None,
                   private=True) as (_f, tmp):
        try:
            _copy(source, tmp, Ref("db"))
            _check(tmp, Ref("db"))
            audit, entries, newest = _counts(tmp)
        finally:
            for leftover in _journals(tmp):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
    return BackupResult(Path(out).expanduser().absolute(), audit, entries, newest)


def restore(url: str, file: str | Path, force: bool = False) -> RestoreResult:
    """Replace the SQLite ledger at ``url`` by the backup ``file``, in one transaction.

    Refuses (before touching the ledger) a file that is not a sowtrack ledger, is
    damaged or whose audit chain does not verify, and, unless ``force``, a backup
    older than the ledger (see the module's docstring).
    """
    from storage.services import Ledger

    target = sqlite_path(url, "restore")
    src = Path(file).expanduser().absolute()
    if not src.is_file():
        raise LedgerError(_("{file}: no such file").format(file=file))
    if _same_file(src, target) or src == target:
        raise LedgerError(_("{file}: is the ledger itself").format(file=file))
    if not target.parent.is_dir():
        raise FieldError("db", _("folder {parent} does not exist").format(parent=target.parent))
    with _temp_next_to(target, str(file)) as tmp:
        _copy(src, tmp, str(file))  # read-only: the backup file is never changed
        _check(tmp, str(file))
        engine = make_engine(f"sqlite:///{tmp}")
        try:
            migrate(engine)  # an older sowtrack's backup is brought to this schema
            count, problems = Ledger(engine).verify()
        finally:
            engine.dispose()
        if problems:
            raise LedgerError(_("{file}: its audit log does not verify ({problem}; {n} problem(s) "
                                "in {count} rows)")
                              .format(file=file, problem=problems[0], n=len(problems), count=count))
        engine = make_engine(f"sqlite:///{target}")
        try:
            migrate(engine)
            result = _replace_rows(engine, tmp, str(file), force)
            # The ledger went back on purpose: its witness follows it (storage/witness.py).
            with reading(engine) as s:
                witness.write_file(engine, chain_head(s))
            return result
        finally:
            engine.dispose()


#: Tables computed from the others: not copied by a restore. The entries' triggers mark
#: every restored date dirty, and the end of the restore's write sums them (0015).
DERIVED = ("day_sum", "day_sum_dirty")


def _replace_rows(engine, tmp: Path, what: str, force: bool) -> RestoreResult:  # type: ignore[no-untyped-def]
    bak = _open(tmp, read_only=True)
    try:
        with writing(engine) as s:
            conn = s.connection().connection.driver_connection
            lost, first, last = _lost_rows(conn, bak)
            if lost and not force:
                raise LedgerError(
                    *parts(_("restore: the ledger holds {lost} audit row(s) written {span} "
                             "that {what} does not have; restoring it would lose them (add "
                             "{force} to restore anyway)"),
                           lost=lost, span=_span(first, last), what=what, force=Ref("force")))
            tables = _tables(conn)
            theirs = _tables(bak)
            if {t: set(c) for t, c in theirs.items()} != {t: set(c) for t, c in tables.items()}:
                raise LedgerError(_("{what}: its tables differ from this ledger's schema")
                                  .format(what=what))
            conn.execute("PRAGMA defer_foreign_keys = ON")  # checked at commit
            for table in reversed(tables):  # children first
                conn.execute(f'DELETE FROM "{table}"')
            for table, columns in tables.items():
                if table in DERIVED:
                    continue
                cols = ", ".join(f'"{c}"' for c in columns)
                insert = (f'INSERT INTO "{table}" ({cols}) VALUES '
                          f'({", ".join("?" for _ in columns)})')
                rows = bak.execute(f'SELECT {cols} FROM "{table}"')
                while chunk := rows.fetchmany(_CHUNK):
                    conn.executemany(insert, chunk)
            audit = conn.execute("SELECT count(*) FROM audit_event").fetchone()[0]
            entries = conn.execute("SELECT count(*) FROM time_entry").fetchone()[0]
    finally:
        bak.close()
    return RestoreResult(int(audit), int(entries), lost, first, last)


def _tables(conn: sqlite3.Connection) -> dict[str, tuple[str, ...]]:
    """Each table (and ``sqlite_sequence``) with its columns, a table after those it
    references."""
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND "
        "(name NOT LIKE 'sqlite_%' OR name = 'sqlite_sequence') ORDER BY name")]
    parents = {n: {r[2] for r in conn.execute(f'PRAGMA foreign_key_list("{n}")')} - {n}
               for n in names}
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [n for n in names if n not in ordered and parents[n] <= set(ordered)]
        ordered += ready or [n for n in names if n not in ordered]  # a cycle: any order
    return {n: tuple(r[1] for r in conn.execute(f'PRAGMA table_info("{n}")')) for n in ordered}


def _lost_rows(ledger: sqlite3.Connection,
               bak: sqlite3.Connection) -> tuple[int, date | None, date | None]:
    """The ledger's audit rows that the backup lacks: (count, first date, last date).

    Walks the ledger's rows from the newest back to the first one the backup holds:
    the chain makes everything before that row common to both.
    """
    lost, first, last = 0, None, None
    before = None
    while True:
        query = "SELECT id, hash, at FROM audit_event"
        rows = ledger.execute(query + (" WHERE id < ?" if before is not None else "")
                              + " ORDER BY id DESC LIMIT 500",
                              (before,) if before is not None else ()).fetchall()
        if not rows:
            break
        marks = ", ".join("?" for _ in rows)
        held = {r[0] for r in bak.execute(
            f"SELECT hash FROM audit_event WHERE hash IN ({marks})", [r[1] for r in rows])}
        for _id, digest, at in rows:
            if digest in held:
                return lost, first, last
            lost += 1
            day = datetime.fromisoformat(str(at)).date()
            last = last or day
            first = day
        before = rows[-1][0]
    return lost, first, last


def _span(first: date | None, last: date | None) -> str:
    return f"on {first}" if first == last else f"from {first} to {last}"


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
