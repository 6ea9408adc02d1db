"""Commands: reports: ``report summary|burndown``, and the status with no command."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from model import rules
from model.i18n import N_, _, word
from tui.commands.common import _ledger, _out, heads, pinned_today
from tui.text import fmt_hours, fmt_money, fmt_pd, table


def add_parsers(sub: Any, group: Callable[..., Any], cmd: Callable[..., Any]) -> None:
    """Its commands' parsers (in the order of ``sowtrack --help``)."""
    rep = group("report", N_("summary and burn-down"),
                "sowtrack report summary --as-of 2026-03-10 --json")
    rsub = rep.add_subparsers(dest="what", metavar="REPORT", required=True)
    for name, func, help in (("summary", do_summary,
                              N_("budget, consumed and remaining PD by grade, cost, overtime, "
                                 "blocked days, forecast, quotas, change requests")),
                             ("burndown", do_burndown,
                              N_("one row per working day, start to end"))):
        p = cmd(rsub, name, help, f"sowtrack report {name} --as-of 2026-03-10 --json", func)
        p.add_argument("--as-of", metavar="D", help=N_("default: today in the project's time zone"))
        p.add_argument("--json", action="store_true", help=N_("machine-readable output"))
    p = cmd(rsub, "hours", N_("expected against logged hours per person: their working days "
                           "in the days asked (holidays, make-up days, days away, first and "
                           "last days counted) × hours per day, beside what they logged"),
            "sowtrack report hours                     # this week, to today\n"
            "sowtrack report hours --from 2026-11-01 --to 2026-11-30 --json\n"
            "sowtrack report hours --person wang.fang --from 2026-11-16", do_hours)
    p.add_argument("--from", dest="first", metavar="D",
                   help=N_("first day (default: the Monday of this week)"))
    p.add_argument("--to", dest="last", metavar="D",
                   help=N_("last day (default: today in the project's time zone)"))
    p.add_argument("--person", metavar="P", help=N_("one person (default: every vendor person "
                                                 "with a grade, as the timesheet shows them)"))
    p.add_argument("--json", action="store_true", help=N_("machine-readable output (minutes)"))


def do_summary(args: argparse.Namespace) -> int:
    ledger = _ledger(args)
    with ledger.snapshot():  # every figure from one state of the ledger
        s = ledger.summary(args.as_of)
        title = ledger.project().title
    if args.json:
        _out(json.dumps(s.to_json(), ensure_ascii=False, indent=1))
        return 0
    _out(render_summary(s, title))
    return 0


def render_summary(s: rules.Summary, title: str) -> str:
    """The human form of ``report summary``."""
    lines = [f"{s.code}  {title}",
             _("as of {as_of}   end {end}   working days {elapsed} of {total}").format(
                 as_of=s.as_of, end=s.end, elapsed=s.working_days_elapsed,
                 total=s.working_days_total), ""]
    rows = [[g.grade, s.ladder.label(g.grade, "zh"), fmt_pd(g.budget_pd),
             fmt_pd(g.consumed_pd), fmt_pd(g.remaining_pd)] for g in s.by_grade]
    rows.append(["total", "合计", fmt_pd(s.budget_pd), fmt_pd(s.consumed_pd),
                 fmt_pd(s.remaining_pd)])
    # the grade's key and its Chinese name (SPEC §2) are both shown in either language
    lines.append(table(["grade", "职级", *heads(N_("budget PD"), N_("consumed PD"),
                                               N_("remaining PD"))], rows, right=[2, 3, 4]))
    forecast = (_("none (no recent burn, or over 100 years out)") if not s.forecast_end
                else (_("{day}  (after the end {end})") if s.forecast_end > s.end
                      else _("{day}  (on or before the end {end})")).format(
                          day=s.forecast_end, end=s.end))
    lines += ["",
              _("overtime      {pd} PD (included in consumed)").format(
                  pd=fmt_pd(s.overtime_pd)),
              _("cost          {consumed} of {budget} {currency}").format(
                  consumed=fmt_money(s.consumed_cost), budget=fmt_money(s.budget_cost),
                  currency=s.currency),
              _("blocked days  client {client}, vendor {vendor}").format(
                  client=s.blocked_days.get("client", 0), vendor=s.blocked_days.get("vendor", 0)),
              _("forecast end  {forecast}").format(forecast=forecast),
              _("change requests  effective: {effective}   pending: {pending}").format(
                  effective=", ".join(s.effective_changes) or "-",
                  pending=", ".join(s.pending_changes) or "-")]
    if s.quotas:
        lines.append(_("quotas        {quotas}").format(quotas=", ".join(
            f"{k} {used}/{limit}" for k, __, limit, used in s.quotas)))
    return "\n".join(lines)


