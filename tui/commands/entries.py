"""Commands: time entries: ``log``, ``entries``, ``entry edit|delete``, ``import entries``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from model.errors import LedgerError, LedgerErrors
from model.i18n import N_, _, format_weekday, language
from model.rules.entry_input import DATE_FORMS, HOURS_FORMS
from tui.commands import trackers
from tui.commands.common import _err, _ledger, _out, heads
from tui.commands.language import Help, speak_for_help
from tui.flags import flag_namer
from tui.text import fmt_hours, table

LOG_DESCRIPTION = N_("""log one time entry: hours on a task, for a day

The short form takes HOURS, then TASK and NOTE if you give them, as words next to each
other (before or after the options); each may be given by its flag instead, not both.

  hours  {hours_forms} (hours:minutes). Whole minutes, more than 0, at
         most 24 h; after hours the minutes are below 60 (1:75 and 1h90m are refused).
  task   a task code in any case: t2 is T2 (if the project has both T2 and t2, the
         exact one wins). Default: the task of your latest entry.
  date   {date_forms}. -3 is three days ago;
         a day of the week is the most recent such day, today included (on a
         Friday, fri is today and thu yesterday). "Today" is yours: your time
         zone's, else the project's (or SOWTRACK_TODAY when set). Default: today.""")

LOG_EXAMPLES = """sowtrack log 7.5                       # 7.5 h today on your last task
sowtrack log 1h30m T2 "retry logic"    # 1.5 h on T2 with a note
sowtrack log 1:30 t2 --date yesterday
sowtrack log --hours 8 --task T3 --date mon
sowtrack --as liu.yang log 90m T2 --date -2 --note 'code review'"""


def add_parsers(sub: Any, group: Callable[..., Any], cmd: Callable[..., Any]) -> None:
    """Its commands' parsers (in the order of ``sowtrack --help``)."""
    p = cmd(sub, "log", N_("log one time entry"), LOG_EXAMPLES, do_log)
    p.description = Help(LOG_DESCRIPTION, hours_forms=HOURS_FORMS, date_forms=DATE_FORMS)
    p.add_argument("short_hours", nargs="?", metavar="HOURS",
                   help=N_("hours worked (the short form of --hours)"))
    p.add_argument("short_task", nargs="?", metavar="TASK",
                   help=N_("task code (the short form of --task)"))
    p.add_argument("short_note", nargs="?", metavar="NOTE",
                   help=N_("what you did (the short form of --note)"))
    p.add_argument("--hours", metavar="H",
                   help=Help(N_("hours worked: {forms}"), forms=HOURS_FORMS))
    p.add_argument("--task", metavar="T",
                   help=N_("task code, any case (default: the task of your latest entry)"))
    p.add_argument("--date", metavar="D",
                   help=Help(N_("the day worked: {forms} (default: today, your time zone)"),
                             forms=DATE_FORMS))
    p.add_argument("--person", metavar="P", help=N_("who worked (default: --as)"))
    p.add_argument("--note", metavar="N", help=N_("what was done (optional)"))

    p = cmd(sub, "entries", N_("list time entries"),
            "sowtrack entries --from 2026-03-01 --to 2026-03-31 --person liu.yang", do_entries)
    p.add_argument("--from", dest="first", metavar="D", help=N_("first date (YYYY-MM-DD)"))
    p.add_argument("--to", dest="last", metavar="D", help=N_("last date"))
    p.add_argument("--person", metavar="P", help=N_("only this person's entries"))

    ent = group("entry", N_("correct a time entry: edit, delete"),
                "sowtrack entry edit 42 --hours 6.5")
    esub = ent.add_subparsers(dest="what", metavar="ACTION", required=True)
    p = cmd(esub, "edit", N_("change an entry (not inside a signed period)"),
            "sowtrack entry edit 42 --hours 6.5 --note 'fixed'", do_entry_edit)
    p.add_argument("id", type=int, metavar="ID", help=N_("the entry id shown by `entries`"))
    p.add_argument("--task", metavar="T", help=N_("a new task code, any case"))
    p.add_argument("--hours", metavar="H", help=Help(N_("new hours: {forms}"), forms=HOURS_FORMS))
    p.add_argument("--date", metavar="D", help=Help(N_("a new date: {forms}"), forms=DATE_FORMS))
    p.add_argument("--note", metavar="N", help=N_("a new note"))
    p = cmd(esub, "delete", N_("delete an entry (not inside a signed period)"),
            "sowtrack entry delete 42", do_entry_delete)
    p.add_argument("id", type=int, metavar="ID")

    imp = group("import", N_("bulk import of time entries"),
                "sowtrack import entries march.csv")
    isub = imp.add_subparsers(dest="what", metavar="WHAT", required=True)
    p = cmd(isub, "entries", N_("import time entries from a CSV file, all or nothing"),
            "sowtrack import entries march.csv   # header: date,person,task,hours,note", do_import)
    p.add_argument("file", metavar="FILE.csv")
    p.add_argument("--again", action="store_true",
                   help=N_("import a file whose exact bytes were imported before (refused "
                        "otherwise: its hours would count twice)"))
    trackers.add_parsers(isub, cmd)  # import timew|timeclock|timedot|klog|kimai


