"""The audit chain's head, kept outside the audit log.

Deleting the newest audit rows together with the records they describe leaves a
chain that is shorter but still well formed. So each write that appends audit
rows also leaves the new head (audit id and hash) where the tables cannot take
it back: on PostgreSQL in ``audit_witness``, a table application login roles may
only append to, in the same transaction; on SQLite in a small file beside the
ledger (``LEDGER.head``), after the commit. ``verify`` fails when the chain ends
before the witnessed head, or holds another hash at its id.

The SQLite file only moves forward: concurrent writers commit in some order and
write the file afterwards in another, so a writer replaces it only with a newer
head, under an exclusive lock. A crash between the commit and the file leaves
the witness one step behind, which is harmless; it is never ahead.

A ``restore`` sets the file back on purpose, and marks it with a new *epoch*. A
writer reads the epoch while it holds the write lock, before it commits, and
moves the file forward only if the epoch is still the one it read. A writer that
committed before the restore (its rows since removed by it) and writes the file
after it would otherwise put the witness ahead of the restored chain, and
``verify`` would report the chain's newest rows removed.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from model.i18n import _
from storage.audit import APPENDED, LAST_ROW, chain_head
from storage.db import companions

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]

_PREFIX = "sowtrack audit head"


@dataclass(frozen=True)
class Head:
    audit_id: int
    hash: str
    #: the witness file's epoch (see the module's docstring); None: never restored
    epoch: str | None = None

    def __str__(self) -> str:
        return _("audit row {row} ({hash}…)").format(row=self.audit_id, hash=self.hash[:12])


def sqlite_path(engine: Engine) -> Path | None:
    """The witness file of a SQLite ledger file, or None (PostgreSQL, in-memory)."""
    database = companions.ledger_file(engine)
    return None if database is None else companions.beside(database, companions.WITNESS)


def before_commit(engine: Engine, session: Session) -> Head | None:
    """Inside a write transaction that is about to commit: the new head, if it moved.

    On PostgreSQL it is appended to ``audit_witness`` here, so the witness commits
    (or rolls back) with the rows it witnesses."""
    last = session.info.pop(LAST_ROW, None)
    if not session.info.pop(APPENDED, False):
        return None
    session.flush()
    if last is not None and engine.dialect.name == "sqlite":
        # The row this writer appended last is the newest: writers hold the write lock,
        # and a restore writes its epoch holding it too.
        return Head(int(last.id), str(last.hash), _epoch(sqlite_path(engine)))
    head = chain_head(session)
    if head is None:
        return None
    if engine.dialect.name == "postgresql":
        session.execute(text("INSERT INTO audit_witness (audit_id, hash) VALUES (:i, :h)"),
                        {"i": head[0], "h": head[1]})
    return Head(*head, epoch=_epoch(sqlite_path(engine)))


def _epoch(path: Path | None) -> str | None:
    """The epoch the witness file holds now (None: none, or no file)."""
    if path is None:
        return None
    try:
        current = _parse(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None
    return current.epoch if current is not None else None


def after_commit(engine: Engine, head: Head | None) -> None:
    """After the commit: move a SQLite ledger's witness file forward to ``head``."""
    path = sqlite_path(engine)
    if head is None or path is None:
        return
    with contextlib.suppress(OSError):
        # A ledger whose folder is read-only was not written either; nothing to witness.
        _advance_file(path, head)


def _advance_file(path: Path, head: Head, restoring: bool = False) -> None:
    # The new file is written and flushed to disk before the lock is taken, so that
    # writers do not queue behind each other's fsync; under the lock it only replaces
    # an older head (a rename), or is dropped.
    tmp_fd, tmp = tempfile.mkstemp(prefix=".head-", dir=path.parent)
    try:
        with os.fdopen(tmp_fd, "w", encoding="utf-8") as f:
            epoch = f" epoch {head.epoch}" if head.epoch else ""
            f.write(f"{_PREFIX} {head.audit_id} {head.hash}{epoch}\n")
            f.flush()
            os.fsync(f.fileno())
        _replace_older(path, head, tmp, restoring)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)  # dropped: the file already holds this head or a newer one


def _replace_older(path: Path, head: Head, tmp: str, restoring: bool = False) -> None:
    """Rename ``tmp`` over ``path`` unless ``path`` holds ``head`` or a newer head, or
    another epoch than ``head``'s (a restore came in between); ``restoring``: whatever
    it holds."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            # Another writer may have replaced the file while this one waited for the
            # lock on the old one: start again on the file that is there now.
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(path, follow_symlinks=False))
            except FileNotFoundError:
                same = False
            if not same:
                continue
            with os.fdopen(os.dup(fd), "r", encoding="utf-8", errors="replace") as f:
                current = _parse(f.read())
            if not restoring and current is not None and (
                    current.epoch != head.epoch or current.audit_id >= head.audit_id):
                return
            os.replace(tmp, path)
            return
        finally:
            os.close(fd)


def _parse(content: str) -> Head | None:
    parts = content.split()
    if len(parts) not in (5, 7) or " ".join(parts[:3]) != _PREFIX or not parts[3].isdigit():
        return None
    if len(parts) == 7 and parts[5] != "epoch":
        return None
    return Head(int(parts[3]), parts[4], parts[6] if len(parts) == 7 else None)


def write_file(engine: Engine, head: tuple[int, str] | None) -> None:
    """Set a SQLite ledger's witness to ``head`` whatever it held, in a new epoch
    (``restore``, after its transaction: the ledger goes back to a backup on purpose);
    None removes it. A writer that read the old epoch can then not move it: the worst
    a writer between the two leaves is a witness behind the chain, never ahead."""
    path = sqlite_path(engine)
    if path is None:
        return
    if head is None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return
    _advance_file(path, Head(*head, epoch=secrets.token_hex(8)), restoring=True)


def read(engine: Engine, session: Session) -> tuple[Head | None, str]:
    """The witnessed head, and where it was read (for messages); None if there is none."""
    path = sqlite_path(engine)
    if path is not None:
        try:
            if path.is_symlink():
                return None, _("{name} (a symbolic link, not read)").format(name=path.name)
            return _parse(path.read_text(encoding="utf-8", errors="replace")), path.name
        except FileNotFoundError:
            return None, path.name
    if engine.dialect.name == "postgresql":
        row = session.execute(text("SELECT audit_id, hash FROM audit_witness "
                                   "ORDER BY id DESC LIMIT 1")).first()
        return (Head(int(row[0]), str(row[1])) if row else None), "audit_witness"
    return None, _("nowhere (an in-memory ledger)")
