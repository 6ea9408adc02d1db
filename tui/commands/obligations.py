"""Commands: obligations (SPEC §9): ``obligation done|list``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from model.i18n import N_, _, word
from tui.commands.common import _ledger, _out, heads, said
from tui.text import table


def add_parsers(sub: Any, group: Callable[..., Any], cmd: Callable[..., Any]) -> None:
    """Its commands' parsers (in the order of ``sowtrack --help``)."""
    obl = group("obligation", N_("what each party must provide (the SOW's [[obligation]]): "
                              "done, list"),
                "sowtrack obligation done ENV-ACCESS --on 2026-03-13\nsowtrack obligation list")
    osub = obl.add_subparsers(dest="what", metavar="ACTION", required=True)
    p = cmd(osub, "done", N_("record that an obligation was done (once)"),
            "sowtrack obligation done ENV-ACCESS --on 2026-03-13", do_obligation_done)
    p.add_argument("key", metavar="KEY", help=N_("the obligation's key in the SOW"))
    p.add_argument("--on", metavar="D", help=N_("when it was done (default today)"))
    p = cmd(osub, "list", N_("list obligations: due date, done date, working days late"),
            "sowtrack obligation list --as-of 2026-03-20", do_obligation_list)
    p.add_argument("--as-of", metavar="D", help=N_("default: today in the project's time zone"))


def do_obligation_done(args: argparse.Namespace) -> int:
    o = _ledger(args).obligation_done(args.key, args.on)
    late = (_(", {days} working day(s) late").format(days=o.days_late) if o.days_late
            else _(", on time"))
    _out(_("{key} done on {on} (due {due}{late})").format(key=o.key, on=o.done_on, due=o.due,
                                                         late=late))
    return 0


def do_obligation_list(args: argparse.Namespace) -> int:
    rows = _ledger(args).obligations(args.as_of)
    _out(table(heads(N_("key"), N_("party"), N_("due"), N_("done"), N_("late"), N_("state"),
                     N_("title")),
               [[o.key, word("party", o.party), o.due, o.done_on or "", o.days_late,
                 _("done") if o.done_on
                 else (_("overdue") if o.overdue else said(N_("not done yet|open"))),
                 o.title]
                for o in rows], right=[4]))
    return 0
