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

    kind: str  # grade | quota | blocker | missing | forecast
    args: tuple[str, ...] = ()  # what it names (model.rules.Alert.args)

    def to_json(self) -> list[object]:
        """Its canonical form in the sheet's content (what the digest covers)."""
        return [self.kind, list(self.args)]


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

    def total(self, what: str) -> Fraction:
        """Sum over grades of ``budget_pd``, ``consumed_pd`` or ``remaining_pd``."""
        return sum((getattr(g, what) for g in self.grades), Fraction(0))

    def total_cost(self, what: str) -> Fraction:
        return sum((g.cost(getattr(g, what)) for g in self.grades), Fraction(0))

    @property
    def remaining_now(self) -> Fraction:
        return self.total("remaining_pd")
