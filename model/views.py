"""Frozen records handed to the command line, the TUI and the exports.

No ORM object leaves a transaction: services turn rows into these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction


@dataclass(frozen=True)
class AwayView:
    """A day away (请假) as recorded: first..last, its note, and the day it was cancelled
    (None: it stands)."""

    first: date
    last: date
    note: str = ""
    cancelled_on: date | None = None


@dataclass(frozen=True)
class PersonView:
    key: str
    name: str
    party: str
    role: str
    grade: str | None
    location: str | None
    timezone: str | None
    day_rate_minor: int | None
    title: str | None = None  # job title, printed in signature blocks
    login_role: str | None = None  # PostgreSQL login role bound to this person, if any
    # Active days (SPEC §9): the first day (the SOW's start unless given), the last working
    # day (None: to the end), the person replaced, the spans away (first, last).
    first_day: date | None = None
    last_day: date | None = None
    replaces: str | None = None
    away: tuple[tuple[date, date], ...] = ()  # the spans that stand (none cancelled)
    days_away: tuple[AwayView, ...] = ()  # every day away recorded, cancelled ones too


@dataclass(frozen=True)
class EntryView:
    id: int
    on: date
    person: str
    task: str
    minutes: int
    grade: str
    note: str


@dataclass(frozen=True)
class SignatureView:
    person: str
    name: str
    party: str
    role: str
    on: date
    digest: str


@dataclass(frozen=True)
class ChangeView:
    number: str
    title: str
    reason: str
    raised_on: date
    raised_by: str | None
    status: str  # open | signing | effective | withdrawn
    effective_on: date | None
    new_end: date | None
    deltas: tuple[tuple[str, int], ...]  # (grade, milli-PD)
    quota_deltas: tuple[tuple[str, int], ...]
    signatures: tuple[SignatureView, ...]
    #: the scope's changes: (task code, milli-PD, None) an estimate change, (code, milli-PD,
    #: title) a task added
    task_deltas: tuple[tuple[str, int, str | None], ...] = ()


@dataclass(frozen=True)
class BlockerView:
    number: str
    title: str
    party: str
    raised_on: date
    resolved_on: date | None
    task: str | None
    age_days: int  # working days open, as of today or until resolved


def blocker_order(b: BlockerView) -> tuple[int, int]:
    """Open ones first, oldest first; then resolved ones, latest resolution first."""
    if b.resolved_on is None:
        return (0, b.raised_on.toordinal())
    return (1, -b.resolved_on.toordinal())


@dataclass(frozen=True)
class BlockerList:
    """Every blocker as of a day (recorded ones and late client obligations), in
    :func:`blocker_order`: what the Blockers view, the dashboard and the status list."""

    blockers: tuple[BlockerView, ...]
    #: the numbers of the blockers that are late client obligations (their keys)
    obligations: frozenset[str] = frozenset()

    def open(self) -> list[BlockerView]:
        """The blockers not resolved on that day, oldest first."""
        return [b for b in self.blockers if b.resolved_on is None]


@dataclass(frozen=True)
class QuotaView:
    key: str
    title: str
    limit: int  # baseline + effective CR deltas
    used: int


@dataclass(frozen=True)
class SignoffView:
    """A signed (or being signed) period timesheet or the acceptance."""

    kind: str  # period | acceptance | scope
    number: str
    first: date | None
    last: date | None
    status: str
    effective_on: date | None
    signatures: tuple[SignatureView, ...]
    conclusion: str | None = None  # the acceptance: accepted | conditional | rejected
    comment: str = ""  # the acceptance: the client's comments


@dataclass(frozen=True)
class ContractTerms:
    """The SOW's contract terms (SPEC §8): what a signatory needs to find the contract
    and settle it. Every field is optional in the SOW file."""

    contract: str | None = None  # the contract or SOW number
    signed_on: date | None = None
    billing: str = "actual"  # actual (按实结算) | fixed (固定总价)
    price_minor: int | None = None  # the fixed price, hundredths; required with fixed
    tax_rate: Fraction | None = None  # e.g. Fraction(6, 100)
    prices_include_tax: bool = True


@dataclass(frozen=True)
class DeliverableView:
    """A ``[[deliverable]]`` of the SOW: what is handed over, and how it is accepted."""

    key: str
    title: str
    tasks: tuple[str, ...] = ()  # task codes
    criteria: str = ""  # acceptance criteria text
    due: date | None = None
    kind: str | None = None  # "training": the knowledge transfer (SPEC §9)
    delivered_on: date | None = None  # `deliverable done` (SPEC §9)
    delivery_note: str | None = None

    @property
    def training(self) -> bool:
        """Whether it is the knowledge transfer (培训 + 手册)."""
        return self.kind == "training"


@dataclass(frozen=True)
class ObligationView:
    """An ``[[obligation]]`` of the SOW as of a date (SPEC §9): its due date (resolved
    from ``due_days``), when it was done, and how late it is in working days."""

    key: str
    title: str
    party: str
    due: date  # resolved: the SOW's due, or due_days working days after the start
    due_days: int | None  # as the SOW states it (None: a date was given)
    done_on: date | None
    overdue: bool  # not done as of the date and its due date has passed
    days_late: int  # working days late (done late, or still open past its due date)

    @property
    def blocks(self) -> bool:
        """Whether it counts as a client blocker (a client obligation late by a day)."""
        return self.party == "client" and self.days_late > 0


@dataclass(frozen=True)
class ProjectView:
    code: str
    title: str
    client: str
    vendor: str
    start: date
    end: date
    minutes_per_day: int
    currency: str
    timezone: str
    language: str
    accepted_on: date | None
    terms: ContractTerms = field(default_factory=ContractTerms)


@dataclass(frozen=True)
class TaskView:
    """A task of the work breakdown with its plan and its consumption."""

    code: str
    title: str
    estimate_milli: int
    priority: str
    status: str
    assignees: tuple[tuple[str, int | None], ...]  # (person, planned milli-PD or None)
    consumed_minutes: int
    minutes_per_day: int

    @property
    def allocated_milli(self) -> int:
        return sum(p or 0 for _, p in self.assignees)
