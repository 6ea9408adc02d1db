"""Entry files (CSV): rows of date, person, task, hours and note, read strictly."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice, repeat
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


class EntryBlock(NamedTuple):
    """Consecutive rows of an entry file as columns (an import reads a million rows a
    block at a time): each row's line, date, person, task, hours and note, as
    :class:`EntryRow` holds them."""

    lines: Sequence[int]
    on: Sequence[str]
    person: Sequence[str]
    task: Sequence[str]
    hours: Sequence[str]
    note: Sequence[str]

    def rows(self) -> Iterator[EntryRow]:
        """The block's rows, one by one."""
        return map(tuple.__new__, repeat(EntryRow), zip(*self, strict=True))


class EntryRows:
    """The rows of an entry file after its header, read once as they are iterated: one
    by one, or a block at a time (:meth:`blocks`); the file is closed after the last."""

    def __init__(self, lines: Iterator[str], line: int, problems: list[str],
                 close: io.TextIOBase | None = None):
        self._lines, self._line, self._problems, self._close = lines, line, problems, close

    def blocks(self, size: int) -> Iterator[EntryBlock]:
        """The rows, ``size`` lines of the file at a time (a block may hold fewer rows)."""
        try:
            yield from _blocks(self._lines, self._line, self._problems, size)
        finally:
            if self._close is not None:
                self._close.close()

    def __iter__(self) -> Iterator[EntryRow]:
        for block in self.blocks(_BLOCK_LINES):
            yield from block.rows()


@dataclass(frozen=True)
class EntryFile:
    """An entry file as read: its rows, the problems of malformed lines, and what names
    the file in the audit log (the SHA-256 of its bytes, refusing a second import).

    From :func:`open_entry_file` the rows are read as they are iterated (once), and
    ``problems`` holds the malformed lines met so far: read it after the rows."""

    name: str
    sha256: str
    rows: Iterable[EntryRow]  # an EntryRows from open_entry_file
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
        # the header, checked now: a bad one refuses the file before anything
        line = _header(f, p.name)
    except BaseException:
        f.close()
        raise
    return EntryFile(p.name, digest.hexdigest(), EntryRows(f, line, problems, f), problems)


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
    lines = io.StringIO(text.removeprefix("\ufeff"), newline="")
    line = _header(lines, source)
    return list(EntryRows(lines, line, problems)), problems


def _header(lines: Iterator[str], source: str) -> int:
    """Read and check the header of entry CSV (a bad one raises); the number of the line
    after it."""
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
    return reader.line_num + 1


_BLOCK_LINES = 5000  # lines read at a time by a reader that hands rows on one by one
_FIELDS = len(ENTRY_HEADER)


def _blocks(lines: Iterator[str], line: int, problems: list[str],
            size: int) -> Iterator[EntryBlock]:
    """The one reader of entry CSV, after the header (``line``: the number of the next
    line): blocks of rows; a malformed line is added to ``problems`` instead, and a line
    Python's csv cannot read (a quote left open) ends the rows.

    A block of ``size`` lines with no quote and no carriage return, each of five fields,
    printable throughout and the first date not empty, is split at its commas and line
    breaks at once: what csv reads from such lines, each line one row (:func:`_row`
    reads the same rows from it, one by one). Any other block is read by csv, a row at a
    time, on into the next lines while a quoted value spans them."""
    while chunk := list(islice(lines, size)):
        n = len(chunk)
        text = "".join(chunk)
        if '"' not in text and "\r" not in text \
                and list(map(str.count, chunk, repeat(","))).count(_FIELDS - 1) == n:
            flat = text.removesuffix("\n").replace("\n", ",")
            # printable throughout: text_problem finds nothing in any field, and the one
            # blank strip() takes off is a space
            if flat.isprintable():
                fields = flat.split(",")
                columns = [fields[k::_FIELDS] for k in range(_FIELDS)]
                for k in range(_FIELDS - 1):
                    if " " in "".join(columns[k]):
                        columns[k] = list(map(str.strip, columns[k]))
                if "" not in columns[0]:  # else maybe an empty row: read one by one
                    yield EntryBlock(range(line, line + n), *columns)
                    line += n
                    continue
        # strict: a quote left open is an error, not a value that swallows the next rows
        reader = csv.reader(chain(chunk, lines), strict=True)
        rows: list[EntryRow] = []
        try:
            while reader.line_num < n:
                first = line + reader.line_num  # where the record starts
                row = _row(next(reader), first, problems)
                if row is not None:
                    rows.append(row)
        except csv.Error as exc:
            problems.append(f"line {first}: {_csv_problem(exc)}")
            if rows:
                yield _block(rows)
            return
        line += reader.line_num
        if rows:
            yield _block(rows)


def _block(rows: list[EntryRow]) -> EntryBlock:
    return EntryBlock(*map(list, zip(*rows, strict=True)))  # type: ignore[arg-type]


def _row(fields: list[str], first: int, problems: list[str]) -> EntryRow | None:
    """The row of one record that starts on line ``first``, or None for a blank one and
    for a malformed one (added to ``problems``)."""
    if len(fields) == _FIELDS and "".join(fields).isprintable():
        # The common row, at once: printable throughout, so text_problem finds nothing in
        # any field, stripped or not (the same rows as below).
        d, who, task, hours, note = fields
        d, who, task, hours = d.strip(), who.strip(), task.strip(), hours.strip()
        if d or who or task or hours or note.strip():  # else an empty row
            return EntryRow(first, d, who, task, hours, note)
        return None
    if not fields or all(not f.strip() for f in fields):
        return None
    if len(fields) != _FIELDS:
        problems.append(f"line {first}: " + _("expected {n} fields ({header}), got "
                                              "{got}").format(
            n=_FIELDS, header=",".join(ENTRY_HEADER), got=len(fields)))
        return None
    # The one rule on user text (model.usertext): no NUL, and one line each.
    values = [*(f.strip() for f in fields[:4]), fields[4]]
    bad = next(((name, p) for name, v in zip(ENTRY_HEADER, values, strict=True)
                if (p := text_problem(v)) is not None), None)
    if bad is not None:
        problems.append(f"line {first}: {bad[0]}: {bad[1]}")
        return None
    return EntryRow(first, *values)
