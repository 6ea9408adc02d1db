"""The scope document (需求范围确认, SCOPE-001): tasks, estimates, priorities, deliverables,
allocations, budget per grade, ideal burn-down, and the scope's signatures (SPEC §9).

The signature blocks carry the dates of the scope's signatures once they are in the ledger
(``signoff scope``); the digest lets ``sowtrack verify`` tell whether the plan changed since.
"""

from __future__ import annotations

from datetime import date

from model import rules
from model.i18n import _
from model.sheet_plan import (
    GradePlan,
    PersonPlan,
    PlanAssignee,
    PlanData,
    PlanDeliverable,
    PlanTask,
    ScopeState,
    milestones,
    priority_order,
)
from model.sheets import SheetRequest
from storage.services import Ledger
from storage.sheets.parts import SheetParts, signatories, signed_by

TITLES = {"zh": "需求范围确认（{number}）", "en": "Scope Confirmation ({number})"}


def _scope(ledger: Ledger) -> tuple[ScopeState, tuple]:
    """The live scope document (or the number the next one takes) and its signatures."""
    live = ledger.scope_signoff()
    if live is not None:
        return ScopeState(live.number, live.status, live.effective_on), live.signatures
    raised = sum(1 for v in ledger.signoffs() if v.kind == "scope")
    return ScopeState(f"{rules.SCOPE_PREFIX}-{raised + 1:03d}", rules.DOC_OPEN), ()


def build(ledger: Ledger, request: SheetRequest) -> SheetParts[PlanData]:
    project = ledger.project()
    people = {p.key: p for p in ledger.people()}
    baseline = dict(ledger.export_sow().baseline)
    changes = [rules.ChangeFact(
        number=c.number, raised_on=c.raised_on, withdrawn=c.status == rules.DOC_WITHDRAWN,
        effective_on=c.effective_on if c.status == rules.DOC_EFFECTIVE else None,
        deltas=_sum_deltas(c.deltas), new_end=c.new_end) for c in ledger.change_requests()]
    effective = [c for c in changes if c.effective_by(date.max)]
    # "Now" is as the ledger holds it: every effective change request counts.
    budget = {g: int(v * 1000) for g, v in rules.budget_at(baseline, changes, date.max).items()}
    cal, start, end = ledger.calendar()
    working = cal.working_days(start, end)

    tasks = []
    for t in ledger.tasks():
        tasks.append(PlanTask(t.code, t.title, t.estimate_milli, t.priority, t.status, tuple(
            PlanAssignee(k, people[k].name if k in people else k,
                         people[k].grade if k in people else None, m) for k, m in t.assignees)))
    tasks.sort(key=priority_order)

    allocated: dict[str, list[tuple[str, int | None]]] = {}
    for t in tasks:
        for a in t.assignees:
            allocated.setdefault(a.key, []).append((t.code, a.planned_milli))
    capacity = {w.person: w.capacity_days for w in ledger.workloads()}
    plan_people = tuple(PersonPlan(k, p.name, p.grade, tuple(allocated.get(k, ())),
                                   capacity.get(k))
                        for k, p in people.items()
                        if k in allocated or (p.party == "vendor" and p.grade))
    planned: dict[str, int] = {}
    for pp in plan_people:
        if pp.grade:
            planned[pp.grade] = planned.get(pp.grade, 0) + pp.planned_milli
    ladder = ledger.ladder()
    grades = tuple(GradePlan(g, baseline.get(g, 0), budget.get(g, 0), planned.get(g, 0))
                   for g in sorted(set(baseline) | set(budget) | set(planned),
                                   key=ladder.sort_key))
    total_budget = rules.pd_of_milli(sum(budget.values()))
    scope, signed = _scope(ledger)
    deliverables = tuple(PlanDeliverable(d.key, d.title, d.criteria, d.due, d.kind)
                         for d in ledger.deliverables())
    data = PlanData(
        start=start, sow_end=project.end, end=end, working_days=tuple(working),
        tasks=tuple(tasks), people=plan_people, grades=grades,
        milestones=tuple(milestones(working, start, project.end, end, total_budget)),
        effective_crs=tuple((c.number, c.effective_on) for c in effective
                            if c.effective_on is not None),
        end_crs=tuple(c.number for c in effective if c.new_end is not None), ladder=ladder,
        deliverables=deliverables, scope=scope)
    content = {
        "kind": "plan", "project": project.code,
        "tasks": [{"code": t.code, "title": t.title, "estimate_milli": t.estimate_milli,
                   "priority": t.priority, "status": t.status,
                   "assignees": [[a.key, a.planned_milli] for a in t.assignees]}
                  for t in sorted(tasks, key=lambda t: t.code)],
        # The grades the per-grade plan is drawn from (people's grades now).
        "grades": {pp.key: pp.grade for pp in plan_people},
        # Each person's capacity (SPEC §9), against which an over-allocation is marked.
        "capacity_days": {pp.key: pp.capacity_days for pp in plan_people},
        "baseline_milli": dict(sorted(baseline.items())),
        "budget_milli": dict(sorted(budget.items())),
        "effective_crs": [c.number for c in effective],
        "start": start.isoformat(), "sow_end": project.end.isoformat(),
        "end": end.isoformat(), "working_days": len(working),
        "deliverables": [[d.key, d.title, d.criteria, d.due.isoformat() if d.due else None,
                          d.kind] for d in deliverables],
        "scope": {"number": scope.number, "status": scope.status,
                  "effective_on": scope.effective_on.isoformat() if scope.effective_on
                  else None, "signatures": [[s.person, s.on.isoformat()] for s in signed]},
    }
    title = TITLES.get(request.language or "", TITLES["en"]).format(number=scope.number)
    return SheetParts(title, content, data, signatories(ledger, signed))


def _sum_deltas(deltas: tuple[tuple[str, int], ...]) -> dict[str, int]:
    out: dict[str, int] = {}
    for grade, milli in deltas:
        out[grade] = out.get(grade, 0) + milli
    return out


def signed_status(ledger: Ledger, request: SheetRequest) -> str:
    scope = ledger.scope_signoff()
    if scope is None or not scope.signatures:
        return _("the scope of {code} is not signed (signoff scope); the digest tells "
                 "whether the plan changed since it was printed").format(
            code=ledger.project().code)
    who = signed_by(scope.signatures)
    if scope.status == rules.DOC_EFFECTIVE:
        return _("the scope {number} was signed by both parties on {on} ({who})").format(
            number=scope.number, on=scope.effective_on, who=who)
    return _("the scope {number} is signed by one party: {who}; awaiting the other "
             "party").format(number=scope.number, who=who)
