"""The change request form: the CR, its cost, and the budget before and after."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from model import rules
from model.i18n import _
from model.sheet_change import ChangeSheetData, GradeChange, QuotaChange
from model.sheets import SheetRequest
from storage.services import Ledger
from storage.sheets.parts import SheetParts, signatories, signed_by


def earlier_changes(ledger: Ledger, number: str,
                    printed_on: date) -> tuple[list[rules.ChangeFact], rules.LedgerFacts]:
    """The CRs in effect just before CR ``number`` took effect: every CR that took effect
    earlier (an earlier day, or earlier the same day: Ledger.effective_order), not
    withdrawn. A CR not yet effective comes after every CR in effect on ``printed_on``."""
    facts = ledger.facts()
    order = ledger.effective_order()
    if number in order:
        earlier = set(order[:order.index(number)])
        return [c for c in facts.changes if c.number in earlier], facts
    return [c for c in facts.changes
            if c.number != number and c.effective_by(printed_on)], facts


def build(ledger: Ledger, request: SheetRequest) -> SheetParts[ChangeSheetData]:
    cr = ledger.change_request(str(request.cr))
    assert request.printed_on is not None  # build_sheet fills it in
    earlier, facts = earlier_changes(ledger, cr.number, request.printed_on)
    project = ledger.project()
    # "Before": the budget just before it took effect, or in effect on the day printed
    # while it is pending; every CR in ``earlier`` is in effect by then.
    as_of = cr.effective_on or request.printed_on
    before = rules.budget_at(facts.baseline, earlier, date.max)
    deltas = {g: rules.pd_of_milli(m) for g, m in cr.deltas}
    rates = ledger.rates()
    grades = sorted(set(before) | set(deltas), key=facts.ladder.sort_key)
    quotas = {q.key: q for q in facts.quotas}
    end_before = rules.end_at(facts.end, earlier, date.max)
    end_after = cr.new_end or end_before
    cal = facts.calendar
    names = {p.key: p.name for p in ledger.people()}
    data = ChangeSheetData(
        cr=cr, currency=project.currency, as_of=as_of,
        grades=tuple(GradeChange(g, before.get(g, Fraction(0)), deltas.get(g, Fraction(0)),
                                 rates.get(g, 0)) for g in grades
                     if before.get(g) or deltas.get(g)),
        quotas=tuple(QuotaChange(k, quotas[k].title if k in quotas else k,
                                 rules.quota_limit_at(quotas[k], earlier, date.max)
                                 if k in quotas else 0, n) for k, n in cr.quota_deltas),
        end_before=end_before, end_after=end_after,
        working_days_before=cal.count(facts.start, end_before),
        working_days_after=cal.count(facts.start, end_after),
        raised_by_name=names.get(cr.raised_by or "", cr.raised_by or ""),
        ladder=facts.ladder)
    title = "变更申请单" if request.language == "zh" else "Change Request Form"
    return SheetParts(f"{title} {cr.number}", ledger.change_content(cr.number), data,
                      signatories(ledger, cr.signatures))


def signed_status(ledger: Ledger, request: SheetRequest) -> str:
    cr = ledger.change_request(str(request.cr))
    who = signed_by(cr.signatures)
    if cr.status == rules.DOC_EFFECTIVE:
        return _("{number} is effective since {on}: signed by {who}").format(
            number=cr.number, on=cr.effective_on, who=who)
    if cr.status == rules.DOC_WITHDRAWN:
        return _("{number} was withdrawn (signed by {who})").format(number=cr.number, who=who)
    return _("{number} is pending: signed by {who}").format(number=cr.number, who=who)
