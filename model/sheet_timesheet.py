"""The figures of a printed timesheet confirmation (工时确认单).

Everything here is tabulated from the canonical content of the period (the entries a
period's signatures cover, see ``Ledger.period_content``), so that the printed figures
are, provably, those the sheet's SHA-256 covers. Time stays in integer minutes; PD and
hours are derived only for display.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from model.rules import RoundedTable, overtime_of_day, pd_of_minutes, round_table
from model.rules.grades import DEFAULT_LADDER, Ladder
from model.views import SignoffView


@dataclass(frozen=True)
class PersonHours:
    """One person's row: minutes per day, and the overtime in them."""

    key: str
    name: str
    grades: tuple[str, ...]  # grades charged in the period (the current one if none)
    minutes: Mapping[date, int]  # days with entries only
    overtime: Mapping[date, int]  # days with overtime only

    @property
    def total_minutes(self) -> int:
        return sum(self.minutes.values())

    @property
    def overtime_minutes(self) -> int:
        return sum(self.overtime.values())

    @property
    def days_worked(self) -> int:
        return len(self.minutes)


@dataclass(frozen=True)
class GradeHours:
    grade: str
    people: int  # distinct people charged at this grade in the period
    minutes: int


@dataclass(frozen=True)
class Charge:
    """One person's minutes at one grade in the period, and the grade's day rate: a row
    of the amounts a timesheet confirmation carries when billing is ``actual``."""

    key: str
    name: str
    grade: str
    minutes: int
    rate_minor: int  # the grade's day rate, hundredths (0 when the rate card has none)
    minutes_per_day: int

    @property
    def pd(self) -> Fraction:
        return pd_of_minutes(self.minutes, self.minutes_per_day)

    @property
    def rate(self) -> Fraction:
        return Fraction(self.rate_minor, 100)

    @property
    def amount(self) -> Fraction:
        """PD × day rate, exactly (rounded only when printed)."""
        return self.pd * self.rate


@dataclass(frozen=True)
class TimesheetSection:
    """One confirmation: the whole team, or one person (``person``)."""

    person: str | None
    rows: tuple[PersonHours, ...]
    grades: tuple[GradeHours, ...]
    day_minutes: Mapping[date, int]  # everybody in the section, days with entries only
    charges: tuple[Charge, ...] = ()  # billing = actual: each person's PD, rate and amount

    @property
    def total_minutes(self) -> int:
        return sum(r.total_minutes for r in self.rows)

    @property
    def overtime_minutes(self) -> int:
        return sum(r.overtime_minutes for r in self.rows)


def charges(entries: Iterable[Sequence], people: Sequence[tuple[str, str, str | None]],
            rates: Mapping[str, int], minutes_per_day: int,
            person: str | None = None, ladder: Ladder = DEFAULT_LADDER) -> tuple[Charge, ...]:
    """Per person and grade charged, from period content entries ``[date, person, task,
    minutes, grade, note]``: PD and the amount at the grade's day rate. People in the
    order of ``people`` (key, name, grade), then anyone else with entries; a person
    charged at two grades in the period (a grade change) has a row for each."""
    minutes: dict[tuple[str, str], int] = defaultdict(int)
    for _on, key, _task, m, grade, _note in entries:
        if person is None or key == person:
            minutes[(key, grade)] += m
    names = {k: n for k, n, _ in people}
    order = {k: i for i, (k, _, _) in enumerate(people)}
    keys = sorted(minutes, key=lambda kg: (order.get(kg[0], len(order)), kg[0],
                                           ladder.order(kg[1])))
    return tuple(Charge(k, names.get(k, k), g, minutes[(k, g)], rates.get(g, 0),
                        minutes_per_day) for k, g in keys)


@dataclass(frozen=True)
class TimesheetData:
    first: date
    last: date
    minutes_per_day: int
    working: frozenset[date]  # working days in first..last
    sections: tuple[TimesheetSection, ...]
    sow_start: date
    sow_end: date  # as of today, after effective change requests
    #: the live sign-off with exactly these dates (on one person's sheet: the signed
    #: confirmation it details; its signatures cover the whole period's digest)
    period: SignoffView | None = None
    person_titles: Mapping[str, str] = field(default_factory=dict)
    billing: str = "actual"  # actual: the sheet carries PD × rate per person; fixed: no money
    currency: str = "CNY"
    tax_rate: Fraction | None = None  # the SOW's, for the amounts' note
    prices_include_tax: bool = True
    #: the project's grade ladder: its grades' labels and order (SPEC §9)
    ladder: Ladder = DEFAULT_LADDER

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    def pd(self, minutes: int) -> Fraction:
        return pd_of_minutes(minutes, self.minutes_per_day)


def tabulate(entries: Iterable[Sequence], people: Sequence[tuple[str, str, str | None]],
             working: frozenset[date], minutes_per_day: int,
             person: str | None = None, ladder: Ladder = DEFAULT_LADDER) -> TimesheetSection:
    """A section from period content entries ``[date, person, task, minutes, grade, note]``.

    ``people`` are (key, name, current grade) in the order to print; each appears as
    a row (with zeros when they logged nothing) together with anyone else who has entries.
    """
    by_person: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    charged: dict[str, set[str]] = defaultdict(set)
    grade_minutes: dict[str, int] = defaultdict(int)
    grade_people: dict[str, set[str]] = defaultdict(set)
    for on, key, _task, minutes, grade, _note in entries:
        if person is not None and key != person:
            continue
        day = date.fromisoformat(on) if isinstance(on, str) else on
        by_person[key][day] += minutes
        charged[key].add(grade)
        grade_minutes[grade] += minutes
        grade_people[grade].add(key)
    known = {k for k, _, _ in people}
    listed = list(people) + [(k, k, None) for k in sorted(by_person) if k not in known]
    rows = []
    day_minutes: dict[date, int] = defaultdict(int)
    for key, name, grade in listed:
        if person is not None and key != person:
            continue
        days = dict(sorted(by_person.get(key, {}).items()))
        overtime = {d: ot for d, m in days.items()
                    if (ot := overtime_of_day(m, d in working, minutes_per_day))}
        for d, m in days.items():
            day_minutes[d] += m
        grades = tuple(sorted(charged.get(key) or ({grade} if grade else set()),
                              key=ladder.sort_key))
        rows.append(PersonHours(key, name, grades, days, overtime))
    grades = tuple(GradeHours(g, len(grade_people[g]), grade_minutes[g])
                   for g in sorted(grade_minutes, key=ladder.sort_key))
    return TimesheetSection(person, tuple(rows), grades, dict(sorted(day_minutes.items())))


def hours_grid(section: TimesheetSection, days: Sequence[date]) -> RoundedTable:
    """Hours per person (rows) and day (columns) as a timesheet shows them, 2 decimals,
    footed both ways (controlled rounding): each person's cells add up to their subtotal,
    each day's cells to the day's total, and both to the table's total. The printed sheet
    and the spreadsheet export both show this grid."""
    return round_table([[Fraction(person.minutes.get(d, 0), 60) for d in days]
                        for person in section.rows], 2)
