"""The acceptance report (验收报告): what was delivered, consumed and signed, for the final
dual sign-off. Its digest is that of ``Ledger.acceptance_content()``, the content the
acceptance signatures cover."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from fractions import Fraction

from model import rules
from model.i18n import _
from model.sheet_acceptance import (
    AcceptanceSheetData,
    BlockerLine,
    ChangeLine,
    GradeLine,
    QuotaLine,
    TaskLine,
    deliverable_lines,
    money,
    settlement,
)
from model.sheets import SheetRequest
from model.views import SignatureView, SignoffView
from storage.services import Ledger
from storage.sheets.parts import SheetParts, signatories, signed_by


def live_acceptance(ledger: Ledger) -> SignoffView | None:
    """The acceptance document being signed or signed (not a withdrawn one), if any."""
    live = [s for s in ledger.signoffs()
            if s.kind == "acceptance" and s.status not in rules.DOC_CLOSED]
    return live[-1] if live else None


def _signers(view: SignoffView | None) -> tuple[SignatureView, ...]:
    return view.signatures if view is not None else ()


def build(ledger: Ledger, request: SheetRequest) -> SheetParts[AcceptanceSheetData]:
    project = ledger.project()
    facts = ledger.facts()
    cal = facts.calendar
    current_end = rules.end_at(facts.end, facts.changes, date.max)
    # Blocked days are counted up to the acceptance, or up to today within the SOW.
    assert request.printed_on is not None  # build_sheet fills it in
    as_of = project.accepted_on or min(max(request.printed_on, facts.start), current_end)

    effective = sorted((c for c in facts.changes if c.effective_by(date.max)),
                       key=lambda c: (c.effective_on or date.max, c.number))
    days = rules.daily(facts)  # the entries summed per date (in SQL)
    minutes: dict[str, int] = defaultdict(int)
    for day in days:
        for grade, m in day.by_grade.items():
            minutes[grade] += m
    grades = sorted({g for g, v in facts.baseline.items() if v}
                    | {g for c in effective for g, v in c.deltas.items() if v}
                    | {g for g, m in minutes.items() if m}, key=facts.ladder.sort_key)
    lines = tuple(GradeLine(
        grade=g, rate_minor=facts.rates.get(g, 0),
        baseline_pd=rules.pd_of_milli(facts.baseline.get(g, 0)),
        deltas_pd=tuple(rules.pd_of_milli(c.deltas.get(g, 0)) for c in effective),
        consumed_pd=rules.pd_of_minutes(minutes.get(g, 0), facts.minutes_per_day))
        for g in grades)

    task_views = ledger.tasks()
    tasks = tuple(TaskLine(t.code, t.title, t.priority, t.status,
                           rules.pd_of_milli(t.estimate_milli),
                           rules.pd_of_minutes(t.consumed_minutes, t.minutes_per_day))
                  for t in task_views)
    deliverables = deliverable_lines(ledger.deliverables(),
                                     {t.code: t.status for t in task_views})
    # date.max: every use and every effective CR, as the acceptance content counts them.
    quotas = tuple(QuotaLine(q.key, q.title, q.limit, q.used)
                   for q in ledger.quotas(date.max))
    blocked = ledger.summary(as_of).blocked_days
    # as the Blockers view lists them on that day (late client obligations included)
    blockers = tuple(BlockerLine(b.number, b.title, b.party, b.raised_on, b.resolved_on, b.task,
                                 b.age_days)
                     for b in ledger.blocker_list(as_of).blockers)
    signoffs = ledger.signoffs()
    periods = tuple(s for s in signoffs
                    if s.kind == "period" and s.status != rules.DOC_WITHDRAWN)
    spans = rules.confirmed_spans((s.first, s.last, s.status)
                                  for s in signoffs if s.kind == "period")
    unconfirmed = tuple((g, rules.pd_of_minutes(m, facts.minutes_per_day)) for g, m in
                        rules.unconfirmed_minutes(days, spans).items())
    rates = facts.rates
    changes = tuple(ChangeLine(
        number=c.number, doc_id=SheetRequest("cr", cr=c.number).doc_id(project.code),
        title=c.title, status=c.status, raised_on=c.raised_on, effective_on=c.effective_on,
        new_end=c.new_end,
        delta_pd=sum((rules.pd_of_milli(m) for _, m in c.deltas), Fraction(0)),
        delta_cost=sum((money(rules.pd_of_milli(m), rates.get(g, 0)) for g, m in c.deltas),
                       Fraction(0)))
        for c in ledger.change_requests())
    acc = live_acceptance(ledger)
    data = AcceptanceSheetData(
        ladder=facts.ladder,
        currency=project.currency, minutes_per_day=facts.minutes_per_day, start=facts.start,
        sow_end=facts.end, current_end=current_end,
        working_days=cal.count(facts.start, current_end), as_of=as_of,
        effective=tuple(c.number for c in effective), grades=lines,
        overtime_pd=rules.pd_of_minutes(
            rules.overtime_of_sums(days, cal, facts.minutes_per_day),
            facts.minutes_per_day),
        deliverables=tasks, quotas=quotas,
        blocked_days=tuple(blocked.items()),
        blockers=blockers, periods=periods, changes=changes,
        acceptance_number=acc.number if acc else None,
        acceptance_status=acc.status if acc else rules.DOC_OPEN,
        accepted_on=project.accepted_on, acceptance_signers=_signers(acc),
        conclusion=acc.conclusion if acc else None, comment=acc.comment if acc else "",
        terms=project.terms, sow_deliverables=deliverables, unconfirmed=unconfirmed,
        settlement=settlement(project.terms,
                              sum((g.cost(g.consumed_pd) for g in lines), Fraction(0))))
    title = "项目验收报告" if request.language == "zh" else "Acceptance Report"
    return SheetParts(title, ledger.acceptance_content(), data,
                      signatories(ledger, acc.signatures if acc else ()))


def signed_status(ledger: Ledger, request: SheetRequest) -> str:
    project = ledger.project()
    acc = live_acceptance(ledger)
    if acc is None or not acc.signatures:
        return _("the acceptance of {code} is not signed").format(code=project.code)
    who = signed_by(acc.signatures)
    if acc.status == rules.DOC_EFFECTIVE:
        return _("{code} was accepted on {on} ({number}: signed by {who})").format(
            code=project.code, on=acc.effective_on, number=acc.number, who=who)
    return _("the acceptance {number} is signed by one party: {who}; awaiting the other "
             "party").format(number=acc.number, who=who)
