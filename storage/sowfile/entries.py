"""Entry files (CSV): rows of date, person, task, hours and note, read strictly."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from model.errors import LedgerError
from model.usertext import text_problem
from storage.sowfile.parse import read_text_file
from storage.sowfile.table import _show

ENTRY_HEADER = ["date", "person", "task", "hours", "note"]


@dataclass(frozen=True)
class EntryRow:
    line: int
    on: str
    person: str
    task: str
    hours: str
    note: str


@dataclass(frozen=True)
class EntryFile:
    """An entry file as read: its rows, the problems of malformed lines, and what names
    the file in the audit log (the SHA-256 of its bytes, refusing a second import)."""

    name: str
    sha256: str
    rows: list[EntryRow]
    problems: list[str]


def read_entry_file(path: str | Path) -> EntryFile:
    """An entry file, unvalidated but for the header and its CSV syntax."""
    import hashlib

    p, raw, text = read_text_file(path, "utf-8-sig")
    rows, problems = parse_entry_csv(text, p.name)
    return EntryFile(p.name, hashlib.sha256(raw).hexdigest(), rows, problems)


def read_entry_csv(path: str | Path) -> tuple[list[EntryRow], list[str]]:
    """The rows of an entry file, unvalidated but for the header; line numbers as in the file."""
    f = read_entry_file(path)
    return f.rows, f.problems


def _csv_problem(exc: csv.Error) -> str:
    """Python's csv message in words a person acts on."""
    text = str(exc)
    if text == "unexpected end of data":
        return ('a quote (") opened in this row is never closed: the rest of the file would '
                'become its value')
    if "expected after" in text:
        return 'a closing quote (") must be followed by "," or the end of the line'
    return text


def parse_entry_csv(text: str, source: str = "CSV") -> tuple[list[EntryRow], list[str]]:
    """Rows and the problems of malformed lines (``line N: reason``); a bad header raises."""
    text = text.removeprefix("\ufeff")
    # strict: a quote left open is an error, not a value that swallows the next rows
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise LedgerError(f"{source}: line 1: {_csv_problem(exc)}") from None
    if header is None:
        raise LedgerError(f"{source}: empty file; expected the header {','.join(ENTRY_HEADER)}")
    if [h.strip().lower() for h in header] != ENTRY_HEADER:
        got = ",".join(header)
        shown = got if got and got.strip() == got and got.isprintable() and len(got) <= 80 \
            else _show(got)
        raise LedgerError(f"{source}: line 1: header must be {','.join(ENTRY_HEADER)}, "
                          f"got {shown}")
    rows: list[EntryRow] = []
    problems: list[str] = []
    line = reader.line_num + 1  # where the next record starts (a quoted value may span lines)
    try:
        for fields in reader:
            first, line = line, reader.line_num + 1
            if not fields or all(not f.strip() for f in fields):
                continue
            if len(fields) != len(ENTRY_HEADER):
                problems.append(f"line {first}: expected {len(ENTRY_HEADER)} fields "
                                f"({','.join(ENTRY_HEADER)}), got {len(fields)}")
                continue
            # The one rule on user text (model.usertext): no NUL, and one line each.
            values = [*(f.strip() for f in fields[:4]), fields[4]]
            bad = next(((name, p) for name, v in zip(ENTRY_HEADER, values, strict=True)
                        if (p := text_problem(v)) is not None), None)
            if bad is not None:
                problems.append(f"line {first}: {bad[0]}: {bad[1]}")
                continue
            rows.append(EntryRow(first, *values))
    except csv.Error as exc:
        problems.append(f"line {line}: {_csv_problem(exc)}")
    return rows, problems
