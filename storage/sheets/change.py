"""The change request form: the CR, its cost, and the budget before and after."""

from __future__ import annotations

from fractions import Fraction

from model import rules
from model.sheet_change import ChangeSheetData, GradeChange, QuotaChange
from model.sheets import SheetRequest
from storage.services import Ledger
from storage.sheets import SheetParts, signatories


def build(ledger: Ledger, request: SheetRequest) -> SheetParts:
    cr = ledger.change_request(str(request.cr))
    facts = ledger.facts()
    others = [c for c in facts.changes if c.number != cr.number]
    project = ledger.project()
    # "Before" is the day before it took effect, or today while it is pending.
    assert request.printed_on is not None  # build_sheet fills it in
    as_of = rules.shift(cr.effective_on, -1) if cr.effective_on else request.printed_on
    before = rules.budget_at(facts.baseline, others, as_of)
    deltas = {g: rules.pd_of_milli(m) for g, m in cr.deltas}
    rates = ledger.rates()
    grades = sorted(set(before) | set(deltas), key=rules.grade_order)
    quotas = {q.key: q for q in facts.quotas}
    end_before = rules.end_at(facts.end, others, as_of)
    end_after = cr.new_end or end_before
    cal = facts.calendar
    data = ChangeSheetData(
        cr=cr, currency=project.currency, as_of=as_of,
        grades=tuple(GradeChange(g, before.get(g, Fraction(0)), deltas.get(g, Fraction(0)),
                                 rates.get(g, 0)) for g in grades
                     if before.get(g) or deltas.get(g)),
        quotas=tuple(QuotaChange(k, quotas[k].title if k in quotas else k,
                                 rules.quota_limit_at(quotas[k], others, as_of)
                                 if k in quotas else 0, n) for k, n in cr.quota_deltas),
        end_before=end_before, end_after=end_after,
        working_days_before=cal.count(facts.start, end_before),
        working_days_after=cal.count(facts.start, end_after))
    title = "变更申请单" if request.language == "zh" else "Change Request Form"
    return SheetParts(f"{title} {cr.number}", ledger.change_content(cr.number), data,
                      signatories(ledger, cr.signatures))


def signed_status(ledger: Ledger, request: SheetRequest) -> str:
    cr = ledger.change_request(str(request.cr))
    who = ", ".join(f"{s.name} ({s.party}) {s.on}" for s in cr.signatures) or "nobody"
    if cr.status == rules.DOC_EFFECTIVE:
        return f"{cr.number} is effective since {cr.effective_on}: signed by {who}"
    if cr.status == rules.DOC_WITHDRAWN:
        return f"{cr.number} was withdrawn (signed by {who})"
    return f"{cr.number} is pending: signed by {who}"
