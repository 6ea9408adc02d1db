"""The figures of a printed status report (项目状态报告) as of one date.

Exact values (``Fraction``); the renderer rounds for display and draws the burn-down.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from model.rules.grades import DEFAULT_LADDER, Ladder


@dataclass(frozen=True)
class BurnPoint:
    """One working day of the burn-down (SPEC §6 ``report burndown``)."""

    on: date
    budget_pd: Fraction
    remaining_pd: Fraction | None  # None after the as-of date
    ideal_pd: Fraction


@dataclass(frozen=True)
class BudgetStep:
    """A change request that moved the budget, on the day it took effect."""

    on: date
    number: str
    delta_pd: Fraction


@dataclass(frozen=True)
class GradeStatus:
    grade: str
    rate_minor: int  # day rate, hundredths
    budget_pd: Fraction
    consumed_pd: Fraction

    @property
    def remaining_pd(self) -> Fraction:
        return self.budget_pd - self.consumed_pd

    def cost(self, pd: Fraction) -> Fraction:
        return pd * Fraction(self.rate_minor, 100)


@dataclass(frozen=True)
class OpenBlocker:
    number: str
    title: str
    party: str
    raised_on: date
    task: str | None
    age_days: int  # working days open up to the as-of date


@dataclass(frozen=True)
class Signed:
    name: str
    party: str
    on: date


@dataclass(frozen=True)
class PendingChange:
    """A change request raised but not effective as of the report's date."""

    number: str
    doc_id: str
    title: str
    raised_on: date
    delta_pd: Fraction
    delta_cost: Fraction
    new_end: date | None
    signed: tuple[Signed, ...]  # signatures dated on or before the as-of date
    awaited: tuple[tuple[str, tuple[str, ...]], ...]  # (party, who may sign for it)


@dataclass(frozen=True)
class StatusAlert:
    """An alert as the sheet holds it: what it is and what it names, never its sentence
    (worded only when drawn, in the sheet's language: rules.alert_text), so that
    rewording a message changes no printed sheet's digest."""

    kind: str  # grade | quota | blocker | missing | forecast | staff_notice | obligation
    args: tuple[str, ...] = ()  # what it names (model.rules.Alert.args)

    def to_json(self) -> list[object]:
        """Its canonical form in the sheet's content (what the digest covers)."""
        return [self.kind, list(self.args)]


@dataclass(frozen=True)
class ObligationLine:
    """An obligation (SPEC §9) overdue as of the report's date, or done late by then."""

    key: str
    title: str
    party: str  # client | vendor
    due: date
    done_on: date | None  # None: not done as of the report's date
    days_late: int  # working days late (up to the day before done, or to the as-of date)

    @property
    def blocks(self) -> bool:
        """A late client obligation counts as client blocked days (rules.obligation_blockers)."""
        return self.party == "client" and self.days_late > 0

    def to_json(self) -> list[object]:
        return [self.key, self.party, self.due.isoformat(),
                self.done_on.isoformat() if self.done_on else None, self.days_late]


#: what a staff change line is (the printed words are the renderer's)
STAFF_KINDS = ("join", "leave", "replace", "away")


@dataclass(frozen=True)
class StaffLine:
    """A staff change that falls in the report's period: a person joining, leaving,
    replacing another (``other``) or away (``on`` to ``until``)."""

    person: str  # id
    name: str
    change: str  # STAFF_KINDS
    on: date  # first day (join, replace, away) or last working day (leave)
    until: date | None = None  # away: the last day away
    other: str | None = None  # replace: the person replaced (id)
    other_name: str | None = None
    #: (notice given, notice required) in working days when recorded at shorter notice
    #: than the SOW asks (the staff_notice alert's rule); None otherwise
    short_notice: tuple[int, int] | None = None

    def to_json(self) -> list[object]:
        return [self.person, self.change, self.on.isoformat(),
                self.until.isoformat() if self.until else None, self.other,
                list(self.short_notice) if self.short_notice else None]


@dataclass(frozen=True)
class StatusSheetData:
    as_of: date
    currency: str
    start: date
    sow_end: date
    end: date  # as of as_of, after the CRs effective by then
    working_days_total: int
    working_days_elapsed: int
    forecast_end: date | None
    forecast_shift: int | None  # working days the forecast is after (+) / before (-) the end
    grades: tuple[GradeStatus, ...]
    overtime_pd: Fraction
    blocked_days: tuple[tuple[str, int], ...]
    series: tuple[BurnPoint, ...]
    steps: tuple[BudgetStep, ...]
    open_blockers: tuple[OpenBlocker, ...]
    pending: tuple[PendingChange, ...]
    alerts: tuple[StatusAlert, ...]
    quotas: tuple[tuple[str, str, int, int], ...]  # key, title, limit, used
    names: tuple[tuple[str, str], ...] = ()  # person id -> name (the alerts name people)
    #: the project's grade ladder: its grades' labels and order (SPEC §9)
    ladder: Ladder = DEFAULT_LADDER
    overdue: tuple[ObligationLine, ...] = ()  # not done by their due date as of as_of
    done_late: tuple[ObligationLine, ...] = ()  # done late, on or before as_of
    staff: tuple[StaffLine, ...] = ()  # staff changes from the start to as_of

    def total(self, what: str) -> Fraction:
        """Sum over grades of ``budget_pd``, ``consumed_pd`` or ``remaining_pd``."""
        return sum((getattr(g, what) for g in self.grades), Fraction(0))

    def total_cost(self, what: str) -> Fraction:
        return sum((g.cost(getattr(g, what)) for g in self.grades), Fraction(0))

    @property
    def remaining_now(self) -> Fraction:
        return self.total("remaining_pd")
