"""The files kept beside a SQLite ledger file, named in one place.

SQLite's own (``-wal``, ``-shm``, ``-journal``) and sowtrack's (the audit head's witness,
``.head``, storage/witness.py; the write queue's lock, ``.lock``, storage/db/queue.py).
What is never overwritten (storage/outfile.py), what a backup cleans up after its copy
(storage/backup.py), the witness and the queue all take their names from here.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

WAL, SHM, JOURNAL = "-wal", "-shm", "-journal"
WITNESS = ".head"
QUEUE = ".lock"
#: SQLite's journals
SQLITE_JOURNALS = (WAL, SHM, JOURNAL)
#: every file that belongs to a ledger file
ALL = (*SQLITE_JOURNALS, WITNESS, QUEUE)


def beside(path: str | Path, suffix: str) -> Path:
    """The companion ``suffix`` of the ledger file ``path`` (``L.db`` → ``L.db.head``)."""
    path = Path(path)
    return path.with_name(path.name + suffix)


def ledger_file(engine: Engine) -> Path | None:
    """The SQLite file ``engine`` opens, or None (PostgreSQL, in memory, a ``file:`` URI)."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)
