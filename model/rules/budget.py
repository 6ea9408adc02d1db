"""Budget, end and quota limits as of a date, overtime, forecast, blocked and confirmed days."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from fractions import Fraction

from model.rules.facts import BlockerFact, ChangeFact, DaySums, DayTotal, LedgerFacts, QuotaFact
from model.rules.numbers import pd_of_milli
from model.rules.signoff import DOC_EFFECTIVE
from model.rules.vocabulary import FORECAST_HORIZON_YEARS, FORECAST_WINDOW, grade_order
from model.rules.workdays import Calendar


def overtime_of_day(minutes: int, working: bool, minutes_per_day: int) -> int:
    """SPEC §3, the one overtime rule: the overtime in one person's ``minutes`` on one day,
    all of them on a non-working day, those beyond a day's hours on a working day."""
    return max(0, minutes - minutes_per_day) if working else minutes


def day_sums(day_totals: Iterable[DayTotal], minutes_per_day: int) -> tuple[DaySums, ...]:
    """Per date, in date order: the minutes per grade, and each person's minutes beyond a
    day's hours (:func:`overtime_of_day` on a working day) summed over the people. This is
    what storage's GROUP BY computes (storage/figures.py; a property test holds them equal)."""
    per_person_day: dict[tuple[date, str], int] = defaultdict(int)
    by_grade: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for t in day_totals:
        per_person_day[(t.on, t.person)] += t.minutes
        by_grade[t.on][t.grade] += t.minutes
    beyond: dict[date, int] = defaultdict(int)
    for (on, _), minutes in per_person_day.items():
        beyond[on] += overtime_of_day(minutes, True, minutes_per_day)
    return tuple(DaySums(on, {g: m for g, m in grades.items() if m}, beyond[on])
                 for on, grades in sorted(by_grade.items()))


def daily(facts: LedgerFacts) -> tuple[DaySums, ...]:
    """The ledger's entries summed per date, in date order: those storage read, else
    :func:`day_sums` of its day totals."""
    if facts.sums is not None:
        return tuple(sorted(facts.sums, key=lambda d: d.on))
    return day_sums(facts.day_totals, facts.minutes_per_day)


def overtime_of_sums(days: Iterable[DaySums], cal: Calendar, minutes_per_day: int) -> int:
    """The overtime of every person's every day, from the per-date sums: on a working day
    the minutes beyond each person's day, on a non-working day :func:`overtime_of_day` of
    all of them (it is every minute there, so the sum over the people is that of the sum)."""
    return sum(d.beyond if cal.is_working(d.on)
               else overtime_of_day(d.minutes, False, minutes_per_day) for d in days)


def overtime_minutes(day_totals: Iterable[DayTotal], cal: Calendar,
                     minutes_per_day: int) -> int:
    """The overtime (:func:`overtime_of_day`) of every person's every day, summed."""
    return overtime_of_sums(day_sums(day_totals, minutes_per_day), cal, minutes_per_day)


def budget_at(baseline: Mapping[str, int], changes: Iterable[ChangeFact],
              d: date) -> dict[str, Fraction]:
    """PD per grade: baseline plus the deltas of every CR effective on or before d."""
    milli: dict[str, int] = defaultdict(int)
    for grade, value in baseline.items():
        milli[grade] += value
    for cr in changes:
        if cr.effective_by(d):
            for grade, value in cr.deltas.items():
                milli[grade] += value
    return {g: pd_of_milli(v) for g, v in milli.items()}


def end_at(sow_end: date, changes: Iterable[ChangeFact], d: date) -> date:
    """The project's end date as of d: the newest effective CR's new end, else the SOW's."""
    effective = [cr for cr in changes if cr.effective_by(d) and cr.new_end is not None]
    if not effective:
        return sow_end
    latest = max(effective, key=lambda cr: (cr.effective_on, cr.number))
    assert latest.new_end is not None
    return latest.new_end


def quota_limit_at(quota: QuotaFact, changes: Iterable[ChangeFact], d: date) -> int:
    return quota.limit + sum(cr.quota_deltas.get(quota.key, 0)
                             for cr in changes if cr.effective_by(d))


