"""Files a user names for sowtrack to write: `export --out FILE`, `backup FILE`, the app's
Exports view.

One rule, in one place (SPEC.md §7, "nothing the user did not name is overwritten"):

* an existing file is replaced only when the user said so (``--force``, or the form's
  overwrite box);
* only a regular file is ever replaced: a folder, a FIFO, a device, a socket or a
  symbolic link at the path is refused (looked at with ``lstat``, never followed);
* the ledger is never written: its SQLite file, the ``-wal``, ``-shm`` and ``-journal``
  files beside it, the witness ``<ledger>.head`` and the writers' queue ``<ledger>.lock``
  are refused, whether named directly, through a symbolic link in the path, or as a hard
  link to the same file;
* the content goes into a new temporary file created exclusively (``mkstemp``: a random
  name, ``O_EXCL``, so no planted symbolic link can redirect it) in the target's folder,
  is flushed to disk, and only then renamed over the target (``os.replace``, which
  replaces the directory entry and never writes through a link). On any failure the
  temporary file is removed and the target is as it was.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import make_url

from model.errors import FieldError, LedgerError, Part, Ref
from model.i18n import _, parts
from storage.db import companions

#: what SQLite and sowtrack keep beside a ledger file: its journals, the chain's witness and
#: the writers' queue (storage.db.queue)
LEDGER_COMPANIONS = companions.ALL


class OutputExists(LedgerError):
    """The named file exists and the user did not say to overwrite it."""


class _InputExists(OutputExists, FieldError):
    """:class:`OutputExists` of an input (``out``): a FieldError each interface words."""


def _refused(field: str | Ref, *problem: Part, exists: bool = False) -> LedgerError:
    """``field: problem``: a FieldError when ``field`` is an input, else the form's words."""
    if isinstance(field, Ref):
        return (_InputExists if exists else FieldError)(field.field, *problem)
    return (OutputExists if exists else LedgerError)(f"{field}: ", *problem)


def ledger_files(url: object) -> tuple[Path, ...]:
    """The files of the SQLite ledger at ``url`` (a URL string or a SQLAlchemy URL):
    the database and its companions. Empty for PostgreSQL or an in-memory database."""
    try:
        parsed = make_url(url)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - not a URL: nothing on disk to protect
        return ()
    if parsed.get_backend_name() != "sqlite":
        return ()
    db = parsed.database or ""
    if db.startswith("file:"):  # a URI filename: file:PATH?mode=ro...
        db = db[len("file:"):].split("?", 1)[0]
    if not db or db == ":memory:":
        return ()
    path = Path(db).expanduser().absolute()
    return (path, *(companions.beside(path, s) for s in LEDGER_COMPANIONS))


def _protected_as(path: Path, protected: Sequence[Path]) -> str | None:
    """What ``path`` is among the ledger's files ("the ledger itself", "the ledger's
    -wal file", ...), or None when it is none of them."""
    real = os.path.realpath(path)
    for i, p in enumerate(protected):
        same = real == os.path.realpath(p)
        if not same:
            with contextlib.suppress(OSError):
                same = os.path.samefile(path, p)  # a hard link to the ledger is the ledger
        if same:
            return (_("the ledger itself") if i == 0
                    else _("the ledger's {suffix} file")
                    .format(suffix=p.name[len(protected[0].name):]))
    return None


#: the input that names the file to write, by default
OUT = Ref("out")
#: what a user can do about an existing file, by default: the ``force`` input
OVERWRITE: tuple[Part, ...] = ("add ", Ref("force"), " to overwrite it")


