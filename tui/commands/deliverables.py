"""Commands: deliverables (SPEC §9): ``deliverable done|list``; the training deliverable is
the knowledge transfer."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from model.i18n import N_, _
from tui.commands.common import _ledger, _out, heads
from tui.text import table


def add_parsers(sub: Any, group: Callable[..., Any], cmd: Callable[..., Any]) -> None:
    """Its commands' parsers (in the order of ``sowtrack --help``)."""
    dlv = group("deliverable", N_("the SOW's [[deliverable]] entries and their delivery: done, "
                               "list"),
                "sowtrack deliverable done KT --on 2026-05-27 --note 'two sessions, manual'")
    dsub = dlv.add_subparsers(dest="what", metavar="ACTION", required=True)
    p = cmd(dsub, "done", N_("record a deliverable's delivery (once; the training one is the "
                          "knowledge transfer)"),
            "sowtrack deliverable done D1 --on 2026-04-16 --note 'handed over as v1.0'",
            do_deliverable_done)
    p.add_argument("key", metavar="KEY", help=N_("the deliverable's key in the SOW"))
    p.add_argument("--on", metavar="D", help=N_("when it was delivered (default today)"))
    p.add_argument("--note", metavar="N", default="", help=N_("one line: what was handed over"))
    cmd(dsub, "list", N_("list deliverables: due, delivered, kind"),
        "sowtrack deliverable list", do_deliverable_list)


def do_deliverable_done(args: argparse.Namespace) -> int:
    d = _ledger(args).deliverable_done(args.key, args.on, args.note)
    _out((_("knowledge transfer {key} delivered on {on}") if d.training
          else _("{key} delivered on {on}")).format(key=d.key, on=d.delivered_on))
    return 0


def do_deliverable_list(args: argparse.Namespace) -> int:
    rows = _ledger(args).deliverables()
    _out(table(heads(N_("key"), N_("kind"), N_("due"), N_("delivered"), N_("tasks"),
                     N_("title"), N_("note")),
               [[d.key, _("training") if d.training else "", d.due or "", d.delivered_on or "",
                 " ".join(d.tasks), d.title, d.delivery_note or ""] for d in rows]))
    return 0
