"""The figures of a printed acceptance report (验收报告).

Everything is exact (``Fraction``); the renderer rounds for display only. The PD and
money figures are those the acceptance's signatures cover
(``Ledger.acceptance_content()``): every entry, and the budget after every effective
change request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from model.views import SignatureView, SignoffView


def money(pd: Fraction, rate_minor: int) -> Fraction:
    """PD x a day rate held in hundredths."""
    return pd * Fraction(rate_minor, 100)


@dataclass(frozen=True)
class GradeLine:
    """One grade: baseline, the delta of each effective CR, budget, consumed."""

    grade: str
    rate_minor: int  # day rate, hundredths
    baseline_pd: Fraction
    deltas_pd: tuple[Fraction, ...]  # one per AcceptanceSheetData.effective, same order
    consumed_pd: Fraction

    @property
    def budget_pd(self) -> Fraction:
        return self.baseline_pd + sum(self.deltas_pd, Fraction(0))

    @property
    def remaining_pd(self) -> Fraction:
        return self.budget_pd - self.consumed_pd

    def cost(self, pd: Fraction) -> Fraction:
        return money(pd, self.rate_minor)


@dataclass(frozen=True)
class Deliverable:
    """A task of the work breakdown: estimate vs consumed."""

    code: str
    title: str
    priority: str
    status: str  # open | in_progress | done
    estimate_pd: Fraction
    consumed_pd: Fraction


@dataclass(frozen=True)
class QuotaLine:
    key: str
    title: str
    limit: int
    used: int


@dataclass(frozen=True)
class BlockerLine:
    number: str
    title: str
    party: str
    raised_on: date
    resolved_on: date | None
    task: str | None
    working_days: int  # open, in working days (until resolved, or until the as-of date)


@dataclass(frozen=True)
class ChangeLine:
    """A change request with its printed document's id."""

    number: str
    doc_id: str
    title: str
    status: str  # open | signing | effective | withdrawn
    raised_on: date
    effective_on: date | None
    new_end: date | None
    delta_pd: Fraction
    delta_cost: Fraction


@dataclass(frozen=True)
class AcceptanceSheetData:
    currency: str
    minutes_per_day: int
    start: date
    sow_end: date
    current_end: date  # after every effective CR
    working_days: int  # start..current end
    as_of: date  # blocked days are counted up to this date
    effective: tuple[str, ...]  # effective CR numbers: one delta column each
    grades: tuple[GradeLine, ...]
    overtime_pd: Fraction
    deliverables: tuple[Deliverable, ...]
    quotas: tuple[QuotaLine, ...]
    blocked_days: tuple[tuple[str, int], ...]  # (party, working days lost)
    blockers: tuple[BlockerLine, ...]
    periods: tuple[SignoffView, ...]  # signed or being signed
    changes: tuple[ChangeLine, ...]
    acceptance_number: str | None  # the live acceptance document, if any
    acceptance_status: str  # open | signing | effective
    accepted_on: date | None
    acceptance_signers: tuple[SignatureView, ...]
    conclusion: str | None = None  # recorded with the client's signature
    comment: str = ""

    @property
    def hours_per_day(self) -> Fraction:
        return Fraction(self.minutes_per_day, 60)

    def total(self, what: str) -> Fraction:
        """Sum over grades of ``baseline_pd``, ``budget_pd``, ``consumed_pd``, ``remaining_pd``."""
        return sum((getattr(g, what) for g in self.grades), Fraction(0))

    def total_cost(self, what: str) -> Fraction:
        return sum((g.cost(getattr(g, what)) for g in self.grades), Fraction(0))

    def delta_total(self, i: int) -> Fraction:
        return sum((g.deltas_pd[i] for g in self.grades), Fraction(0))

    def delta_cost(self, i: int) -> Fraction:
        return sum((g.cost(g.deltas_pd[i]) for g in self.grades), Fraction(0))

    @property
    def estimate_total(self) -> Fraction:
        return sum((d.estimate_pd for d in self.deliverables), Fraction(0))

    @property
    def deliverables_consumed(self) -> Fraction:
        return sum((d.consumed_pd for d in self.deliverables), Fraction(0))
