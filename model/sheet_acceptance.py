"""The figures of a printed acceptance report (验收报告).

Everything is exact (``Fraction``); the renderer rounds for display only. The PD and
money figures are those the acceptance's signatures cover
(``Ledger.acceptance_content()``): every entry, and the budget after every effective
change request.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from model.errors import LedgerError
from model.i18n import _
from model.rules.grades import DEFAULT_LADDER, Ladder
from model.views import ContractTerms, DeliverableView, SignatureView, SignoffView


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
class TaskLine:
    """A task of the work breakdown: estimate vs consumed (the report lists the tasks
    when the SOW names no deliverables)."""

    code: str
    title: str
    priority: str
    status: str  # open | in_progress | done
    estimate_pd: Fraction
    consumed_pd: Fraction


#: what a deliverable's tasks say of it (:func:`deliverable_state`)
DELIVERED, IN_PROGRESS, NOT_STARTED, NO_TASKS = "delivered", "in_progress", "open", "no_tasks"


def deliverable_state(task_statuses: Sequence[str | None]) -> str:
    """A deliverable's state from the statuses of its tasks (None: a task code the ledger
    does not hold): delivered when every task is done, not started when none has begun,
    in progress otherwise; ``no_tasks`` when it names no task."""
    if not task_statuses:
        return NO_TASKS
    if all(s == "done" for s in task_statuses):
        return DELIVERED
    if all(s in ("open", None) for s in task_statuses):
        return NOT_STARTED
    return IN_PROGRESS


@dataclass(frozen=True)
class DeliverableLine:
    """A deliverable of the SOW with its criteria and what its tasks say of it."""

    key: str
    title: str
    tasks: tuple[str, ...]
    criteria: str
    due: date | None
    kind: str | None
    state: str  # delivered | in_progress | open | no_tasks
    delivered_on: date | None = None  # `deliverable done` (SPEC §9); None: not delivered
    delivery_note: str | None = None

    @property
    def training(self) -> bool:
        """The knowledge transfer (training and handbooks, SPEC §9)."""
        return self.kind == "training"


def deliverable_lines(deliverables: Sequence[DeliverableView],
                      task_status: Mapping[str, str]) -> tuple[DeliverableLine, ...]:
    """The SOW's deliverables, each with its state from its tasks' statuses and its
    delivery as recorded (date and note)."""
    return tuple(DeliverableLine(
        d.key, d.title, tuple(d.tasks), d.criteria, d.due, d.kind,
        deliverable_state([task_status.get(code) for code in d.tasks]),
        d.delivered_on, d.delivery_note)
        for d in deliverables)


# ---------------------------------------------------------------- settlement


def round_half_up(value: Fraction | int, places: int = 2) -> Decimal:
    """``value`` to ``places`` decimals, halves away from zero (a contract's cents)."""
    scaled = abs(Fraction(value)) * 10**places
    units = math.floor(scaled + Fraction(1, 2))
    return Decimal(-units if value < 0 else units).scaleb(-places)


@dataclass(frozen=True)
class Settlement:
    """The amount the acceptance settles, in the currency unit, rounded to cents.

    Without a tax rate only ``amount`` means anything (``excl_tax`` and ``incl_tax`` equal
    it, ``tax`` is zero). ``excl_tax + tax == incl_tax`` always, exactly as printed."""

    billing: str  # actual | fixed
    tax_rate: Fraction | None
    prices_include_tax: bool
    amount: Decimal  # what the contract prices: consumed x rates, or the fixed price
    excl_tax: Decimal
    tax: Decimal
    incl_tax: Decimal

    @property
    def total(self) -> Decimal:
        """The amount payable: including tax when there is a tax rate."""
        return self.incl_tax

    def content(self) -> dict[str, str | bool | None]:
        """Canonical, JSON-able (the acceptance's signed content)."""
        return {"billing": self.billing,
                "tax_rate": None if self.tax_rate is None else str(self.tax_rate),
                "prices_include_tax": self.prices_include_tax,
                "amount": str(self.amount), "excl_tax": str(self.excl_tax),
                "tax": str(self.tax), "incl_tax": str(self.incl_tax)}


def settlement(terms: ContractTerms, consumed_cost: Fraction) -> Settlement:
    """The settlement amount (SPEC §8): ``consumed_cost`` (consumed x rates, exact) when
    billing is ``actual``, the price when ``fixed``; with a tax rate, the tax on it.

    Rounded to cents half up once, at the end, as a Chinese VAT invoice does: prices that
    include tax give the amount including tax, the tax is amount x rate / (1 + rate)
    rounded, the amount excluding tax is the difference; prices without tax give the
    amount excluding tax, the tax is amount x rate rounded, the total is their sum. The
    parts add up to the total exactly as printed."""
    if terms.billing == "fixed":
        if terms.price_minor is None:
            raise LedgerError("price: " + _('billing = "fixed" needs the price'))
        exact = Fraction(terms.price_minor, 100)
    elif terms.billing == "actual":
        exact = Fraction(consumed_cost)
    else:
        raise LedgerError("billing: " + _("{value!r} is not one of {choices}").format(
            value=terms.billing, choices="actual, fixed"))
    amount = round_half_up(exact)
    rate = terms.tax_rate
    if rate is None:
        return Settlement(terms.billing, None, terms.prices_include_tax, amount, amount,
                          Decimal("0.00"), amount)
    if terms.prices_include_tax:
        tax = round_half_up(exact * rate / (1 + rate))
        return Settlement(terms.billing, rate, True, amount, amount - tax, tax, amount)
    tax = round_half_up(exact * rate)
    return Settlement(terms.billing, rate, False, amount, amount, tax, amount + tax)


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
    deliverables: tuple[TaskLine, ...]  # the tasks: listed when the SOW names no deliverable
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
    terms: ContractTerms = ContractTerms()
    #: the SOW's [[deliverable]] entries (the training ones are the knowledge transfer)
    sow_deliverables: tuple[DeliverableLine, ...] = ()
    #: per grade, PD logged on days no period signed by both parties covers
    unconfirmed: tuple[tuple[str, Fraction], ...] = ()
    settlement: Settlement | None = None
    #: the project's grade ladder: its grades' labels and order (SPEC §9)
    ladder: Ladder = DEFAULT_LADDER

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

    @property
    def handed_over(self) -> tuple[DeliverableLine, ...]:
        """The deliverables other than the knowledge transfer."""
        return tuple(d for d in self.sow_deliverables if not d.training)

    @property
    def knowledge_transfer(self) -> tuple[DeliverableLine, ...]:
        """The training deliverables: the knowledge transfer (培训及手册)."""
        return tuple(d for d in self.sow_deliverables if d.training)

    @property
    def open_for_results(self) -> bool:
        """No signature on the acceptance yet: the result boxes are there to be ticked."""
        return not self.acceptance_signers

    def rate_of(self, grade: str) -> int:
        return next((g.rate_minor for g in self.grades if g.grade == grade), 0)