def check_target(out: str | os.PathLike[str], *, force: bool, protected: Sequence[Path] = (),
                 field: str | Ref | None = OUT,
                 overwrite: str | tuple[Part, ...] = OVERWRITE) -> Path:
    """The path to write, or a LedgerError that says why not.

    Messages start with ``field`` and the path as given (``out: x.pdf exists; ...``, the
    command line's ``--out``), or with the path alone when ``field`` is None (a
    positional argument); ``field`` is an input (a :class:`~model.errors.Ref`) or a
    form's words. ``overwrite`` is what the user can do about an existing file (the
    ``force`` input, or a form's check box). ``protected`` are the ledger's files
    (:func:`ledger_files`, the database first). The folder must exist; it is not created.
    """
    text = os.fspath(out)

    def say(*rest: Part, exists: bool = False) -> LedgerError:
        if field:
            return _refused(field, f"{text} ", *rest, exists=exists)
        return (OutputExists if exists else LedgerError)(f"{text}: ", *rest)

    if not text.strip():
        raise _refused(field or "file", _("empty; name the file to write"))
    if "\x00" in text:
        raise _refused(field or "file", _("contains a NUL character"))
    path = Path(os.path.abspath(Path(text).expanduser()))
    ledger = _protected_as(path, protected)
    if ledger:
        raise say(_("is {ledger}; name another file").format(ledger=ledger))
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise say(_("cannot be used: {strerror}").format(strerror=exc.strerror)) from None
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise say(_("is a symbolic link; name the file itself"))
        if stat.S_ISDIR(st.st_mode):
            raise say(_("is a folder; add a file name"))
        if not stat.S_ISREG(st.st_mode):
            raise say(_("is not a regular file ({kind}); name a file")
                      .format(kind=_kind(st.st_mode)))
        if not force:
            if overwrite is OVERWRITE:  # the default: the force input, in the words spoken
                raise say(*parts(_("exists; add {force} to overwrite it"), force=Ref("force")),
                          exists=True)
            raise say(_("exists; "), *((overwrite,) if isinstance(overwrite, str) else overwrite),
                      exists=True)
    folder = path.parent
    if not folder.is_dir():
        raise _refused(field or text, _("the folder {folder} does not exist")
                                      .format(folder=folder))
    return path


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return _("a FIFO")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    return _("not a plain file")


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def replacing(out: str | os.PathLike[str], *, force: bool, protected: Sequence[Path] = (),
              field: str | Ref | None = OUT,
              overwrite: str | tuple[Part, ...] = OVERWRITE,
              private: bool = False) -> Iterator[tuple[BinaryIO, Path]]:
    """A new temporary file beside ``out`` (open for binary writing, and its path) that
    replaces ``out`` when the block ends without an exception; removed otherwise.

    ``out`` is checked first (:func:`check_target`) and again just before the rename.
    The file is readable by its owner only when ``private`` (a backup of the ledger),
    else as the umask allows.
    """
    target = check_target(out, force=force, protected=protected, field=field,
                          overwrite=overwrite)
    text = os.fspath(out)
    try:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                    suffix=".tmp")
    except OSError as exc:
        raise _refused(field or text, _("cannot write in {parent}: {strerror}")
                                      .format(parent=target.parent,
                                              strerror=exc.strerror)) from None
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as f:
            if not private:
                os.fchmod(f.fileno(), _umask_mode())
            yield f, tmp
            f.flush()
            os.fsync(f.fileno())
        check_target(out, force=force, protected=protected, field=field, overwrite=overwrite)
        os.replace(tmp, target)
    except OSError as exc:
        raise (_refused(field, _("cannot write {text}: {reason}")
                               .format(text=text, reason=exc.strerror or exc)) if field
               else LedgerError(_("{text}: cannot write: {reason}")
                                .format(text=text, reason=exc.strerror or exc))) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    with contextlib.suppress(OSError):  # the rename itself on disk; a nicety if refused
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def write_output(out: str | os.PathLike[str], content: bytes | Callable[[BinaryIO], None], *,
                 force: bool, protected: Sequence[Path] = (),
                 field: str | Ref | None = OUT,
                 overwrite: str | tuple[Part, ...] = OVERWRITE) -> Path:
    """Write ``content`` (bytes, or a function that writes to a binary file) to ``out``
    under the rules of this module; returns the path written."""
    with replacing(out, force=force, protected=protected, field=field,
                   overwrite=overwrite) as (f, _tmp):
        if isinstance(content, bytes):
            f.write(content)
        else:
            content(f)
    return Path(os.path.abspath(Path(os.fspath(out)).expanduser()))
