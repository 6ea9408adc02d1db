"""Entry files (CSV): rows of date, person, task, hours and note, read strictly."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from model.errors import LedgerError
from model.i18n import _
from model.usertext import text_problem
from storage.sowfile.parse import read_text_file
from storage.sowfile.table import _show

ENTRY_HEADER = ["date", "person", "task", "hours", "note"]


class EntryRow(NamedTuple):
    """One row of an entry file as read (a named tuple: a million are made per import)."""

    line: int
    on: str
    person: str
    task: str
    hours: str
    note: str


@dataclass(frozen=True)
class EntryFile:
    """An entry file as read: its rows, the problems of malformed lines, and what names
    the file in the audit log (the SHA-256 of its bytes, refusing a second import).

    From :func:`open_entry_file` the rows are read as they are iterated (once), and
    ``problems`` holds the malformed lines met so far: read it after the rows."""

    name: str
    sha256: str
    rows: Iterable[EntryRow]
    problems: list[str]


def read_entry_file(path: str | Path) -> EntryFile:
    """An entry file, unvalidated but for the header and its CSV syntax."""
    p, raw, text = read_text_file(path, "utf-8-sig")
    rows, problems = parse_entry_csv(text, p.name)
    return EntryFile(p.name, hashlib.sha256(raw).hexdigest(), rows, problems)


_BLOCK = 1 << 20


def open_entry_file(path: str | Path) -> EntryFile:
    """An entry file read as a stream: its SHA-256 and its UTF-8 are checked in a first
    pass over the bytes (a block at a time), its header now, and its rows one at a time
    as they are iterated; memory does not grow with the file."""
    p = Path(path)
    digest = hashlib.sha256()
    check = codecs.getincrementaldecoder("utf-8")()
    try:
        with p.open("rb") as f:
            while block := f.read(_BLOCK):
                digest.update(block)
                check.decode(block)
            check.decode(b"", final=True)
        f = p.open(encoding="utf-8-sig", newline="")
    except UnicodeDecodeError:
        read_text_file(p, "utf-8-sig")  # names the line and the byte
        raise
    except OSError as exc:
        raise LedgerError(_("{path}: cannot read: {strerror}")
                          .format(path=path, strerror=exc.strerror)) from None
    problems: list[str] = []
    try:
        rows = _entry_rows(f, p.name, problems)
        next(rows)  # the header, checked now: a bad one refuses the file before anything
    except BaseException:
        f.close()
        raise
    return EntryFile(p.name, digest.hexdigest(), _closing(rows, f), problems)


def _closing(rows: Iterator[EntryRow | None], f: io.TextIOBase) -> Iterator[EntryRow]:
    """The rows after the header (its None is read already), the file closed after them:
    ``yield from`` hands each row on without a step of this generator per row."""
    with f:
        yield from rows  # type: ignore[misc]


def read_entry_csv(path: str | Path) -> tuple[list[EntryRow], list[str]]:
    """The rows of an entry file, unvalidated but for the header; line numbers as in the file."""
    f = read_entry_file(path)
    return f.rows, f.problems


def _csv_problem(exc: csv.Error) -> str:
    """Python's csv message in words a person acts on."""
    text = str(exc)
    if text == "unexpected end of data":
        return _('a quote (") opened in this row is never closed: the rest of the file would '
                 'become its value')
    if "expected after" in text:
        return _('a closing quote (") must be followed by "," or the end of the line')
    return text


def parse_entry_csv(text: str, source: str = "CSV") -> tuple[list[EntryRow], list[str]]:
    """Rows and the problems of malformed lines (``line N: reason``); a bad header raises."""
    problems: list[str] = []
    rows = _entry_rows(io.StringIO(text.removeprefix("\ufeff"), newline=""), source,
                       problems)
    next(rows)
    return [r for r in rows if r is not None], problems


def _entry_rows(lines: Iterable[str], source: str,
                problems: list[str]) -> Iterator[EntryRow | None]:
    """The one reader of entry CSV: yields None once the header is read (a bad header
    raises), then each row; a malformed line is added to ``problems`` instead."""
    # strict: a quote left open is an error, not a value that swallows the next rows
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise LedgerError(_("{source}: line 1: {problem}")
                          .format(source=source, problem=_csv_problem(exc))) from None
    if header is None:
        raise LedgerError(_("{source}: empty file; expected the header {header}")
                          .format(source=source, header=','.join(ENTRY_HEADER)))
    if [h.strip().lower() for h in header] != ENTRY_HEADER:
        got = ",".join(header)
        shown = got if got and got.strip() == got and got.isprintable() and len(got) <= 80 \
            else _show(got)
        raise LedgerError(_("{source}: line 1: header must be {header}, got {shown}")
                          .format(source=source, header=",".join(ENTRY_HEADER), shown=shown))
    yield None
    line = reader.line_num + 1  # where the next record starts (a quoted value may span lines)
    new_row = tuple.__new__
    try:
        for fields in reader:
            first, line = line, reader.line_num + 1
            if len(fields) == 5 and "".join(fields).isprintable():
                # The common row, at once: printable throughout, so text_problem finds
                # nothing in any field, stripped or not (the same rows as below).
                d, who, task, hours, note = fields
                d, who, task, hours = d.strip(), who.strip(), task.strip(), hours.strip()
                if d or who or task or hours or note.strip():  # else an empty row
                    # EntryRow(first, d, ...) without its Python-level __new__ (a million rows)
                    yield new_row(EntryRow, (first, d, who, task, hours, note))
                continue
            if not fields or all(not f.strip() for f in fields):
                continue
            if len(fields) != len(ENTRY_HEADER):
                problems.append(f"line {first}: " + _("expected {n} fields ({header}), got "
                                                      "{got}").format(
                    n=len(ENTRY_HEADER), header=",".join(ENTRY_HEADER), got=len(fields)))
                continue
            # The one rule on user text (model.usertext): no NUL, and one line each.
            values = [*(f.strip() for f in fields[:4]), fields[4]]
            bad = next(((name, p) for name, v in zip(ENTRY_HEADER, values, strict=True)
                        if (p := text_problem(v)) is not None), None)
            if bad is not None:
                problems.append(f"line {first}: {bad[0]}: {bad[1]}")
                continue
            yield EntryRow(first, *values)
    except csv.Error as exc:
        problems.append(f"line {line}: {_csv_problem(exc)}")
