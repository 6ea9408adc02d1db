"""Commands: sign-offs: ``signoff period|acceptance|scope|withdraw|list``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from model import rules
from model.i18n import N_, _, word
from tui.commands.common import _ledger, _out


def add_parsers(sub: Any, group: Callable[..., Any], cmd: Callable[..., Any]) -> None:
    """Its commands' parsers (in the order of ``sowtrack --help``)."""
    sgn = group("signoff", N_("period timesheets, the acceptance and the scope: sign, withdraw, "
                "list"),
                "sowtrack --as li.na signoff period --from 2026-03-01 --to 2026-03-31")
    ssub = sgn.add_subparsers(dest="what", metavar="WHAT", required=True)
    p = cmd(ssub, "period", N_("sign a period's timesheet as --as (its entries freeze)"),
            "sowtrack --as zhang.wei signoff period --from 2026-03-01 --to 2026-03-31",
            do_signoff_period)
    p.add_argument("--from", dest="first", required=True, metavar="D", help=N_("first date"))
    p.add_argument("--to", dest="last", required=True, metavar="D", help=N_("last date"))
    p.add_argument("--on", metavar="D",
                   help=N_("the date of the (paper) signature (default today)"))
    p = cmd(ssub, "acceptance", N_("sign the final acceptance as --as"),
            "sowtrack --as li.na signoff acceptance --on 2026-06-05 --conclusion accepted\n"
            "sowtrack --as li.na signoff acceptance --conclusion conditional "
            "--comment 'fix the OCR timeout by 06-30'", do_signoff_acceptance)
    p.add_argument("--on", metavar="D",
                   help=N_("the date of the (paper) signature (default today)"))
    p.add_argument("--conclusion", choices=rules.CONCLUSIONS,
                   help=N_("the client's conclusion (default accepted); rejected closes this "
                        "acceptance, not the project"))
    p.add_argument("--comment", metavar="TEXT",
                   help=N_("the client's comments: the conditions, or why it is rejected"))
    p = cmd(ssub, "scope", N_("sign the scope (SCOPE-001: tasks, estimates, priorities, "
            "deliverables) as --as"), "sowtrack --as zhang.wei signoff scope --on 2026-03-04",
            do_signoff_scope)
    p.add_argument("--on", metavar="D",
                   help=N_("the date of the (paper) signature (default today)"))
    p = cmd(ssub, "withdraw", N_("withdraw a period, the acceptance or the scope not yet signed "
            "by both"),
            "sowtrack --as zhang.wei signoff withdraw TS-002", do_signoff_withdraw)
    p.add_argument("id", metavar="ID")
    cmd(ssub, "list", N_("list the scope, periods and the acceptance with their signatures"),
        "sowtrack signoff list", do_signoff_list)


def _signoff_line(v: Any) -> str:
    span = f" {v.first}..{v.last}" if v.first else ""
    state = {rules.DOC_EFFECTIVE: N_("signed by both parties, effective {on}"),
             rules.DOC_SIGNING: N_("signed by one party, waiting for the other"),
             rules.DOC_OPEN: N_("not signed"), rules.DOC_WITHDRAWN: N_("withdrawn"),
             rules.DOC_REJECTED: N_("rejected by the client")}[v.status]
    state = _(state).format(on=v.effective_on)
    conclusion = getattr(v, "conclusion", None)
    if conclusion and v.status != rules.DOC_REJECTED:
        state += _("; the client's conclusion: {conclusion}").format(conclusion=conclusion)
    return f"{v.number}{span}: {state}"


def do_signoff_period(args: argparse.Namespace) -> int:
    _out(_signoff_line(_ledger(args).sign_period(args.first, args.last, args.on)))
    return 0


def do_signoff_acceptance(args: argparse.Namespace) -> int:
    _out(_signoff_line(_ledger(args).sign_acceptance(args.on, args.conclusion,
                                                     args.comment or "")))
    return 0


def do_signoff_scope(args: argparse.Namespace) -> int:
    _out(_signoff_line(_ledger(args).sign_scope(args.on)))
    return 0


def do_signoff_withdraw(args: argparse.Namespace) -> int:
    _out(_signoff_line(_ledger(args).withdraw_signoff(args.id)))
    return 0


def do_signoff_list(args: argparse.Namespace) -> int:
    for v in _ledger(args).signoffs():
        _out(_signoff_line(v))
        for s in v.signatures:
            _out("    " + _("{on}  {name} ({person}, {party} {role})").format(
                on=s.on, name=s.name, person=s.person, party=word("party", s.party),
                role=word("role", s.role)))
    return 0
