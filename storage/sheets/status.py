"""The status report (项目状态报告) as of one date: burn-down, remaining by grade, open
blockers (late client obligations among them), pending change requests, the forecast,
the alerts, the obligations overdue or done late and the staff changes.

Its content (what its digest covers) is the canonical figures as of that date: the
summary, the burn-down series, the open blockers and the pending change requests with
their signatures, and the alerts (each its kind and what it names: the sentence is
worded when drawn). It depends only on the ledger and the as-of date.
"""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction
from typing import Any

from model import rules
from model.i18n import _
from model.sheet_status import (
    BudgetStep,
    BurnPoint,
    GradeStatus,
    OpenBlocker,
    PendingChange,
    Signed,
    StatusAlert,
    StatusSheetData,
)
from model.sheets import SheetRequest
from storage.services import Ledger
from storage.sheets.parts import SheetParts, signatories
from storage.sheets.status_life import obligation_lines, staff_lines


def _shift(cal: rules.Calendar, end: Any, forecast: Any) -> int | None:
    """Working days from the end to the forecast end: + late, - early, 0 on the day."""
    if forecast is None:
        return None
    if forecast == end:
        return 0
    if forecast > end:
        return cal.count(end + timedelta(days=1), forecast)
    return -cal.count(forecast + timedelta(days=1), end)


def build(ledger: Ledger, request: SheetRequest) -> SheetParts[StatusSheetData]:
    project = ledger.project()
    as_of = request.as_of or request.printed_on
    assert as_of is not None  # build_sheet fills in the day printed
    summary = ledger.summary(as_of)
    rows = ledger.burndown(as_of)
    cal, _start, _end = ledger.calendar()
    rates = ledger.rates()
    crs = ledger.change_requests()

    # a late client obligation is a client blocker under its key (SPEC §9)
    open_blockers = tuple(
        OpenBlocker(b.number, b.title, b.party, b.raised_on, b.task,
                    rules.working_days_open(cal, b.raised_on, None, as_of))
        for b in ledger.blocker_list(as_of).open())
    overdue, done_late = obligation_lines(ledger, as_of)
    staff = staff_lines(ledger, as_of)

    who_signs: dict[str, tuple[str, ...]] = {}
    for s in signatories(ledger):
        who_signs[s.party] = (*who_signs.get(s.party, ()), s.name)
    pending_numbers = set(summary.pending_changes)
    pending = []
    for c in crs:
        if c.number not in pending_numbers:
            continue
        signed = tuple(Signed(x.name, x.party, x.on) for x in c.signatures if x.on <= as_of)
        valid = {x.party for x in c.signatures
                 if x.on <= as_of and rules.may_sign(x.party, x.role)}
        pending.append(PendingChange(
            number=c.number, doc_id=SheetRequest("cr", cr=c.number).doc_id(project.code),
            title=c.title, raised_on=c.raised_on,
            delta_pd=sum((rules.pd_of_milli(m) for _, m in c.deltas), Fraction(0)),
            delta_cost=sum((rules.pd_of_milli(m) * Fraction(rates.get(g, 0), 100)
                            for g, m in c.deltas), Fraction(0)),
            new_end=c.new_end, signed=signed,
            awaited=tuple((p, who_signs.get(p, ())) for p in ("vendor", "client")
                          if p not in valid)))

    steps = tuple(sorted(
        (BudgetStep(c.effective_on, c.number,
                    sum((rules.pd_of_milli(m) for _, m in c.deltas), Fraction(0)))
         for c in crs if c.status == rules.DOC_EFFECTIVE and c.effective_on is not None
         and c.effective_on <= as_of and c.deltas),
        key=lambda st: (st.on, st.number)))
    alerts = tuple(StatusAlert(a.kind, a.args) for a in ledger.alerts(summary))

    data = StatusSheetData(
        ladder=ledger.ladder(),
        as_of=as_of, currency=project.currency, start=project.start, sow_end=project.end,
        end=summary.end, working_days_total=summary.working_days_total,
        working_days_elapsed=summary.working_days_elapsed,
        forecast_end=summary.forecast_end,
        forecast_shift=_shift(cal, summary.end, summary.forecast_end),
        grades=tuple(GradeStatus(g.grade, rates.get(g.grade, 0), g.budget_pd, g.consumed_pd)
                     for g in summary.by_grade),
        overtime_pd=summary.overtime_pd, blocked_days=tuple(summary.blocked_days.items()),
        series=tuple(BurnPoint(r.on, r.budget_pd, r.remaining_pd, r.ideal_pd) for r in rows),
        steps=steps, open_blockers=open_blockers, pending=tuple(pending), alerts=alerts,
        quotas=summary.quotas, names=tuple((p.key, p.name) for p in ledger.people()),
        overdue=overdue, done_late=done_late, staff=staff)

    content = {
        "kind": "status", "project": project.code, "as_of": as_of.isoformat(),
        "summary": summary.to_json(),
        "burndown": [r.to_json() for r in rows],
        "open_blockers": [[b.number, b.party, b.raised_on.isoformat(), b.age_days]
                          for b in open_blockers],
        "pending_crs": [[p.number, [[x.name, x.party, x.on.isoformat()] for x in p.signed]]
                        for p in pending],
        # kind and arguments, never the sentence: rewording one changes no digest
        "alerts": [a.to_json() for a in alerts],
    }
    # only when there are some, so that a status content without them is what it was
    if overdue or done_late:
        content["obligations"] = {"overdue": [o.to_json() for o in overdue],
                                  "done_late": [o.to_json() for o in done_late]}
    if staff:
        content["staff_changes"] = [x.to_json() for x in staff]
    title = (f"项目状态报告（截至 {as_of}）" if request.language == "zh"
             else f"Status Report as of {as_of}")
    return SheetParts(title, content, data)


def signed_status(ledger: Ledger, request: SheetRequest) -> str:
    return _("a status report is not signed")
