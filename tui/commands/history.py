"""Command: ``history``: the audit log in words, filtered by record, person and days."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from model.i18n import N_, _
from tui.commands.common import _ledger, _out


def add_parsers(sub: Any, group: Callable[..., Any], cmd: Callable[..., Any]) -> None:
    """Its command's parser (in the order of ``sowtrack --help``)."""
    p = cmd(sub, "history", N_("the audit log in words, newest first: who did what to which "
                            "record, when"),
            "sowtrack history --record entry:13\n"
            "sowtrack history --record CR-002\n"
            "sowtrack history --person chen.jing --from 2026-11-01 --to 2026-11-30\n"
            "sowtrack history --limit 20 --json", do_history)
    p.add_argument("--record", metavar="R",
                   help=N_("one record's rows: entry:13 (or 13), CR-002 (with its signatures), "
                        "TS-001, ACC-001, SCOPE-001, B-001, task:T2, person:wang.fang, "
                        "quota:KEY, obligation:KEY, deliverable:KEY"))
    p.add_argument("--person", metavar="P",
                   help=N_("the rows by this person, and those about them (their record, "
                        "staff changes, signatures)"))
    p.add_argument("--from", dest="first", metavar="D",
                   help=N_("rows recorded on or after this day (the project's time zone)"))
    p.add_argument("--to", dest="last", metavar="D", help=N_("rows recorded on or before this day"))
    p.add_argument("--limit", metavar="N", type=_count, help=N_("at most N rows (the newest)"))
    p.add_argument("--json", action="store_true", help=N_("machine-readable output"))


def _count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("{text!r} is not a whole number").format(
            text=text)) from None
    if n < 1:
        raise argparse.ArgumentTypeError(_("must be 1 or more"))
    return n


def do_history(args: argparse.Namespace) -> int:
    ledger = _ledger(args)
    rows = ledger.history_all(args.record, args.person, args.first, args.last, args.limit)
    if args.json:
        # Streamed, a row at a time: the log may hold millions of rows.
        first = next(rows, None)  # refused input is refused before anything is printed
        _out(f'{{"project": {json.dumps(ledger.project().code, ensure_ascii=False)}, '
             f'"rows": [')
        for i, r in enumerate(_chain(first, rows)):
            _out((", " if i else " ") + json.dumps(r.to_json(), ensure_ascii=False))
        _out("]}")
        return 0
    shown = 0
    for r in rows:
        _out(f"{r.at:%Y-%m-%d %H:%M}  #{r.id:<6} {r.text}")
        shown += 1
    if not shown:
        _out(_("no audit row matches"))
    return 0


def _chain(first: Any, rest: Any) -> Any:
    if first is not None:
        yield first
        yield from rest