def do_burndown(args: argparse.Namespace) -> int:
    ledger = _ledger(args)
    with ledger.snapshot():
        rows = ledger.burndown(args.as_of)
        code = ledger.project().code
    if args.json:
        _out(json.dumps({"project": code,
                         "series": [r.to_json() for r in rows]}, ensure_ascii=False, indent=1))
        return 0
    _out(table(heads(N_("date"), N_("budget PD"), N_("consumed PD"), N_("remaining PD"),
                     N_("ideal PD")),
               [[r.on, fmt_pd(r.budget_pd), fmt_pd(r.consumed_pd), fmt_pd(r.remaining_pd),
                 fmt_pd(r.ideal_pd)] for r in rows], right=[1, 2, 3, 4]))
    return 0


def do_hours(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from model.errors import Ref
    from storage.sowfile import parse_date

    ledger = _ledger(args)
    with ledger.snapshot():
        project = ledger.project()
        today = ledger.today(project.timezone)
        last = parse_date(args.last, Ref("last")) if args.last else today
        first = (parse_date(args.first, Ref("first")) if args.first
                 else last - timedelta(days=last.weekday()))
        rows = ledger.expected_hours(first, last, args.person)
        names = {p.key: p.name for p in ledger.people()}
    if args.json:
        _out(json.dumps({"project": project.code, "from": first.isoformat(),
                         "to": last.isoformat(), "minutes_per_day": project.minutes_per_day,
                         "people": [{"person": r.person, "expected_minutes": r.expected,
                                     "logged_minutes": r.logged,
                                     "difference_minutes": r.difference} for r in rows]},
                        ensure_ascii=False, indent=1))
        return 0
    _out(_("{code}  expected against logged hours, {first} .. {last}").format(
        code=project.code, first=first, last=last))
    total = [sum(r.expected for r in rows), sum(r.logged for r in rows)]
    _out(table(heads(N_("person"), N_("name"), N_("expected h"), N_("logged h"),
                     N_("difference h")),
               [[r.person, names.get(r.person, ""), fmt_hours(r.expected), fmt_hours(r.logged),
                 _signed_hours(r.difference)] for r in rows]
               + [[_("total"), "", fmt_hours(total[0]), fmt_hours(total[1]),
                   _signed_hours(total[1] - total[0])]], right=[2, 3, 4]))
    return 0


def _signed_hours(minutes: int) -> str:
    return ("+" if minutes > 0 else "-" if minutes < 0 else "") + fmt_hours(abs(minutes))


def do_status(args: argparse.Namespace) -> int:
    """No command: the full-screen TUI on a terminal, else (piped) a short status."""
    ledger = _ledger(args)
    today = pinned_today()
    if sys.stdin.isatty() and sys.stdout.isatty():
        from tui.startup import open_app  # Textual is imported while the ledger is read

        ledger.project()  # refuse here, in one line, if there is no project to show
        open_app(ledger, today).run()
        return 0
    with ledger.snapshot():
        s = ledger.summary(today)
        title = ledger.project().title
        open_blockers = ledger.blocker_list(today).open()
    _out(render_summary(s, title))
    if open_blockers:
        _out(_("open blockers {blockers}").format(blockers="; ".join(
            f"{b.number} ({word('party', b.party)}, "
            + _("{days} d").format(days=b.age_days) + f") {b.title}"
            for b in open_blockers)))
    return 0
