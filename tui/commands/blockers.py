"""Commands: blockers: ``blocker add|resolve|list``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from model.i18n import N_, _, word
from tui.commands.common import _ledger, _out, heads, said
from tui.text import table


def add_parsers(sub: Any, group: Callable[..., Any], cmd: Callable[..., Any]) -> None:
    """Its commands' parsers (in the order of ``sowtrack --help``)."""
    blk = group("blocker", N_("blockers: add, resolve, list"),
                "sowtrack blocker add --title 'VPN not granted' --party client")
    bsub = blk.add_subparsers(dest="what", metavar="ACTION", required=True)
    p = cmd(bsub, "add", N_("record a blocker; prints its id (B-001, ...)"),
            "sowtrack blocker add --title 'Test environment access not granted' --party client",
            do_blocker_add)
    p.add_argument("--title", required=True, metavar="T")
    p.add_argument("--party", required=True, metavar="client|vendor",
                   help=N_("the party that owns (caused) the blocker"))
    p.add_argument("--on", metavar="D", help=N_("when it was raised (default today)"))
    p.add_argument("--task", metavar="T", help=N_("the task it blocks"))
    p = cmd(bsub, "resolve", N_("resolve a blocker"),
            "sowtrack blocker resolve B-001 --on 2026-03-05",
            do_blocker_resolve)
    p.add_argument("id", metavar="ID")
    p.add_argument("--on", metavar="D", help=N_("when it was resolved (default today)"))
    p = cmd(bsub, "list", N_("list blockers with their age in working days, and the late client "
                          "obligations that count as client blockers (under their keys)"),
            "sowtrack blocker list", do_blocker_list)


def do_blocker_add(args: argparse.Namespace) -> int:
    b = _ledger(args).add_blocker(args.title, args.party, args.on, args.task)
    _out(b.number)
    return 0


def do_blocker_resolve(args: argparse.Namespace) -> int:
    b = _ledger(args).resolve_blocker(args.id, args.on)
    _out(_("{id} resolved on {on} after {days} working day(s)").format(
        id=b.number, on=b.resolved_on, days=b.age_days))
    return 0


def do_blocker_list(args: argparse.Namespace) -> int:
    ledger = _ledger(args)
    rows = ledger.blocker_list().blockers  # open ones first, as the app lists them
    _out(table(heads(N_("id"), N_("party"), N_("raised"), N_("resolved"), N_("days"),
                     N_("task"), N_("title")),
               [[b.number, word("party", b.party), b.raised_on,
                 b.resolved_on or said(N_("unresolved|open")), b.age_days, b.task or "", b.title]
                for b in rows], right=[4]))
    return 0
