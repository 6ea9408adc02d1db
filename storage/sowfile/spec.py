"""What a SOW file says, as plain dataclasses (``SowSpec`` and its parts), and its limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from model.rules import DEFAULT_LADDER, Ladder

#: the longest SOW a ledger takes: its reports walk every day, its calendar every year
MAX_SOW_YEARS = 10
#: the largest quota limit (stored in a 32-bit integer column)
MAX_QUOTA = 1_000_000_000
#: the largest fixed price (stored in hundredths in a 64-bit integer column)
MAX_PRICE = 1_000_000_000_000


def latest_end(start: date) -> date:
    """The latest end a SOW (or a change request) starting on ``start`` may have."""
    if start.year + MAX_SOW_YEARS > date.max.year:
        return date.max
    return date(start.year + MAX_SOW_YEARS, start.month, min(start.day, 28 if (
        start.month, start.day) == (2, 29) else start.day))


@dataclass
class PersonSpec:
    key: str
    name: str
    party: str
    role: str
    grade: str | None = None
    location: str | None = None
    timezone: str | None = None
    title: str | None = None
    # Active days (SPEC §9): ``from`` (None: the SOW's start), ``leave`` (the last working
    # day, None: to the end), and the person this one ``replaces``.
    active_from: date | None = None
    leave_on: date | None = None
    replaces: str | None = None


@dataclass
class TaskSpec:
    code: str
    title: str
    estimate_milli: int
    priority: str = "medium"
    status: str = "open"
    assignees: list[str] = field(default_factory=list)


@dataclass
class AllocationSpec:
    task: str
    person: str
    pd_milli: int


@dataclass
class QuotaSpec:
    key: str
    title: str
    limit: int


@dataclass
class DeliverableSpec:
    """A ``[[deliverable]]``: what is handed over, the tasks it comes from, how it is
    accepted and when it is due; ``kind = "training"`` is the knowledge transfer."""

    key: str
    title: str
    tasks: list[str] = field(default_factory=list)
    criteria: str = ""
    due: date | None = None
    kind: str | None = None


@dataclass
class ObligationSpec:
    """An ``[[obligation]]`` (SPEC §9): what ``party`` must provide, due on ``due`` or
    ``due_days`` working days after the SOW's start (exactly one of the two)."""

    key: str
    title: str
    party: str
    due: date | None = None
    due_days: int | None = None


@dataclass
class SowSpec:
    """A validated SOW: everything ``sowtrack init`` needs."""

    code: str
    title: str
    client: str
    vendor: str
    start: date
    end: date
    minutes_per_day: int = 480
    currency: str = "CNY"
    timezone: str = "Asia/Shanghai"
    language: str = "zh"
    country: str | None = None
    holidays: list[date] = field(default_factory=list)
    workdays: list[date] = field(default_factory=list)
    rates: dict[str, int] = field(default_factory=dict)  # minor units
    baseline: dict[str, int] = field(default_factory=dict)  # milli-PD
    quotas: list[QuotaSpec] = field(default_factory=list)
    people: list[PersonSpec] = field(default_factory=list)
    tasks: list[TaskSpec] = field(default_factory=list)
    allocations: list[AllocationSpec] = field(default_factory=list)
    # The contract terms (SPEC §8): all optional.
    contract: str | None = None
    signed_on: date | None = None
    billing: str = "actual"
    price_minor: int | None = None
    tax_rate_ppm: int | None = None
    prices_include_tax: bool = True
    deliverables: list[DeliverableSpec] = field(default_factory=list)
    # Working days of notice a vendor staff change should give (SPEC §9); less is alerted.
    staff_change_notice: int = 0
    # Working days after the start by which both parties sign the scope (SPEC §9).
    plan_confirm_days: int | None = None
    obligations: list[ObligationSpec] = field(default_factory=list)  # SPEC §9
    # The SOW's own ``[[grade]]`` ladder (SPEC §9); DEFAULT_LADDER when it has none.
    ladder: Ladder = DEFAULT_LADDER
