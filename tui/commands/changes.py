"""Commands: change requests: ``cr new|edit|sign|withdraw|list|show``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from model import rules
from model.i18n import N_, _, word
from tui.commands.common import _ledger, _out, heads
from tui.text import fmt_pd, table


def add_parsers(sub: Any, group: Callable[..., Any], cmd: Callable[..., Any]) -> None:
    """Its commands' parsers (in the order of ``sowtrack --help``)."""
    crp = group("cr", N_("change requests: new, edit, sign, withdraw, list, show"),
                "sowtrack --as zhang.wei cr new --title 'Second OCR engine' --delta expert=3")
    csub = crp.add_subparsers(dest="what", metavar="ACTION", required=True)
    p = cmd(csub, "new", N_("raise a change request; prints its id (CR-001, ...)"),
            "sowtrack --as zhang.wei cr new --title 'Add fraud-risk hints' --delta senior=5 "
            "--quota prompt-rounds=1", do_cr_new)
    p.add_argument("--title", required=True, metavar="T")
    p.add_argument("--reason", default="", metavar="R")
    p.add_argument("--delta", action="append", default=[], metavar="GRADE=PD",
                   help=N_("person-days added (or removed, negative) at a grade; repeatable"))
    p.add_argument("--quota", action="append", default=[], metavar="KEY=N",
                   help=N_("quota limit change; repeatable"))
    p.add_argument("--end", metavar="D", help=N_("the new end date"))
    p.add_argument("--estimate", dest="estimates", action="append", default=[],
                   metavar="TASK=±PD",
                   help=N_("a task's estimate changed by ±PD once the scope is signed; repeatable"))
    p.add_argument("--add-task", dest="add_tasks", action="append", default=[],
                   metavar="CODE=TITLE:PD",
                   help=N_("a task added, with its estimate, once the scope is signed; repeatable"))
    p.add_argument("--on", metavar="D", help=N_("when it was raised (default today)"))
    p = cmd(csub, "edit", N_("change a change request nobody has signed yet (what is given "
                          "replaces what it held)"),
            "sowtrack cr edit CR-002 --delta expert=4 --estimate T2=+3", do_cr_edit)
    p.add_argument("id", metavar="ID")
    p.add_argument("--title", metavar="T")
    p.add_argument("--reason", metavar="R")
    p.add_argument("--delta", action="append", metavar="GRADE=PD")
    p.add_argument("--quota", action="append", metavar="KEY=N")
    p.add_argument("--end", metavar="D")
    p.add_argument("--estimate", dest="estimates", action="append", metavar="TASK=±PD",
                   help=N_("the estimate changes, replacing the CR's own; repeatable"))
    p.add_argument("--add-task", dest="add_tasks", action="append", metavar="CODE=TITLE:PD",
                   help=N_("the tasks added, replacing the CR's own; repeatable"))
    p = cmd(csub, "sign", N_("sign a change request as --as; prints its status"),
            "sowtrack --as li.na cr sign CR-001 --on 2026-03-06", do_cr_sign)
    p.add_argument("id", metavar="ID")
    p.add_argument("--on", metavar="D", help=N_("the date of the (paper) signature"))
    p = cmd(csub, "withdraw", N_("withdraw a change request that is not yet effective"),
            "sowtrack --as zhang.wei cr withdraw CR-002", do_cr_withdraw)
    p.add_argument("id", metavar="ID")
    cmd(csub, "list", N_("list change requests"), "sowtrack cr list", do_cr_list)
    p = cmd(csub, "show", N_("show one change request with its signatures"),
            "sowtrack cr show CR-001", do_cr_show)
    p.add_argument("id", metavar="ID")


def _cr_args(args: argparse.Namespace) -> tuple[dict | None, dict | None]:
    from storage.services import parse_assignments

    deltas = parse_assignments(args.delta, "--delta") if args.delta is not None else None
    quotas = parse_assignments(args.quota, "--quota") if args.quota is not None else None
    return deltas, quotas


