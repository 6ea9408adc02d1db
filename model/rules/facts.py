"""What the rules are computed from: the ledger's facts as frozen dataclasses, no database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from model.rules.grades import DEFAULT_LADDER, Ladder
from model.rules.workdays import Calendar


@dataclass(frozen=True)
class DayTotal:
    """Minutes one person worked on one date, charged at one grade."""

    on: date
    person: str
    grade: str
    minutes: int


@dataclass(frozen=True)
class DaySums:
    """One date's entries summed over everyone, all the figures need of them (storage
    reads these with one GROUP BY; :func:`model.rules.budget.day_sums` is their definition
    from :class:`DayTotal` rows)."""

    on: date
    by_grade: Mapping[str, int]  # grade -> minutes (grades with none are left out)
    #: the minutes beyond a day's hours in each person's day, summed over the people
    #: (:func:`model.rules.budget.overtime_of_day` on a working day)
    beyond: int = 0

    @property
    def minutes(self) -> int:
        return sum(self.by_grade.values())


@dataclass(frozen=True)
class SignatureFact:
    person: str
    party: str
    role: str
    on: date


@dataclass(frozen=True)
class ChangeFact:
    """A change request as the rules see it."""

    number: str
    raised_on: date
    withdrawn: bool = False
    effective_on: date | None = None
    deltas: Mapping[str, int] = field(default_factory=dict)  # grade -> milli-PD
    quota_deltas: Mapping[str, int] = field(default_factory=dict)
    new_end: date | None = None

    def effective_by(self, d: date) -> bool:
        return (not self.withdrawn and self.effective_on is not None
                and self.effective_on <= d)


@dataclass(frozen=True)
class BlockerFact:
    number: str
    party: str
    raised_on: date
    resolved_on: date | None = None


@dataclass(frozen=True)
class QuotaFact:
    key: str
    title: str
    limit: int
    uses: Sequence[tuple[date, int]] = ()


@dataclass(frozen=True)
class ObligationFact:
    """An ``[[obligation]]`` of the SOW as the rules see it: exactly one of ``due`` (a
    date) or ``due_days`` (working days after the SOW's start) is set."""

    key: str
    party: str
    due: date | None = None
    due_days: int | None = None
    done_on: date | None = None
    title: str = ""


@dataclass(frozen=True)
class LedgerFacts:
    """Everything the summary and the burn-down are computed from."""

    code: str
    start: date
    end: date
    minutes_per_day: int
    currency: str
    calendar: Calendar
    rates: Mapping[str, int]  # grade -> minor units per PD
    baseline: Mapping[str, int]  # grade -> milli-PD
    day_totals: Sequence[DayTotal] = ()
    changes: Sequence[ChangeFact] = ()
    blockers: Sequence[BlockerFact] = ()
    quotas: Sequence[QuotaFact] = ()
    obligations: Sequence[ObligationFact] = ()  # SPEC §9: late client ones block
    ladder: Ladder = DEFAULT_LADDER  # SPEC §9: the project's grades, their order and labels
    #: the entries summed per date, as storage reads them (then ``day_totals`` is empty);
    #: None: :func:`model.rules.budget.daily` sums ``day_totals``
    sums: Sequence[DaySums] | None = None
