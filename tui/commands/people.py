"""Commands: quotas (``quota use|list``), people (``person ...``), ``whoami``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from model.errors import FieldError
from model.i18n import N_, _, key_word, word
from tui.commands.common import _ledger, _out, heads
from tui.text import days_away_text, fmt_money, table


def add_parsers(sub: Any, group: Callable[..., Any], cmd: Callable[..., Any]) -> None:
    """Its commands' parsers (in the order of ``sowtrack --help``)."""
    qta = group("quota", N_("quotas: use, list"), "sowtrack --as zhang.wei quota use prompt-rounds")
    qsub = qta.add_subparsers(dest="what", metavar="ACTION", required=True)
    p = cmd(qsub, "use", N_("record the use of a quota"),
            "sowtrack --as zhang.wei quota use research-meetings --on 2026-03-02", do_quota_use)
    p.add_argument("key", metavar="KEY")
    p.add_argument("--n", type=int, default=1, metavar="N", help=N_("how many (default 1)"))
    p.add_argument("--on", metavar="D", help=N_("when it was used (default today)"))
    p.add_argument("--note", default="", metavar="N")
    cmd(qsub, "list", N_("list quotas with limit and use"), "sowtrack quota list", do_quota_list)

    per = group("person", N_("people: list, add, leave, replace, away, grade, bind, unbind"),
                "sowtrack person list")
    psub = per.add_subparsers(dest="what", metavar="ACTION", required=True)
    cmd(psub, "list", N_("the team with grades, day rates, active days and days away"),
        "sowtrack person list", do_person_list)
    _life_parsers(psub, cmd)
    p = cmd(psub, "grade", N_("change a person's grade (past entries keep their grade)"),
            "sowtrack person grade wang.fang senior", do_person_grade)
    p.add_argument("person", metavar="PERSON")
    p.add_argument("grade", metavar="GRADE")
    p = cmd(psub, "bind", N_("PostgreSQL, as the database owner: bind a person to a database login "
                          "role; that role then acts as this person and no one else"),
            "sowtrack person bind liu.yang liu_yang", do_person_bind)
    p.add_argument("person", metavar="PERSON")
    p.add_argument("role", metavar="ROLE", help=N_("an existing PostgreSQL login role"))
    p = cmd(psub, "unbind", N_("PostgreSQL, as the database owner: remove a person's login role "
                            "binding"),
            "sowtrack person unbind liu.yang", do_person_unbind)
    p.add_argument("person", metavar="PERSON")

    cmd(sub, "whoami", N_("who you are acting as, and what you may do"),
        "sowtrack whoami", do_whoami)


def _life_parsers(psub: Any, cmd: Callable[..., Any]) -> None:
    """``person add|leave|replace|away`` (SPEC §9): the vendor lead (or the operator)."""
    p = cmd(psub, "add", N_("a person joins the project (the vendor lead adds vendor people; "
                         "client people are added by the ledger's owner)"),
            "sowtrack --as zhang.wei person add wu.lei --name 吴磊 --party vendor "
            "--role engineer --grade senior --from 2026-04-01", do_person_add)
    p.add_argument("person", metavar="ID", help=N_("the new person's id, e.g. wu.lei"))
    p.add_argument("--name", required=True, metavar="N", help=N_("full name"))
    p.add_argument("--party", required=True, metavar="P", help=N_("vendor or client"))
    p.add_argument("--role", required=True, metavar="R",
                   help=N_("lead, engineer or signatory (a client person: signatory)"))
    p.add_argument("--grade", metavar="G",
                   help=N_("junior, intermediate, senior, expert or senior_expert (vendor "
                        "leads and engineers need one)"))
    p.add_argument("--from", dest="first", metavar="D",
                   help=N_("first working day (default today, or the SOW's start)"))
    p.add_argument("--location", metavar="L", help=N_("onsite or remote"))
    p.add_argument("--timezone", metavar="TZ", help=N_("e.g. Europe/Lisbon (default the SOW's)"))
    p.add_argument("--title", metavar="T", help=N_("job title, printed in signature blocks"))
    p = cmd(psub, "leave", N_("a person leaves the project: no entry after their last working "
                           "day"),
            "sowtrack --as zhang.wei person leave zhou.jie --on 2026-05-29", do_person_leave)
    p.add_argument("person", metavar="ID", help=N_("the person who leaves"))
    p.add_argument("--on", required=True, metavar="D", help=N_("the last working day"))
    p = cmd(psub, "replace", N_("replace a person: NEW rolls on at --on, OLD rolls off the "
                             "working day before, and OLD's allocations on tasks not done "
                             "move to NEW, less what OLD already logged on each (OLD keeps "
                             "that part). NEW is someone added with `person add --from` who "
                             "is not active before --on, or a newcomer added here by --name"),
            "sowtrack --as zhang.wei person replace liu.yang --by wu.lei --name 吴磊 "
            "--on 2026-04-15", do_person_replace)
    p.add_argument("person", metavar="OLD", help=N_("the person replaced"))
    p.add_argument("--by", required=True, metavar="NEW", help=N_("the id of the person who "
                                                              "takes over"))
    p.add_argument("--on", required=True, metavar="D", help=N_("NEW's first working day"))
    p.add_argument("--name", metavar="N", help=N_("NEW's name: adds NEW with OLD's party, role, "
                                               "grade, location and time zone"))
    p = cmd(psub, "away", N_("a person is away (leave, 请假) from --from to --to, both included: "
                          "no entry on those days"),
            "sowtrack --as zhang.wei person away chen.jing --from 2026-04-06 --to 2026-04-08",
            do_person_away)
    p.add_argument("person", metavar="ID", help=N_("the person away"))
    p.add_argument("--from", dest="first", required=True, metavar="D", help=N_("first day away"))
    p.add_argument("--to", dest="last", required=True, metavar="D", help=N_("last day away"))
    p.add_argument("--note", default="", metavar="N", help=N_("e.g. annual leave"))
    p.add_argument("--cancel", action="store_true",
                   help=N_("cancel the day away --from..--to as recorded (it stays listed, "
                        "marked cancelled)"))