def do_cr_new(args: argparse.Namespace) -> int:
    from storage.services import parse_assignments

    deltas, quotas = _cr_args(args)
    cr = _ledger(args).new_cr(args.title, args.reason, deltas, quotas, args.end, args.on,
                              estimates=parse_assignments(args.estimates, "--estimate"),
                              add_tasks=parse_assignments(args.add_tasks, "--add-task"))
    _out(cr.number)
    return 0


def do_cr_edit(args: argparse.Namespace) -> int:
    from storage.services import parse_assignments

    deltas, quotas = _cr_args(args)
    estimates = (parse_assignments(args.estimates, "--estimate")
                 if args.estimates is not None else None)
    added = (parse_assignments(args.add_tasks, "--add-task")
             if args.add_tasks is not None else None)
    cr = _ledger(args).edit_cr(args.id, title=args.title, reason=args.reason, deltas=deltas,
                               quota_deltas=quotas, new_end=args.end, estimates=estimates,
                               add_tasks=added)
    _out(_("{id} updated").format(id=cr.number))
    return 0


def _cr_status(cr: Any) -> str:
    if cr.status == rules.DOC_EFFECTIVE:
        return _("effective since {on}").format(on=cr.effective_on)
    if cr.status == rules.DOC_SIGNING:
        signed = {s.party for s in cr.signatures}
        waiting = [p for p in rules.PARTIES if p not in signed]
        return _("pending: signed by {signed}, waiting for {waiting}").format(
            signed=_(", ").join(word("party", p) for p in sorted(signed)),
            waiting=_(", ").join(word("party", p) for p in waiting))
    if cr.status == rules.DOC_OPEN:
        return _("pending: no signature yet")
    return cr.status


def do_cr_sign(args: argparse.Namespace) -> int:
    cr = _ledger(args).sign_cr(args.id, args.on)
    _out(f"{cr.number}: {_cr_status(cr)}")
    return 0


def do_cr_withdraw(args: argparse.Namespace) -> int:
    cr = _ledger(args).withdraw_cr(args.id)
    _out(_("{id}: withdrawn").format(id=cr.number))
    return 0


def _deltas(cr: Any) -> str:
    parts = [f"{g}{'+' if v >= 0 else ''}{fmt_pd(rules.pd_of_milli(v))}" for g, v in cr.deltas]
    parts += [f"{k}{'+' if v >= 0 else ''}{v}" for k, v in cr.quota_deltas]
    if cr.new_end:
        parts.append(f"end→{cr.new_end}")
    for code, milli, title in getattr(cr, "task_deltas", ()):
        pd = fmt_pd(rules.pd_of_milli(milli))
        parts.append(f"{code}{'+' if milli >= 0 else ''}{pd}" if title is None
                     else f"+task {code} {title!r} {pd}")
    return " ".join(parts)


def do_cr_list(args: argparse.Namespace) -> int:
    rows = _ledger(args).change_requests()
    shown = {rules.DOC_OPEN: N_("pending"), rules.DOC_SIGNING: N_("pending"),
             rules.DOC_EFFECTIVE: N_("effective"), rules.DOC_WITHDRAWN: N_("withdrawn")}
    _out(table(heads(N_("id"), N_("raised"), N_("status"), N_("changes"), N_("signed by"),
                     N_("title")),
               [[c.number, c.raised_on, _(shown[c.status]), _deltas(c),
                 ", ".join(f"{s.person} ({word('party', s.party)}) {s.on}"
                           for s in c.signatures), c.title]
                for c in rows]))
    return 0


def do_cr_show(args: argparse.Namespace) -> int:
    c = _ledger(args).change_request(args.id)
    _out(f"{c.number}  {c.title}")
    _out(_("raised     {on} by {person}").format(on=c.raised_on, person=c.raised_by or "-"))
    _out(_("reason     {reason}").format(reason=c.reason or "-"))
    _out(_("changes    {changes}").format(changes=_deltas(c) or "-"))
    _out(_("status     {status}").format(status=_cr_status(c)))
    for s in c.signatures:
        _out(_("signed     {on}  {name} ({person}, {party} {role})  sha256 {digest}…").format(
            on=s.on, name=s.name, person=s.person, party=word("party", s.party),
            role=word("role", s.role), digest=s.digest[:16]))
    return 0
