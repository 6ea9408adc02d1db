"""The figures of a printed work plan, the scope document (需求范围确认, SCOPE-001): tasks,
estimates, priorities, deliverables, allocations, budget, ideal burn-down.

A plan is what the ledger holds now: the tasks with their estimates and allocations, the
baseline, the budget after every effective change request and the end date after them.
It has no consumption (that is the status report's business), so that its digest
changes only when the plan does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from model.rules import PRIORITIES, ideal_at, month_end, pd_of_milli
from model.rules.capacity import over_capacity
from model.rules.grades import DEFAULT_LADDER, Ladder


@dataclass(frozen=True)
class PlanAssignee:
    key: str
    name: str
    grade: str | None
    planned_milli: int | None  # None: assigned without planned PD


@dataclass(frozen=True)
class PlanTask:
    code: str
    title: str
    estimate_milli: int
    priority: str
    status: str
    assignees: tuple[PlanAssignee, ...]

    @property
    def planned_milli(self) -> int:
        return sum(a.planned_milli or 0 for a in self.assignees)


@dataclass(frozen=True)
class PersonPlan:
    key: str
    name: str
    grade: str | None
    tasks: tuple[tuple[str, int | None], ...]  # (task code, planned milli-PD)
    capacity_days: int | None = None  # active working days minus days away (SPEC §9)

    @property
    def planned_milli(self) -> int:
        return sum(m or 0 for _, m in self.tasks)

    @property
    def over(self) -> bool:
        """Allocated over their capacity (marked ▲ on the plan)."""
        return self.capacity_days is not None and over_capacity(self.planned_milli,
                                                                self.capacity_days)


@dataclass(frozen=True)
class GradePlan:
    grade: str
    baseline_milli: int
    budget_milli: int  # baseline + every effective CR's delta
    planned_milli: int  # allocations of people holding this grade now

    @property
    def spare_milli(self) -> int:
        return self.budget_milli - self.planned_milli


@dataclass(frozen=True)
class Milestone:
    on: date
    kind: str  # start | month_end | sow_end | end
    elapsed: int  # working days start..on
    ideal: Fraction  # ideal remaining PD at the end of that day (start: before any work)


@dataclass(frozen=True)
class PlanDeliverable:
    key: str
    title: str
    criteria: str
    due: date | None
    kind: str | None  # "training": the knowledge transfer


@dataclass(frozen=True)
class ScopeState:
    """The scope document the plan is (SPEC §9): its number and how far it is signed."""

    number: str  # SCOPE-001
    status: str  # open | signing | effective
    effective_on: date | None = None


@dataclass(frozen=True)
class PlanData:
    start: date
    sow_end: date
    end: date  # after every effective change request
    working_days: tuple[date, ...]  # start..end
    tasks: tuple[PlanTask, ...]  # by priority, then code
    people: tuple[PersonPlan, ...]
    grades: tuple[GradePlan, ...]
    milestones: tuple[Milestone, ...]
    effective_crs: tuple[tuple[str, date], ...]  # (number, effective on)
    end_crs: tuple[str, ...]  # effective CRs that moved the end date
    #: the project's grade ladder: its grades' labels and order (SPEC §9)
    ladder: Ladder = DEFAULT_LADDER
    deliverables: tuple[PlanDeliverable, ...] = ()
    scope: ScopeState = ScopeState("SCOPE-001", "open")

    @property
    def budget_pd(self) -> Fraction:
        return pd_of_milli(sum(g.budget_milli for g in self.grades))

    @property
    def baseline_pd(self) -> Fraction:
        return pd_of_milli(sum(g.baseline_milli for g in self.grades))

    @property
    def estimate_pd(self) -> Fraction:
        return pd_of_milli(sum(t.estimate_milli for t in self.tasks))

    @property
    def planned_pd(self) -> Fraction:
        return pd_of_milli(sum(t.planned_milli for t in self.tasks))


def priority_order(task: PlanTask) -> tuple[int, str]:
    rank = PRIORITIES.index(task.priority) if task.priority in PRIORITIES else len(PRIORITIES)
    return rank, task.code


def milestones(working_days: list[date], start: date, sow_end: date, end: date,
               budget: Fraction) -> list[Milestone]:
    """Start, each month's last day before the end, the SOW's end if a CR moved it, the end:
    distinct dates, in order (a date that is two of them is listed once, as the first of
    start, end, SOW end, month's end).

    The ideal remaining at a date is SPEC §3's ideal(d) = budget x (W - w(d)) / W, at the
    end of that day; at the start it is the whole budget (no day has elapsed yet).
    """
    total = len(working_days)
    index = {d: i for i, d in enumerate(working_days, start=1)}

    def elapsed(d: date) -> int:
        # working days in start..d (d need not be a working day)
        n = 0
        for w in working_days:
            if w > d:
                break
            n = index[w]
        return n

    out = [Milestone(start, "start", 0, budget)]
    last = month_end(start)
    while last < end:  # so last + 1 day is still a date
        w = elapsed(last)
        out.append(Milestone(last, "month_end", w, ideal_at(budget, total, w)))
        last = month_end(last + timedelta(days=1))
    if sow_end != end:
        w = elapsed(sow_end)
        out.append(Milestone(sow_end, "sow_end", w, ideal_at(budget, total, w)))
    out.append(Milestone(end, "end", elapsed(end), ideal_at(budget, total, elapsed(end))))
    # one milestone a date: the start, the end and the SOW's end outrank a month's end
    # (a project ending on 08-31 has its end there, not "end of August" as well)
    rank = {"start": 0, "end": 1, "sow_end": 2, "month_end": 3}
    by_day: dict[date, Milestone] = {}
    for m in out:
        if m.on not in by_day or rank[m.kind] < rank[by_day[m.on].kind]:
            by_day[m.on] = m
    return sorted(by_day.values(), key=lambda m: m.on)
