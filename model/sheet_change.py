"""The figures of a printed change request form (变更申请单)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from model.rules.grades import DEFAULT_LADDER, Ladder
from model.views import ChangeView


@dataclass(frozen=True)
class GradeChange:
    grade: str
    before_pd: Fraction
    delta_pd: Fraction
    rate_minor: int  # day rate, hundredths

    @property
    def after_pd(self) -> Fraction:
        return self.before_pd + self.delta_pd

    @property
    def cost_delta(self) -> Fraction:
        return self.delta_pd * Fraction(self.rate_minor, 100)


@dataclass(frozen=True)
class QuotaChange:
    key: str
    title: str
    before: int
    delta: int


@dataclass(frozen=True)
class ChangeSheetData:
    cr: ChangeView
    currency: str
    as_of: date  # the day it took effect, or the day printed while it is pending
    grades: tuple[GradeChange, ...]  # every grade with a budget or a delta
    quotas: tuple[QuotaChange, ...]
    end_before: date
    end_after: date
    working_days_before: int
    working_days_after: int
    raised_by_name: str = ""  # the name of the person who raised it
    #: the project's grade ladder: its grades' labels and order (SPEC §9)
    ladder: Ladder = DEFAULT_LADDER

    @property
    def budget_before(self) -> Fraction:
        return sum((g.before_pd for g in self.grades), Fraction(0))

    @property
    def budget_after(self) -> Fraction:
        return sum((g.after_pd for g in self.grades), Fraction(0))

    @property
    def cost_delta(self) -> Fraction:
        return sum((g.cost_delta for g in self.grades), Fraction(0))

    def cost(self, after: bool) -> Fraction:
        return sum(((g.after_pd if after else g.before_pd) * Fraction(g.rate_minor, 100)
                    for g in self.grades), Fraction(0))