def do_log(args: argparse.Namespace) -> int:
    hours, task, note, short = _short_form(args)
    try:
        e = _ledger(args).log(task, hours, args.date, args.person, note)
    except LedgerError as exc:
        if not short:
            raise
        # A field given by position is named as the usage line names it (HOURS), the
        # others by their flags.
        flag = flag_namer(args.command_parser)
        raise LedgerError(exc.worded(lambda f: f.upper() if f in short else flag(f))) \
            from None
    which = ""
    if task is None:
        which = (_(" (your last task)") if args.person is None
                 else _(" ({person}'s last task)").format(person=e.person))
    _out(_("logged {hours} h for {person} on {task}{which}, {on} {weekday} "
           "(entry {id}, {grade})").format(
        hours=fmt_hours(e.minutes), person=e.person, task=e.task, which=which, on=e.on,
        weekday=format_weekday(e.on) if language() != "en" else f"{e.on:%a}", id=e.id,
        grade=e.grade))
    return 0


def _short_form(args: argparse.Namespace) -> tuple[str, str | None, str, set[str]]:
    """Hours, task and note from the flags or the short form (``log 7.5 T2 "note"``),
    and the fields given by position; a field given both ways is a usage error."""
    short: set[str] = set()
    values: dict[str, str | None] = {}
    for field in ("hours", "task", "note"):
        flagged, placed = getattr(args, field), getattr(args, f"short_{field}")
        if flagged is not None and placed is not None:
            speak_for_help()
            args.command_parser.error(_(
                "{field} given twice: {placed!r} as {name} and {flagged!r} as --{field}; "
                "give one").format(field=field, placed=placed, name=field.upper(),
                                   flagged=flagged))
        if placed is not None:
            short.add(field)
        values[field] = placed if placed is not None else flagged
    if values["hours"] is None:
        speak_for_help()
        args.command_parser.error(_("the hours are required: HOURS or --hours "
                                    "(e.g. sowtrack log 7.5)"))
    return values["hours"] or "", values["task"], values["note"] or "", short


def do_entries(args: argparse.Namespace) -> int:
    from storage.sowfile import parse_date

    first = parse_date(args.first, "--from") if args.first else None
    last = parse_date(args.last, "--to") if args.last else None
    rows = _ledger(args).entries(first, last, args.person)
    _out(table(heads(N_("id"), N_("date"), N_("person"), N_("task"), N_("hours"), N_("grade"),
                     N_("note")),
               [[e.id, e.on, e.person, e.task, fmt_hours(e.minutes), e.grade, e.note]
                for e in rows], right=[0, 4]))
    _out(_("{n} entries, {hours} h").format(
        n=len(rows), hours=fmt_hours(sum(e.minutes for e in rows))))
    return 0


def do_entry_edit(args: argparse.Namespace) -> int:
    e = _ledger(args).edit_entry(args.id, task=args.task, hours=args.hours, on=args.date,
                                 note=args.note)
    _out(_("entry {id}: {hours} h for {person} on {task}, {on}").format(
        id=e.id, hours=fmt_hours(e.minutes), person=e.person, task=e.task, on=e.on))
    return 0


def do_entry_delete(args: argparse.Namespace) -> int:
    _ledger(args).delete_entry(args.id)
    _out(_("entry {id} deleted").format(id=args.id))
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
        _err(_("nothing imported: {n} bad row(s)").format(n=len(exc.problems)))
        return 1
    _out(_("imported {n} entries").format(n=n))
    return 0
