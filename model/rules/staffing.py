"""People come and go (SPEC §9): a person's active days, days away, capacity, notice.

A person is *active* from their first day (``from``; the SOW's start for a person of
the SOW file who names none) to their last working day (``leave``), both included,
except on their days away (请假). Entries outside those days are refused: the decision
is :func:`inactive_reason`, and :func:`check_active` words it as a refusal of the
entry's date. A person's *capacity* is their active working days minus their working
days away, in person-days. A vendor change (a person added, leaving or replaced)
recorded with fewer working days of notice than ``[project] staff_change_notice`` is
allowed, and alerted (:func:`notice_days`, :func:`short_notice`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from model.errors import Ref, refused
from model.i18n import N_, _, language
from model.rules.workdays import Calendar, shift


@dataclass(frozen=True)
class Staffing:
    """When a person works on the project: ``first``..``last`` (None: to the end),
    minus the spans ``away`` (first, last), both ends included."""

    first: date
    last: date | None = None
    away: tuple[tuple[date, date], ...] = ()


def staffing(start: date, active_from: date | None, leave_on: date | None,
             away: Iterable[tuple[date, date]] = ()) -> Staffing:
    """A person's :class:`Staffing` from what the ledger stores (``active_from`` None:
    the SOW's ``start``)."""
    return Staffing(active_from or start, leave_on, tuple(sorted(away)))


def inactive_reason(person: str, st: Staffing, on: date) -> str | None:
    """Why ``person`` may not work on ``on`` (None: they are active that day)."""
    if on < st.first:
        return _("{day} is before {person}'s first day {first}").format(
            day=on, person=person, first=st.first)
    if st.last is not None and on > st.last:
        return _("{day} is after {person}'s last working day {last}").format(
            day=on, person=person, last=st.last)
    for first, last in st.away:
        if first <= on <= last:
            return _("{person} is away on {day} ({first}..{last})").format(
                person=person, day=on, first=first, last=last)
    return None


def active_on(st: Staffing, on: date) -> bool:
    """Whether a person with these active days works on ``on``."""
    return inactive_reason("", st, on) is None


DATE = Ref("date")


def check_active(person: str, st: Staffing, on: date, what: str | Ref = DATE) -> None:
    """Refuse an entry of ``person`` dated ``on`` outside their active days or on a day
    away, naming ``what`` (the entry's date)."""
    reason = inactive_reason(person, st, on)
    if reason is not None:
        raise refused(what, reason)


def capacity_days(cal: Calendar, st: Staffing, first: date, last: date) -> int:
    """A person's capacity in person-days within ``first``..``last`` (the SOW's start and
    end): their active working days minus their working days away."""
    lo = max(first, st.first)
    hi = last if st.last is None else min(last, st.last)
    if hi < lo:
        return 0
    days = set(cal.working_days(lo, hi))
    for a, b in st.away:
        if b >= lo and a <= hi:
            days.difference_update(cal.working_days(max(a, lo), min(b, hi)))
    return len(days)


def expected_minutes(cal: Calendar, st: Staffing, first: date, last: date,
                     minutes_per_day: int, sow_start: date, sow_end: date) -> int:
    """The minutes a person is expected to log in ``first``..``last`` (a week of the
    timesheet, a report's days): their capacity in those days within the SOW's
    ``sow_start``..``sow_end`` (:func:`capacity_days`: active working days, holidays and
    make-up days as the calendar says, minus working days away) × ``minutes_per_day``."""
    lo, hi = max(first, sow_start), min(last, sow_end)
    if hi < lo:
        return 0
    return capacity_days(cal, st, lo, hi) * minutes_per_day


@dataclass(frozen=True)
class ExpectedHours:
    """A person's expected minutes in some days (:func:`expected_minutes`) beside the
    minutes they logged then: ``difference`` > 0 is more than expected, < 0 missing."""

    person: str
    expected: int
    logged: int

    @property
    def difference(self) -> int:
        return self.logged - self.expected


def working_day_before(cal: Calendar, d: date, floor: date) -> date | None:
    """The newest working day strictly before ``d``, not before ``floor`` (None: none):
    a replaced person's last working day."""
    day = shift(d, -1)
    while day >= floor:
        if cal.is_working(day):
            return day
        if day == date.min:
            break
        day = shift(day, -1)
    return None


def notice_days(cal: Calendar, recorded_on: date, effective_on: date) -> int:
    """Working days of notice a change recorded on ``recorded_on`` gives before it takes
    effect on ``effective_on``: the working days after the one and up to the other
    (recorded on a Monday, effective on Thursday: 3). 0 for a change recorded on or after
    the day it takes effect."""
    if effective_on <= recorded_on:
        return 0
    return cal.count(shift(recorded_on, 1), effective_on)


def short_notice(cal: Calendar, recorded_on: date, effective_on: date, required: int) -> bool:
    """Whether a staff change gives less notice than the ``required`` working days."""
    return notice_days(cal, recorded_on, effective_on) < required


#: the kinds of staff change (the SPEC's ``person add``, ``leave`` and ``replace``)
STAFF_CHANGES: tuple[str, ...] = ("add", "leave", "replace")
#: a staff change in words, for a language other than English (English names the key)
STAFF_CHANGE_WORDS = {"add": N_("a person joining"), "leave": N_("a person leaving"),
                      "replace": N_("a person replaced")}


def staff_change_word(change: str) -> str:
    """A staff change (:data:`STAFF_CHANGES`) as the language spoken says it: the key in
    English ("add"), its word otherwise (新增人员); an unknown change is itself."""
    found = STAFF_CHANGE_WORDS.get(change)
    return change if found is None or language() == "en" else _(found)


@dataclass(frozen=True)
class StaffChange:
    """A vendor staff change as recorded: who, which kind (:data:`STAFF_CHANGES`), the
    day it was recorded, the day it takes effect (a person's first day, or for a leave
    their last working day) and the notice the SOW required then (working days)."""

    person: str
    change: str
    recorded_on: date
    effective_on: date
    required: int
