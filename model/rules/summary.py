"""The project's figures as of a date: budget, consumed, cost, forecast per grade; the burn-down."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from model.rules.budget import (
    blocked_days,
    budget_at,
    daily,
    end_at,
    forecast_end,
    ideal_at,
    overtime_of_sums,
    quota_limit_at,
)
from model.rules.facts import ChangeFact, DaySums, LedgerFacts
from model.rules.grades import DEFAULT_LADDER, Ladder
from model.rules.numbers import pd_of_milli, pd_of_minutes, round_money, round_pd
from model.rules.obligations import obligation_blockers


@dataclass(frozen=True)
class GradeFigures:
    grade: str
    budget_pd: Fraction
    consumed_pd: Fraction

    @property
    def remaining_pd(self) -> Fraction:
        return self.budget_pd - self.consumed_pd


@dataclass(frozen=True)
class Summary:
    """The figures of SPEC.md §3 as of one date, exact."""

    code: str
    as_of: date
    currency: str
    end: date
    by_grade: tuple[GradeFigures, ...]
    overtime_pd: Fraction
    budget_cost: Fraction
    consumed_cost: Fraction
    blocked_days: Mapping[str, int]
    working_days_total: int
    working_days_elapsed: int
    forecast_end: date | None
    quotas: tuple[tuple[str, str, int, int], ...]  # key, title, limit, used
    effective_changes: tuple[str, ...]
    pending_changes: tuple[str, ...]
    #: the project's grade ladder (SPEC §9): by_grade is in its order, labels from it
    ladder: Ladder = DEFAULT_LADDER

    @property
    def budget_pd(self) -> Fraction:
        return sum((g.budget_pd for g in self.by_grade), Fraction(0))

    @property
    def consumed_pd(self) -> Fraction:
        return sum((g.consumed_pd for g in self.by_grade), Fraction(0))

    @property
    def remaining_pd(self) -> Fraction:
        return self.budget_pd - self.consumed_pd

    def to_json(self) -> dict:
        """The JSON of ``report summary --json`` (SPEC.md §6)."""
        return {
            "project": self.code,
            "as_of": self.as_of.isoformat(),
            "budget_pd": float(round_pd(self.budget_pd)),
            "consumed_pd": float(round_pd(self.consumed_pd)),
            "remaining_pd": float(round_pd(self.remaining_pd)),
            "overtime_pd": float(round_pd(self.overtime_pd)),
            "by_grade": {
                g.grade: {
                    "budget_pd": float(round_pd(g.budget_pd)),
                    "consumed_pd": float(round_pd(g.consumed_pd)),
                    "remaining_pd": float(round_pd(g.remaining_pd)),
                }
                for g in self.by_grade
            },
            "cost": {
                "budget": float(round_money(self.budget_cost)),
                "consumed": float(round_money(self.consumed_cost)),
                "currency": self.currency,
            },
            "blocked_days": dict(self.blocked_days),
            "working_days": {"total": self.working_days_total,
                             "elapsed": self.working_days_elapsed},
            "forecast_end": self.forecast_end.isoformat() if self.forecast_end else None,
            "quotas": {key: {"limit": limit, "used": used}
                       for key, _, limit, used in self.quotas},
            "change_requests": {"effective": list(self.effective_changes),
                                "pending": list(self.pending_changes)},
        }


def _consumed_by_grade(to_date: list[DaySums], minutes_per_day: int) -> dict[str, Fraction]:
    minutes: dict[str, int] = defaultdict(int)
    for day in to_date:
        for grade, m in day.by_grade.items():
            minutes[grade] += m
    return {g: pd_of_minutes(m, minutes_per_day) for g, m in minutes.items() if m}


def _cost(pd_by_grade: Mapping[str, Fraction], rates: Mapping[str, int]) -> Fraction:
    return sum((pd * Fraction(rates.get(g, 0), 100) for g, pd in pd_by_grade.items()),
               Fraction(0))


def summarize(facts: LedgerFacts, as_of: date) -> Summary:
    """Every figure of ``report summary`` as of ``as_of``."""
    cal = facts.calendar
    budget = budget_at(facts.baseline, facts.changes, as_of)
    # a few thousand per-date sums at most (storage's GROUP BY), whatever the entries
    to_date = [day for day in daily(facts) if day.on <= as_of]
    consumed = _consumed_by_grade(to_date, facts.minutes_per_day)
    grades = sorted({g for g, v in budget.items() if v != 0} | set(consumed),
                    key=facts.ladder.sort_key)
    by_grade = tuple(GradeFigures(g, budget.get(g, Fraction(0)), consumed.get(g, Fraction(0)))
                     for g in grades)
    end = end_at(facts.end, facts.changes, as_of)
    total_days = cal.count(facts.start, end)
    elapsed = cal.count(facts.start, min(as_of, end))

    pd_by_date = {day.on: pd_of_minutes(day.minutes, facts.minutes_per_day)
                  for day in to_date}
    remaining = sum(budget.values(), Fraction(0)) - sum(consumed.values(), Fraction(0))

    quotas = []
    for q in facts.quotas:
        used = sum(n for on, n in q.uses if on <= as_of)
        quotas.append((q.key, q.title, quota_limit_at(q, facts.changes, as_of), used))

    live = [cr for cr in facts.changes if cr.raised_on <= as_of and not cr.withdrawn]
    return Summary(
        code=facts.code,
        as_of=as_of,
        currency=facts.currency,
        end=end,
        by_grade=by_grade,
        overtime_pd=pd_of_minutes(overtime_of_sums(to_date, cal, facts.minutes_per_day),
                                  facts.minutes_per_day),
        budget_cost=_cost(budget, facts.rates),
        consumed_cost=_cost(consumed, facts.rates),
        # Late client obligations are client blockers (SPEC §9), counted by the same
        # function so that a day blocked twice counts once.
        blocked_days=blocked_days(
            [*facts.blockers, *obligation_blockers(facts.obligations, cal, facts.start)],
            cal, as_of),
        working_days_total=total_days,
        working_days_elapsed=elapsed,
        forecast_end=forecast_end(cal, facts.start, as_of, remaining, pd_by_date),
        quotas=tuple(quotas),
        effective_changes=tuple(cr.number for cr in live if cr.effective_by(as_of)),
        pending_changes=tuple(cr.number for cr in live if not cr.effective_by(as_of)),
        ladder=facts.ladder,
    )


@dataclass(frozen=True)
class BurndownRow:
    on: date
    budget_pd: Fraction
    consumed_pd: Fraction | None
    ideal_pd: Fraction

    @property
    def remaining_pd(self) -> Fraction | None:
        return None if self.consumed_pd is None else self.budget_pd - self.consumed_pd

    def to_json(self) -> dict:
        def opt(v: Fraction | None) -> float | None:
            return None if v is None else float(round_pd(v))

        return {"date": self.on.isoformat(), "budget_pd": float(round_pd(self.budget_pd)),
                "consumed_pd": opt(self.consumed_pd), "remaining_pd": opt(self.remaining_pd),
                "ideal_pd": float(round_pd(self.ideal_pd))}


def burndown(facts: LedgerFacts, as_of: date) -> list[BurndownRow]:
    """One row per working day from start to the end (as of ``as_of``).

    Rows after ``as_of`` carry no consumption, and their budget is the budget
    as of ``as_of``: the burn-down shows what was known on that date.
    """
    cal = facts.calendar
    end = end_at(facts.end, facts.changes, as_of)
    days = cal.working_days(facts.start, end)
    total = len(days)
    ordered = [(day.on, day.minutes) for day in daily(facts)]
    rows = []
    cumulative = 0
    i = 0
    for n, d in enumerate(days, start=1):
        while i < len(ordered) and ordered[i][0] <= d:
            cumulative += ordered[i][1]
            i += 1
        # Seen from as_of: a CR that took effect later is not known yet (as in the summary).
        budget = sum(budget_at(facts.baseline, facts.changes, min(d, as_of)).values(),
                     Fraction(0))
        consumed = pd_of_minutes(cumulative, facts.minutes_per_day) if d <= as_of else None
        rows.append(BurndownRow(d, budget, consumed, ideal_at(budget, total, n)))
    return rows


def budget_if_signed(summary: Summary, change: ChangeFact) -> dict[str, tuple[Fraction, Fraction]]:
    """Per grade touched by ``change``, in the project's ladder order: (budget now, budget
    once it takes effect)."""
    now = {g.grade: g.budget_pd for g in summary.by_grade}
    out = {}
    order = summary.ladder.sort_key
    for grade, milli in sorted(change.deltas.items(), key=lambda kv: order(kv[0])):
        before = now.get(grade, Fraction(0))
        out[grade] = (before, before + pd_of_milli(milli))
    return out
