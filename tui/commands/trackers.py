"""Commands: ``import timew|timeclock|timedot|klog|kimai``, time from other trackers."""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Callable
from typing import Any

from model.errors import LedgerError, LedgerErrors
from model.i18n import N_, _, ngettext
from model.trackers import TrackerProblems
from tui.commands.common import _err, _ledger, _out
from tui.commands.language import Help, speak_for_help

RULES = N_("""How the file's time becomes entries:
  person   yours (--as), or --person P if you may log for others.
  times    in the person's time zone (their own in the SOW, else the project's); an
           interval over midnight is split at midnight, each part on its own date.
  task     a tag or an account segment (client:T2) equal to a task code, in any
           case, names the task; --task-map NAME=CODE maps any other name.
  minutes  a day's parts with the same task and note make one entry; each person-day's
           seconds are rounded once to the nearest minute, so the day's entries sum to
           the day's tracked time rounded (never a sum of rounded pieces).
  again    importing the same export again, or a later one that includes it, adds only
           the intervals not imported before ("N new, M already imported"); one whose
           length changed in the tracker since is named, not imported again.
All or nothing: any bad line, JSON path or entry is listed and nothing is written.""")

#: tool -> (what it reads, the parser's name in model.trackers, an example, notes)
TOOLS: dict[str, tuple[str, str, str, str]] = {
    "timew": (N_("Timewarrior's `timew export` JSON (FILE, or - for stdin)"), "parse_timew",
              "timew export :month | sowtrack import timew -\n"
              "sowtrack import timew march.json --task-map meetings=T1",
              N_("Times are UTC (20261120T083000Z), the start is each interval's key; a "
              "running interval (no end) is refused: stop it first.")),
    "timeclock": (N_("hledger's timeclock file (i/o lines)"), "parse_timeclock",
                  "sowtrack import timeclock work.timeclock   # i 2026-03-02 09:00 client:T2",
                  N_("Times are local wall-clock times; an offset after a time is ignored, as "
                  "hledger does. A session still open (no o line) is refused.")),
    "timedot": (N_("hledger's timedot file"), "parse_timedot",
                "sowtrack import timedot march.timedot   # client:T2  .... ..",
                N_("Dots are quarter hours, numbers hours, or a number with s, m or h. The d "
                "unit is 24 hours in timedot (not a person-day) and is refused, as are w, "
                "mo and y.")),
    "klog": (N_("klog's `klog json` output"), "parse_klog",
             "klog json times.klg > times.json && sowtrack import klog times.json",
             N_("Ranges and durations are read; an open range (still running) and a negative "
             "duration are refused. A tag #t2 names T2.")),
    "kimai": (N_("Kimai's CSV export of timesheets"), "parse_kimai",
              "sowtrack import kimai export.csv --task-map 'Code review=T2'",
              N_("Columns are read by their header (Date, From, To, User, Activity, "
              "Description, Tags); the Activity or a tag names the task. One user's "
              "times per file.")),
}


class _Filled(Help):
    """A tool's notes, filled to 88 columns; a translation keeps its own lines."""

    note: str

    def __new__(cls, note: str) -> _Filled:
        self = super().__new__(cls, "{text}", text=textwrap.fill(note, 88))
        self.note = note
        return self  # type: ignore[return-value]

    def translated(self) -> str:
        text = _(self.note)
        return textwrap.fill(text, 88) if text == self.note else text


def add_parsers(isub: Any, cmd: Callable[..., Any]) -> None:
    """``import TOOL`` for each tool, under ``sowtrack import``."""
    for tool, (what, __, example, notes) in TOOLS.items():
        head = Help(N_("import {what}, all or nothing"), what=Help(what))
        p = cmd(isub, tool, head, example, do_import_tracker)
        p.description = Help("{head}\n\n{notes}\n\n{rules}", head=head, notes=_Filled(notes),
                             rules=Help(RULES))
        p.add_argument("file", metavar="FILE|-" if tool == "timew" else "FILE",
                       help=N_("the export (- reads standard input)") if tool == "timew"
                       else N_("the export"))
        p.add_argument("--person", metavar="P",
                       help=N_("whose time it is (default: --as); logging for others needs "
                            "the right to"))
        p.add_argument("--task-map", dest="task_map", metavar="NAME=CODE", action="append",
                       default=[], help=N_("a tag, account or activity NAME means task CODE "
                                        "(any case); repeat for more"))
        p.set_defaults(tracker=tool)


def _text(file: str, tool: str) -> tuple[str, str]:
    """The file's name and text (``-``: standard input), UTF-8."""
    if file == "-" and tool == "timew":
        raw = sys.stdin.buffer.read()
        try:
            return "stdin", raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise LedgerError(_("stdin: line {line}: not UTF-8 (byte {byte})").format(
                line=line, byte=f"0x{raw[exc.start]:02x}")) from None
    from storage.sowfile.parse import read_text_file

    p, __, text = read_text_file(file, "utf-8-sig")
    return p.name, text


def _task_map(pairs: list[str], parser: argparse.ArgumentParser) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, code = pair.partition("=")
        if not sep or not name.strip() or not code.strip():
            speak_for_help()
            parser.error(_("--task-map takes NAME=CODE (e.g. meetings=T1), got {pair!r}").format(
                pair=pair))
        out[name.strip()] = code.strip()
    return out


def do_import_tracker(args: argparse.Namespace) -> int:
    import model.trackers as trackers

    tool = args.tracker
    task_map = _task_map(args.task_map, args.command_parser)
    name, text = _text(args.file, tool)
    parse = getattr(trackers, TOOLS[tool][1])
    try:
        parsed = parse(text)
    except LedgerErrors:
        raise
    except LedgerError as exc:
        raise LedgerError(f"{name}: {exc}") from None
    ledger = _ledger(args)
    try:
        done = ledger.import_tracker(parsed, args.person, task_map)
    except LedgerErrors as exc:
        for p in exc.problems:
            _err(f"{name}: {p}")
        hint = ""
        if isinstance(exc, TrackerProblems) and exc.unnamed:  # whatever the language
            hint = _(" (map a name to a task with --task-map NAME=CODE)")
        _err(_("nothing imported: {n} problem(s){hint}").format(n=len(exc.problems), hint=hint))
        return 1
    changed = (_(" ({n} changed since)").format(n=len(done.changed)) if done.changed
               else "")
    _out(ngettext("imported {n} entry from {file}: {new} new, {already} already "
                  "imported{changed}",
                  "imported {n} entries from {file}: {new} new, {already} already "
                  "imported{changed}", done.entries).format(
        n=done.entries, file=name, new=done.new, already=done.already, changed=changed))
    for line in done.changed:
        _err(_("{file}: {problem}; correct its entry with `sowtrack entry edit` if it "
               "matters").format(file=name, problem=line))
    return 0