def ideal_at(budget: Fraction, total_days: int, elapsed_days: int) -> Fraction:
    """ideal(d) = budget(d) x (W - w(d)) / W."""
    if total_days == 0:
        return Fraction(0)
    return budget * (total_days - elapsed_days) / total_days


def forecast_end(cal: Calendar, start: date, as_of: date, remaining: Fraction,
                 pd_by_date: Mapping[date, Fraction]) -> date | None:
    """The date the remaining budget runs out at the recent burn rate, or None.

    rate = PD dated on the last 10 working days up to as_of (fewer if fewer have
    elapsed since start) / that number of days.
    """
    window = cal.working_days(start, as_of)[-FORECAST_WINDOW:]
    if not window:
        return None
    rate = sum((pd_by_date.get(d, Fraction(0)) for d in window), Fraction(0)) / len(window)
    if rate <= 0:
        return None
    if remaining <= 0:
        return as_of
    # A trickle of hours against a large budget would put the end thousands of years out
    # (and past 9999-12-31, which no date holds): beyond the horizon there is no forecast.
    horizon = date(min(as_of.year + FORECAST_HORIZON_YEARS, date.max.year), 12, 31)
    return cal.nth_working_day_after(as_of, math.ceil(remaining / rate), horizon)


def blocked_days(blockers: Iterable[BlockerFact], cal: Calendar, as_of: date) -> dict[str, int]:
    """Per party, distinct working days on which one of its blockers was open.

    A blocker is open on d when raised <= d < resolved, or raised <= d <= as_of
    while it is still open (or resolved after as_of).
    """
    days: dict[str, set[date]] = {p: set() for p in ("client", "vendor")}
    for b in blockers:
        if b.raised_on > as_of:
            continue
        if b.resolved_on is not None and b.resolved_on <= as_of:
            if b.resolved_on == date.min:
                continue  # resolved on the first day there is: open on no day
            last = b.resolved_on - timedelta(days=1)
        else:
            last = as_of
        days.setdefault(b.party, set()).update(cal.working_days(b.raised_on, last))
    return {p: len(ds) for p, ds in days.items()}


def working_days_open(cal: Calendar, raised_on: date, resolved_on: date | None,
                      as_of: date) -> int:
    """A blocker's age in working days (raised..as_of, or until resolved)."""
    if resolved_on and resolved_on <= as_of:
        if resolved_on == date.min:
            return 0  # resolved on the first day there is
        return cal.count(raised_on, resolved_on - timedelta(days=1))
    return cal.count(raised_on, as_of)


# ---------------------------------------------------------------- confirmed hours


def confirmed_spans(periods: Iterable[tuple[date | None, date | None, str]]
                    ) -> tuple[tuple[date, date], ...]:
    """The (first, last) days of the timesheet periods signed by both parties, from
    (first, last, status) triples: only these confirm the hours logged in them (a period
    signed by one party, withdrawn or open confirms nothing)."""
    return tuple(sorted((first, last) for first, last, status in periods
                        if status == DOC_EFFECTIVE and first is not None and last is not None))


def is_confirmed(on: date, spans: Iterable[tuple[date, date]]) -> bool:
    """Whether the hours logged on ``on`` are confirmed: a period signed by both parties
    (:func:`confirmed_spans`) covers the day."""
    return any(first <= on <= last for first, last in spans)


def unconfirmed_minutes(days: Iterable[DaySums],
                        spans: Iterable[tuple[date, date]]) -> dict[str, int]:
    """Per grade, the minutes logged on days no period signed by both parties covers
    (every grade with hours logged appears, with 0 when all of them are confirmed)."""
    spans = tuple(spans)
    out: dict[str, int] = {}
    for day in days:
        confirmed = is_confirmed(day.on, spans)
        for grade, minutes in day.by_grade.items():
            out[grade] = out.get(grade, 0) + (0 if confirmed else minutes)
    return dict(sorted(out.items(), key=lambda kv: (grade_order(kv[0]), kv[0])))
