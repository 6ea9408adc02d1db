"""Commands: quotas (``quota use|list``), people (``person ...``), ``whoami``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from tui.commands.common import _ledger, _out
from tui.text import fmt_money, table


def add_parsers(sub: Any, group: Callable[..., Any], cmd: Callable[..., Any]) -> None:
    """Its commands' parsers (in the order of ``sowtrack --help``)."""
    qta = group("quota", "quotas: use, list", "sowtrack --as zhang.wei quota use prompt-rounds")
    qsub = qta.add_subparsers(dest="what", metavar="ACTION", required=True)
    p = cmd(qsub, "use", "record the use of a quota",
            "sowtrack --as zhang.wei quota use research-meetings --on 2026-03-02", do_quota_use)
    p.add_argument("key", metavar="KEY")
    p.add_argument("--n", type=int, default=1, metavar="N", help="how many (default 1)")
    p.add_argument("--on", metavar="D", help="when it was used (default today)")
    p.add_argument("--note", default="", metavar="N")
    cmd(qsub, "list", "list quotas with limit and use", "sowtrack quota list", do_quota_list)

    per = group("person", "people: list, grade, bind, unbind", "sowtrack person list")
    psub = per.add_subparsers(dest="what", metavar="ACTION", required=True)
    cmd(psub, "list", "the team with grades and day rates", "sowtrack person list",
        do_person_list)
    p = cmd(psub, "grade", "change a person's grade (past entries keep their grade)",
            "sowtrack person grade wang.fang senior", do_person_grade)
    p.add_argument("person", metavar="PERSON")
    p.add_argument("grade", metavar="GRADE")
    p = cmd(psub, "bind", "PostgreSQL, as the database owner: bind a person to a database login "
                          "role; that role then acts as this person and no one else",
            "sowtrack person bind liu.yang liu_yang", do_person_bind)
    p.add_argument("person", metavar="PERSON")
    p.add_argument("role", metavar="ROLE", help="an existing PostgreSQL login role")
    p = cmd(psub, "unbind", "PostgreSQL, as the database owner: remove a person's login role "
                            "binding",
            "sowtrack person unbind liu.yang", do_person_unbind)
    p.add_argument("person", metavar="PERSON")

    cmd(sub, "whoami", "who you are acting as, and what you may do",
        "sowtrack whoami", do_whoami)


def do_quota_use(args: argparse.Namespace) -> int:
    q = _ledger(args).use_quota(args.key, args.n, args.on, args.note)
    _out(f"{q.key}: {q.used} of {q.limit} used")
    return 0


def do_quota_list(args: argparse.Namespace) -> int:
    rows = _ledger(args).quotas()
    _out(table(["quota", "used", "limit", "title"],
               [[q.key, q.used, q.limit, q.title] for q in rows], right=[1, 2]))
    return 0


def do_person_list(args: argparse.Namespace) -> int:
    ledger = _ledger(args)
    rows = ledger.people()
    bound = {p.key: p.login_role for p in rows if p.login_role}
    head = ["id", "name", "party", "role", "grade", "day rate", "location", "time zone"]
    _out(table(head + (["login role"] if bound else []),
               [[p.key, p.name, p.party, p.role, p.grade or "",
                 fmt_money(p.day_rate_minor / 100) if p.day_rate_minor is not None else "",
                 p.location or "", p.timezone or ""] + ([bound.get(p.key, "")] if bound else [])
                for p in rows], right=[5]))
    return 0


def do_person_bind(args: argparse.Namespace) -> int:
    p = _ledger(args).bind_role(args.person, args.role)
    _out(f"{p.key} is bound to the login role {args.role}: that role acts as {p.key} only")
    return 0


def do_person_unbind(args: argparse.Namespace) -> int:
    p = _ledger(args).bind_role(args.person, None)
    _out(f"{p.key} is no longer bound to a login role")
    return 0


def do_whoami(args: argparse.Namespace) -> int:
    from model.permissions import MATRIX, UNBOUND, Action

    kind, person, role = _ledger(args).whoami()
    if kind == UNBOUND:
        who = (f"{person.key} {person.name}" if person else "nobody") + (
            ", read only: this login role is bound to no person")
    else:
        who = (f"{person.key} {person.name}, {kind}" if person
               else "the operator (no person named)")
    _out(f"acting as {who}" + (f"; database login role {role}" if role else ""))
    _out("may: " + "; ".join(["read reports and sheets",
                              *(a.value for a in Action if a in MATRIX[kind])]))
    return 0


def do_person_grade(args: argparse.Namespace) -> int:
    p = _ledger(args).change_grade(args.person, args.grade)
    _out(f"{p.key} is now {p.grade}; past entries keep the grade they were charged at")
    return 0