def do_person_add(args: argparse.Namespace) -> int:
    p = _ledger(args).add_person(args.person, args.name, args.party, args.role, args.grade,
                                 args.first, args.location, args.timezone, args.title)
    _out(_("{person} {name} joins on {on}").format(person=p.key, name=p.name, on=p.first_day))
    return 0


def do_person_leave(args: argparse.Namespace) -> int:
    p = _ledger(args).leave(args.person, args.on)
    _out(_("{person}'s last working day is {on}").format(person=p.key, on=p.last_day))
    return 0


def do_person_replace(args: argparse.Namespace) -> int:
    old, new = _ledger(args).replace(args.person, args.by, args.on, args.name)
    _out(_("{new} replaces {old}: {old}'s last working day is {last}, {new} starts on "
           "{first}").format(new=new.key, old=old.key, last=old.last_day, first=new.first_day))
    return 0


def do_person_away(args: argparse.Namespace) -> int:
    if args.cancel:
        if args.note:
            raise FieldError("note", _("a cancellation takes no note (the day away keeps "
                                       "its own)"))
        p = _ledger(args).cancel_away(args.person, args.first, args.last)
        _out(_("{person}: day away {first}..{last} cancelled").format(
            person=p.key, first=args.first, last=args.last))
        return 0
    p = _ledger(args).away(args.person, args.first, args.last, args.note)
    _out(_("{person} is away {first}..{last}").format(person=p.key, first=args.first,
                                                      last=args.last))
    return 0


def _days(p: Any) -> str:
    """A person's active days as the list shows them: ``2026-03-02..`` or ``a..b``."""
    return f"{p.first_day or ''}..{p.last_day or ''}" + (
        _(" (replaces {person})").format(person=p.replaces) if p.replaces else "")


def do_quota_use(args: argparse.Namespace) -> int:
    q = _ledger(args).use_quota(args.key, args.n, args.on, args.note)
    _out(_("{key}: {used} of {limit} used").format(key=q.key, used=q.used, limit=q.limit))
    return 0


def do_quota_list(args: argparse.Namespace) -> int:
    rows = _ledger(args).quotas()
    _out(table(heads(N_("quota"), N_("used"), N_("limit"), N_("title")),
               [[q.key, q.used, q.limit, q.title] for q in rows], right=[1, 2]))
    return 0


def do_person_list(args: argparse.Namespace) -> int:
    ledger = _ledger(args)
    rows = ledger.people()
    bound = {p.key: p.login_role for p in rows if p.login_role}
    head = heads(N_("id"), N_("name"), N_("party"), N_("role"), N_("grade"), N_("day rate"),
                 N_("location"), N_("time zone"), N_("active"), N_("away"))
    _out(table(head + (heads(N_("login role")) if bound else []),
               [[p.key, p.name, word("party", p.party), word("role", p.role), p.grade or "",
                 fmt_money(p.day_rate_minor / 100) if p.day_rate_minor is not None else "",
                 key_word("location", p.location) if p.location else "", p.timezone or "",
                 _days(p),
                 days_away_text(p)]
                + ([bound.get(p.key, "")] if bound else [])
                for p in rows], right=[5]))
    return 0


def do_person_bind(args: argparse.Namespace) -> int:
    p = _ledger(args).bind_role(args.person, args.role)
    _out(_("{person} is bound to the login role {role}: that role acts as {person} only").format(
        person=p.key, role=args.role))
    return 0


def do_person_unbind(args: argparse.Namespace) -> int:
    p = _ledger(args).bind_role(args.person, None)
    _out(_("{person} is no longer bound to a login role").format(person=p.key))
    return 0


def do_whoami(args: argparse.Namespace) -> int:
    from model.permissions import MATRIX, UNBOUND, Action

    kind, person, role = _ledger(args).whoami()
    # the kinds and the actions are model.permissions' words (marked there)
    if kind == UNBOUND:
        who = (f"{person.key} {person.name}" if person else _("nobody")) + _(
            ", read only: this login role is bound to no person")
    else:
        who = (_("{key} {name}, {kind}").format(key=person.key, name=person.name, kind=_(kind))
               if person
               else _("the operator (no person named)"))
    _out(_("acting as {who}").format(who=who)
         + (_("; database login role {role}").format(role=role) if role else ""))
    _out(_("may: {actions}").format(actions=_("; ").join(
        [_("read reports and sheets"), *(_(a.value) for a in Action if a in MATRIX[kind])])))
    return 0


def do_person_grade(args: argparse.Namespace) -> int:
    p = _ledger(args).change_grade(args.person, args.grade)
    _out(_("{person} is now {grade}; past entries keep the grade they were charged at").format(
        person=p.key, grade=p.grade))
    return 0
