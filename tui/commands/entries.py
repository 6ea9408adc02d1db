"""Commands: time entries: ``log``, ``entries``, ``entry edit|delete``, ``import entries``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from model.errors import LedgerErrors
from tui.commands.common import _err, _ledger, _out
from tui.text import fmt_hours, table


def add_parsers(sub: Any, group: Callable[..., Any], cmd: Callable[..., Any]) -> None:
    """Its commands' parsers (in the order of ``sowtrack --help``)."""
    p = cmd(sub, "log", "log one time entry",
            "sowtrack --as liu.yang log --task T2 --hours 7.5 --note 'retry logic'", do_log)
    p.add_argument("--task", required=True, metavar="T", help="task code")
    p.add_argument("--hours", required=True, metavar="H", help="hours, e.g. 7.5")
    p.add_argument("--date", metavar="D", help="the date worked (default: today, your time zone)")
    p.add_argument("--person", metavar="P", help="who worked (default: --as)")
    p.add_argument("--note", default="", metavar="N")

    p = cmd(sub, "entries", "list time entries",
            "sowtrack entries --from 2026-03-01 --to 2026-03-31 --person liu.yang", do_entries)
    p.add_argument("--from", dest="first", metavar="D", help="first date (YYYY-MM-DD)")
    p.add_argument("--to", dest="last", metavar="D", help="last date")
    p.add_argument("--person", metavar="P", help="only this person's entries")

    ent = group("entry", "correct a time entry: edit, delete",
                "sowtrack entry edit 42 --hours 6.5")
    esub = ent.add_subparsers(dest="what", metavar="ACTION", required=True)
    p = cmd(esub, "edit", "change an entry (not inside a signed period)",
            "sowtrack entry edit 42 --hours 6.5 --note 'fixed'", do_entry_edit)
    p.add_argument("id", type=int, metavar="ID", help="the entry id shown by `entries`")
    p.add_argument("--task", metavar="T")
    p.add_argument("--hours", metavar="H")
    p.add_argument("--date", metavar="D")
    p.add_argument("--note", metavar="N")
    p = cmd(esub, "delete", "delete an entry (not inside a signed period)",
            "sowtrack entry delete 42", do_entry_delete)
    p.add_argument("id", type=int, metavar="ID")

    imp = group("import", "bulk import of time entries",
                "sowtrack import entries march.csv")
    isub = imp.add_subparsers(dest="what", metavar="WHAT", required=True)
    p = cmd(isub, "entries", "import time entries from a CSV file, all or nothing",
            "sowtrack import entries march.csv   # header: date,person,task,hours,note", do_import)
    p.add_argument("file", metavar="FILE.csv")
    p.add_argument("--again", action="store_true",
                   help="import a file whose exact bytes were imported before (refused "
                        "otherwise: its hours would count twice)")


def do_log(args: argparse.Namespace) -> int:
    e = _ledger(args).log(args.task, args.hours, args.date, args.person, args.note)
    _out(f"logged {fmt_hours(e.minutes)} h for {e.person} on {e.task}, {e.on} "
         f"(entry {e.id}, {e.grade})")
    return 0


def do_entries(args: argparse.Namespace) -> int:
    from storage.sowfile import parse_date

    first = parse_date(args.first, "--from") if args.first else None
    last = parse_date(args.last, "--to") if args.last else None
    rows = _ledger(args).entries(first, last, args.person)
    _out(table(["id", "date", "person", "task", "hours", "grade", "note"],
               [[e.id, e.on, e.person, e.task, fmt_hours(e.minutes), e.grade, e.note]
                for e in rows], right=[0, 4]))
    _out(f"{len(rows)} entries, {fmt_hours(sum(e.minutes for e in rows))} h")
    return 0


def do_entry_edit(args: argparse.Namespace) -> int:
    e = _ledger(args).edit_entry(args.id, task=args.task, hours=args.hours, on=args.date,
                                 note=args.note)
    _out(f"entry {e.id}: {fmt_hours(e.minutes)} h for {e.person} on {e.task}, {e.on}")
    return 0


def do_entry_delete(args: argparse.Namespace) -> int:
    _ledger(args).delete_entry(args.id)
    _out(f"entry {args.id} deleted")
    return 0


def do_import(args: argparse.Namespace) -> int:
    from storage.sowfile import open_entry_file

    f = open_entry_file(args.file)
    ledger = _ledger(args)
    try:
        n = ledger.import_entries(f.rows, f.problems, source=f, again=args.again)
    except LedgerErrors as exc:
        for p in exc.problems:
            _err(f"{Path(args.file).name}: {p}")
        _err(f"nothing imported: {len(exc.problems)} bad row(s)")
        return 1
    _out(f"imported {n} entries")
    return 0
