"""The ledger's rules (SPEC.md §3) as pure functions: no database, no terminal.

Quantities are exact throughout: minutes are integers, person-days (PD) are
``Fraction``s (a 7.5-hour day makes 1 minute = 1/450 PD, which no decimal
holds exactly), money is a ``Fraction`` of the currency unit. Values are
rounded only at the edge, for display and JSON, with :func:`round_pd` and
:func:`round_money` (half to even, which is what the worked example's
81.5625 -> 81.562 requires).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from calendar import monthrange
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, Inexact, localcontext
from fractions import Fraction
from functools import lru_cache

from model.errors import FieldError, LedgerError, Ref, refused
from model.permissions import Action, Actor, allowed

GRADES: tuple[str, ...] = ("junior", "intermediate", "senior", "expert", "senior_expert")
GRADE_LABELS_ZH = {
    "junior": "初级工程师",
    "intermediate": "中级工程师",
    "senior": "高级工程师",
    "expert": "高级技术专家",
    "senior_expert": "资深技术专家",
}
GRADE_LABELS_EN = {
    "junior": "Junior engineer",
    "intermediate": "Intermediate engineer",
    "senior": "Senior engineer",
    "expert": "Technical expert",
    "senior_expert": "Senior technical expert",
}
PARTIES: tuple[str, ...] = ("vendor", "client")
ROLES: tuple[str, ...] = ("lead", "engineer", "signatory")
LOCATIONS: tuple[str, ...] = ("onsite", "remote")
PRIORITIES: tuple[str, ...] = ("high", "medium", "low")
TASK_STATUSES: tuple[str, ...] = ("open", "in_progress", "done")
LANGUAGES: tuple[str, ...] = ("zh", "en")
#: how a SOW is settled (SPEC §8): consumed × rates (按实结算) or a fixed price (固定总价)
BILLINGS: tuple[str, ...] = ("actual", "fixed")
#: a deliverable's kind: the only one is the knowledge transfer (SPEC §9)
DELIVERABLE_KINDS: tuple[str, ...] = ("training",)

MAX_MINUTES_PER_DAY = 24 * 60
FORECAST_WINDOW = 10  # working days of history behind the forecast rate
FORECAST_HORIZON_YEARS = 100  # no forecast end further out than this


def grade_order(grade: str) -> int:
    """Sort key: grades in seniority order, unknown ones last."""
    return GRADES.index(grade) if grade in GRADES else len(GRADES)


# ---------------------------------------------------------------- numbers


def pd_of_minutes(minutes: int, minutes_per_day: int) -> Fraction:
    """Person-days in ``minutes`` of work, exactly."""
    return Fraction(minutes, minutes_per_day)


def pd_of_milli(milli: int) -> Fraction:
    """Person-days stored as integer thousandths (budgets and CR deltas)."""
    return Fraction(milli, 1000)


def _round(value: Fraction | int, places: int) -> Decimal:
    # round() on a Fraction rounds half to even, exactly.
    scaled = round(Fraction(value) * 10**places)
    return Decimal(scaled).scaleb(-places)


def round_pd(value: Fraction | int) -> Decimal:
    """A PD figure as shown and exported: 3 decimals, half to even."""
    return _round(value, 3)


def round_money(value: Fraction | int) -> Decimal:
    """A money figure as shown and exported: 2 decimals, half to even."""
    return _round(value, 2)


def _units(value: Fraction | int | Decimal, places: int) -> int:
    """``value`` in units of the last place, rounded half to even as :func:`_round` does."""
    return round(Fraction(value) * 10**places)


def round_to_total(values: Sequence[Fraction | int], places: int,
                   total: Fraction | int | Decimal | None = None) -> list[Decimal]:
    """``values`` rounded to ``places`` decimals so that they add up exactly to ``total``
    rounded the same way (by default their exact sum, rounded half to even as every
    figure is shown): the largest-remainder method.

    Every value is rounded down to its last place; the units still missing go one each
    to the values with the largest remainders, ties to the earlier value (a value that
    is exact at ``places`` never takes one). Each result is within one unit of the last
    place of its exact value whenever ``total`` is within one unit of the exact sum
    (a total below the sum of the floors takes units back from the smallest remainders).
    """
    unit = 10**places
    scaled = [Fraction(v) * unit for v in values]
    target = round(sum(scaled, Fraction(0))) if total is None else _units(total, places)
    floors = [math.floor(x) for x in scaled]
    out = list(floors)
    missing = target - sum(floors)
    if scaled:
        order = sorted(range(len(scaled)), key=lambda i: (floors[i] - scaled[i], i))
        step = 1 if missing >= 0 else -1
        if step < 0:
            order.reverse()
        for k in range(abs(missing)):
            out[order[k % len(order)]] += step
    elif missing:
        raise ValueError("no values to add up to a total that is not zero")
    return [Decimal(n).scaleb(-places) for n in out]


@dataclass(frozen=True)
class RoundedTable:
    """A table of figures rounded so that it foots both ways (see :func:`round_table`)."""

    cells: list[list[Decimal]]
    row_totals: list[Decimal]
    column_totals: list[Decimal]
    total: Decimal


def round_table(cells: Sequence[Sequence[Fraction | int]], places: int) -> RoundedTable:
    """A table with row and column totals, rounded to ``places`` decimals so that every
    row adds up to its total as printed, every column to its total, and the totals to the
    grand total (the exact sum rounded half to even).

    Largest remainder cannot be applied to rows and to columns independently (the two
    choices may need a unit in a cell that is exact). This is controlled rounding: every
    cell and every total is its exact value rounded down or up (an exact one stays as it
    is), found as an integer flow from rows to columns whose row and column sums lie
    between their floors and ceilings (such a flow exists for every table, since the
    exact table is a fractional one and the flow polytope is integral). Deterministic:
    the flow is augmented along shortest paths, rows and columns in order.
    """
    unit = 10**places
    n_rows = len(cells)
    n_cols = max((len(r) for r in cells), default=0)
    exact = [[Fraction(r[j]) * unit if j < len(r) else Fraction(0) for j in range(n_cols)]
             for r in cells]
    floors = [[math.floor(x) for x in row] for row in exact]
    frac = [[exact[i][j] - floors[i][j] for j in range(n_cols)] for i in range(n_rows)]
    row_frac = [sum(r, Fraction(0)) for r in frac]
    col_frac = [sum((frac[i][j] for i in range(n_rows)), Fraction(0)) for j in range(n_cols)]
    grand = sum(row_frac, Fraction(0))
    # Units to add to the floors: the whole table's exact sum rounded half to even, less
    # the floors (rounding the fractions alone gets a tie wrong when the floors are odd).
    base = sum(sum(row) for row in floors)
    target = round(base + grand) - base
    # nodes: 0 source, 1 sink, rows, columns; edges with [low, high] bounds, then the
    # circulation sink -> source of exactly ``target``.
    s, t = 0, 1
    row_node = [2 + i for i in range(n_rows)]
    col_node = [2 + n_rows + j for j in range(n_cols)]
    size = 2 + n_rows + n_cols + 2
    ss, tt = size - 2, size - 1
    cap = [[0] * size for _ in range(size)]
    excess = [0] * size
    bounded: list[tuple[int, int, int]] = []

    def edge(u: int, v: int, low: int, high: int) -> None:
        cap[u][v] += high - low
        excess[v] += low
        excess[u] -= low
        bounded.append((u, v, low))

    for i in range(n_rows):
        edge(s, row_node[i], math.floor(row_frac[i]), math.ceil(row_frac[i]))
        for j in range(n_cols):
            if frac[i][j]:
                edge(row_node[i], col_node[j], 0, 1)
    for j in range(n_cols):
        edge(col_node[j], t, math.floor(col_frac[j]), math.ceil(col_frac[j]))
    edge(t, s, target, target)
    need = 0
    for v in range(size - 2):
        if excess[v] > 0:
            cap[ss][v] += excess[v]
            need += excess[v]
        elif excess[v] < 0:
            cap[v][tt] -= excess[v]
    original = [row[:] for row in cap]
    flowed = 0
    while flowed < need:
        parent = [-1] * size
        parent[ss] = ss
        queue = [ss]
        for u in queue:
            for v in range(size):
                if parent[v] < 0 and cap[u][v] > 0:
                    parent[v] = u
                    queue.append(v)
        if parent[tt] < 0:  # cannot happen: a controlled rounding always exists
            raise ArithmeticError("no controlled rounding of the table")
        push, v = need - flowed, tt
        while v != ss:
            push = min(push, cap[parent[v]][v])
            v = parent[v]
        v = tt
        while v != ss:
            cap[parent[v]][v] -= push
            cap[v][parent[v]] += push
            v = parent[v]
        flowed += push

    def used(u: int, v: int) -> int:
        return max(0, original[u][v] - cap[u][v])

    up = [[used(row_node[i], col_node[j]) if frac[i][j] else 0 for j in range(n_cols)]
          for i in range(n_rows)]
    out = [[floors[i][j] + up[i][j] for j in range(n_cols)] for i in range(n_rows)]

    def dec(n: int) -> Decimal:
        return Decimal(n).scaleb(-places)

    return RoundedTable(
        cells=[[dec(x) for x in row] for row in out],
        row_totals=[dec(sum(row)) for row in out],
        column_totals=[dec(sum(out[i][j] for i in range(n_rows))) for j in range(n_cols)],
        total=dec(sum(sum(row) for row in out)))


#: the largest PD amount (budget, delta, estimate) and day rate a ledger holds: stored as
#: thousandths and hundredths, they stay well inside PostgreSQL's 32-bit ``integer``
MAX_PD = 1_000_000
MAX_MONEY = 10_000_000
#: a number as a person types it: ``7.5``, ``-2``, ``.5``, ``1e3`` (no ``1_000``, ``nan``)
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _shown(value: object, quote: bool = False) -> str:
    """A value as quoted in a message: one line, not a screenful."""
    text = str(value)
    if quote or not text.isprintable():
        text = repr(value) if isinstance(value, str) else repr(text)
    return text if len(text) <= 40 else text[:39] + "…"


def parse_decimal(text: str, what: str | Ref) -> Decimal:
    """A decimal number typed by a user; the error names ``what``."""
    clean = str(text).strip()
    if not _NUMBER.fullmatch(clean):
        raise refused(what, f"{_shown(text, quote=True)} is not a number")
    try:
        value = Decimal(clean)
    except ArithmeticError:
        raise refused(what, f"{_shown(text, quote=True)} is not a number") from None
    if not value.is_finite():
        raise refused(what, f"{_shown(text, quote=True)} is not a number")
    return value


def _exact(value: Decimal, scale: int) -> int | None:
    """value × scale if that is a whole number, computed without rounding, else None."""
    try:
        with localcontext() as ctx:
            ctx.prec = 60
            ctx.traps[Inexact] = True  # a digit lost (or an underflow to 0) is an error
            scaled = value * scale
    except ArithmeticError:
        return None
    return int(scaled) if scaled == scaled.to_integral_value() else None


def hours_to_minutes(text: str | Decimal | int, what: str | Ref = "hours") -> int:
    """Hours as typed (``7.5``) to whole minutes; refuses <= 0 and fractions of a minute."""
    value = text if isinstance(text, Decimal) else parse_decimal(str(text), what)
    if not value.is_finite():
        raise refused(what, f"{_shown(text, quote=True)} is not a number")
    if value <= 0:
        raise refused(what, f"must be more than 0, got {_shown(text)}")
    # 1e999999999999999999 × 60 overflows: a huge value is compared, not multiplied.
    minutes = _exact(value, 60) if value <= MAX_MINUTES_PER_DAY else MAX_MINUTES_PER_DAY + 1
    if not minutes:  # None: a fraction of a minute; 0: 1e-999999999999 underflowed
        raise refused(what, f"{_shown(text)} is not a whole number of minutes")
    if minutes > MAX_MINUTES_PER_DAY:
        raise refused(what, f"{_shown(text)} is more than 24 hours")
    return minutes


def pd_to_milli(value: str | Decimal | int | float, what: str | Ref) -> int:
    """A PD amount (budget, delta, estimate) to integer thousandths of a PD."""
    dec = parse_decimal(str(value), what)
    if dec > MAX_PD or dec < -MAX_PD:
        raise refused(what, f"{_shown(value)} is too large (at most {MAX_PD} PD)")
    milli = _exact(dec, 1000)
    if milli is None:
        raise refused(what, f"{_shown(value)} has more than 3 decimals")
    return milli


def money_to_minor(value: str | Decimal | int | float, what: str | Ref,
                   maximum: int = MAX_MONEY) -> int:
    """An amount of money to integer hundredths."""
    dec = parse_decimal(str(value), what)
    if dec < 0:
        raise refused(what, f"must not be negative, got {_shown(value)}")
    if dec > maximum:
        raise refused(what, f"{_shown(value)} is too large (at most {maximum})")
    minor = _exact(dec, 100)
    if minor is None:
        raise refused(what, f"{_shown(value)} has more than 2 decimals")
    return minor


def tax_rate_to_ppm(value: str | Decimal | int | float, what: str | Ref) -> int:
    """A tax rate as a fraction (``0.06``) to integer parts per million, exactly:
    0 <= rate < 1 with at most 6 decimals (a rate of 6% is written 0.06, not 6)."""
    dec = parse_decimal(str(value), what)
    if not 0 <= dec < 1:
        raise refused(what, "must be at least 0 and below 1 (0.06 for 6%), "
                            f"got {_shown(value)}")
    ppm = _exact(dec, 1_000_000)
    if ppm is None:
        raise refused(what, f"{_shown(value)} has more than 6 decimals")
    return ppm


def tax_rate_of_ppm(ppm: int | None) -> Fraction | None:
    """A stored tax rate back to the exact fraction it is (60000 ppm is 6/100)."""
    return None if ppm is None else Fraction(ppm, 1_000_000)


def format_tax_rate(rate: Fraction) -> str:
    """A tax rate as the SOW file writes it: ``0.06``, exactly."""
    text = f"{Decimal(rate.numerator) / Decimal(rate.denominator):f}"
    return text if "." in text else text + ".0"


def digest(content: object) -> str:
    """SHA-256 of a document's canonical JSON (sorted keys, no spaces, UTF-8)."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- calendar


def shift(d: date, days: int) -> date:
    """``d`` moved by ``days``, held within the dates Python knows (0001-01-01 to
    9999-12-31): a SOW may end on the last of them, and one step past it must not
    take a report down."""
    ordinal = min(max(d.toordinal() + days, date.min.toordinal()), date.max.toordinal())
    return date.fromordinal(ordinal)


def month_end(d: date) -> date:
    """The last day of ``d``'s month."""
    return date(d.year, d.month, monthrange(d.year, d.month)[1])


@lru_cache(maxsize=64)
def _country_year(country: str, year: int) -> tuple[frozenset[date], frozenset[date], bool]:
    """Holidays, make-up working days and 'schedule unpublished' for one country-year."""
    import holidays as holidays_lib  # imported late: it is slow to import

    try:
        table = holidays_lib.country_holidays(country, years=year)
    except NotImplementedError:
        raise LedgerError(f"calendar.country: {country!r} is not a known country code") from None
    days_off = frozenset(d for d in table if d.year == year)
    extra = frozenset(d for d in getattr(table, "weekend_workdays", ()) if d.year == year)
    specials = getattr(table, "special_public_holidays", {}) or {}
    unpublished = False
    if specials:
        last = max(specials)
        # Only countries that publish a yearly schedule with make-up days (CN) are flagged.
        if year > last and getattr(
            holidays_lib.country_holidays(country, years=last), "weekend_workdays", ()
        ):
            unpublished = True
    return days_off, extra, unpublished


@dataclass(frozen=True)
class Calendar:
    """Working days: Monday–Friday, minus holidays, plus make-up working days.

    The SOW's explicit ``holidays`` and ``workdays`` always win over the
    ``country`` table of the holidays library.
    """

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    country: str | None = None

    def is_working(self, d: date) -> bool:
        if d in self.workdays:
            return True
        if d in self.holidays:
            return False
        if self.country:
            days_off, extra, _ = _country_year(self.country, d.year)
            if d in extra:
                return True
            if d in days_off:
                return False
        return d.weekday() < 5

    def working_days(self, first: date, last: date) -> list[date]:
        """Working days in first..last, both included."""
        days = []
        for ordinal in range(first.toordinal(), last.toordinal() + 1):  # last may be date.max
            d = date.fromordinal(ordinal)
            if self.is_working(d):
                days.append(d)
        return days

    def count(self, first: date, last: date) -> int:
        return len(self.working_days(first, last))

    def nth_working_day_after(self, d: date, n: int, limit: date = date.max) -> date | None:
        """The n-th working day strictly after ``d`` (n >= 1); None if it is after ``limit``."""
        if n < 1:
            raise ValueError("n must be >= 1")
        while d < limit:
            d += timedelta(days=1)
            if self.is_working(d):
                n -= 1
                if n == 0:
                    return d
        return None

    def unpublished_years(self, first: date, last: date) -> list[int]:
        """Years in first..last whose official schedule the library does not know."""
        if not self.country:
            return []
        return [y for y in range(first.year, last.year + 1)
                if _country_year(self.country, y)[2]]


def country_warning(cal: Calendar, first: date, last: date) -> str | None:
    years = cal.unpublished_years(first, last)
    if not years:
        return None
    listed = ", ".join(str(y) for y in years)
    return (f"warning: the official {cal.country} holiday schedule for {listed} is not "
            f"published in the holidays library; list [calendar] holidays and workdays "
            f"explicitly for those years")


# ---------------------------------------------------------------- facts


@dataclass(frozen=True)
class DayTotal:
    """Minutes one person worked on one date, charged at one grade."""

    on: date
    person: str
    grade: str
    minutes: int


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


# ---------------------------------------------------------------- rules


def overtime_minutes(day_totals: Iterable[DayTotal], cal: Calendar,
                     minutes_per_day: int) -> int:
    """All minutes on non-working days plus minutes beyond a day's hours on working days."""
    per_person_day: dict[tuple[str, date], int] = defaultdict(int)
    for t in day_totals:
        per_person_day[(t.person, t.on)] += t.minutes
    total = 0
    for (_, on), minutes in per_person_day.items():
        if cal.is_working(on):
            total += max(0, minutes - minutes_per_day)
        else:
            total += minutes
    return total


def budget_at(baseline: Mapping[str, int], changes: Iterable[ChangeFact],
              d: date) -> dict[str, Fraction]:
    """PD per grade: baseline plus the deltas of every CR effective on or before d."""
    milli: dict[str, int] = defaultdict(int)
    for grade, value in baseline.items():
        milli[grade] += value
    for cr in changes:
        if cr.effective_by(d):
            for grade, value in cr.deltas.items():
                milli[grade] += value
    return {g: pd_of_milli(v) for g, v in milli.items()}


def end_at(sow_end: date, changes: Iterable[ChangeFact], d: date) -> date:
    """The project's end date as of d: the newest effective CR's new end, else the SOW's."""
    effective = [cr for cr in changes if cr.effective_by(d) and cr.new_end is not None]
    if not effective:
        return sow_end
    latest = max(effective, key=lambda cr: (cr.effective_on, cr.number))
    assert latest.new_end is not None
    return latest.new_end


def quota_limit_at(quota: QuotaFact, changes: Iterable[ChangeFact], d: date) -> int:
    return quota.limit + sum(cr.quota_deltas.get(quota.key, 0)
                             for cr in changes if cr.effective_by(d))


def ideal_at(budget: Fraction, total_days: int, elapsed_days: int) -> Fraction:
    """ideal(d) = budget(d) x (W - w(d)) / W."""
    if total_days == 0:
        return Fraction(0)
    return budget * (total_days - elapsed_days) / total_days


def forecast_end(cal: Calendar, start: date, as_of: date, remaining: Fraction,
                 pd_by_date: Mapping[date, Fraction]) -> date | None:
    """The date the remaining budget runs out at the recent burn rate, or None.

    rate = PD dated on the last 10 working days up to as_of (fewer if fewer have
    elapsed since start) / that number of days.
    """
    window = cal.working_days(start, as_of)[-FORECAST_WINDOW:]
    if not window:
        return None
    rate = sum((pd_by_date.get(d, Fraction(0)) for d in window), Fraction(0)) / len(window)
    if rate <= 0:
        return None
    if remaining <= 0:
        return as_of
    # A trickle of hours against a large budget would put the end thousands of years out
    # (and past 9999-12-31, which no date holds): beyond the horizon there is no forecast.
    horizon = date(min(as_of.year + FORECAST_HORIZON_YEARS, date.max.year), 12, 31)
    return cal.nth_working_day_after(as_of, math.ceil(remaining / rate), horizon)


def blocked_days(blockers: Iterable[BlockerFact], cal: Calendar, as_of: date) -> dict[str, int]:
    """Per party, distinct working days on which one of its blockers was open.

    A blocker is open on d when raised <= d < resolved, or raised <= d <= as_of
    while it is still open (or resolved after as_of).
    """
    days: dict[str, set[date]] = {p: set() for p in ("client", "vendor")}
    for b in blockers:
        if b.raised_on > as_of:
            continue
        if b.resolved_on is not None and b.resolved_on <= as_of:
            if b.resolved_on == date.min:
                continue  # resolved on the first day there is: open on no day
            last = b.resolved_on - timedelta(days=1)
        else:
            last = as_of
        days.setdefault(b.party, set()).update(cal.working_days(b.raised_on, last))
    return {p: len(ds) for p, ds in days.items()}


def working_days_open(cal: Calendar, raised_on: date, resolved_on: date | None,
                      as_of: date) -> int:
    """A blocker's age in working days (raised..as_of, or until resolved)."""
    if resolved_on and resolved_on <= as_of:
        if resolved_on == date.min:
            return 0  # resolved on the first day there is
        return cal.count(raised_on, resolved_on - timedelta(days=1))
    return cal.count(raised_on, as_of)


# ---------------------------------------------------------------- confirmed hours


def confirmed_spans(periods: Iterable[tuple[date | None, date | None, str]]
                    ) -> tuple[tuple[date, date], ...]:
    """The (first, last) days of the timesheet periods signed by both parties, from
    (first, last, status) triples: only these confirm the hours logged in them (a period
    signed by one party, withdrawn or open confirms nothing)."""
    return tuple(sorted((first, last) for first, last, status in periods
                        if status == DOC_EFFECTIVE and first is not None and last is not None))


def is_confirmed(on: date, spans: Iterable[tuple[date, date]]) -> bool:
    """Whether the hours logged on ``on`` are confirmed: a period signed by both parties
    (:func:`confirmed_spans`) covers the day."""
    return any(first <= on <= last for first, last in spans)


def unconfirmed_minutes(day_totals: Iterable[DayTotal],
                        spans: Iterable[tuple[date, date]]) -> dict[str, int]:
    """Per grade, the minutes logged on days no period signed by both parties covers
    (every grade with hours logged appears, with 0 when all of them are confirmed)."""
    spans = tuple(spans)
    out: dict[str, int] = {}
    for t in day_totals:
        out.setdefault(t.grade, 0)
        if not is_confirmed(t.on, spans):
            out[t.grade] += t.minutes
    return dict(sorted(out.items(), key=lambda kv: (grade_order(kv[0]), kv[0])))


# ---------------------------------------------------------------- dual sign-off

DOC_OPEN = "open"  # no signature yet: content may change
DOC_SIGNING = "signing"  # one party signed: content frozen
DOC_EFFECTIVE = "effective"  # both parties signed
DOC_WITHDRAWN = "withdrawn"
DOC_REJECTED = "rejected"  # an acceptance whose client signature rejected it
DOC_CLOSED = (DOC_WITHDRAWN, DOC_REJECTED)  # no longer counts: its signatures bind nothing

# The acceptance's conclusion, recorded with the client's signature (SPEC §8).
CONCLUSIONS = ("accepted", "conditional", "rejected")


def may_sign(party: str, role: str) -> bool:
    """A vendor lead or signatory, or a client signatory: the permission matrix's SIGN."""
    return allowed(Actor("signer", party, role), Action.SIGN)


def acceptance_conclusion(party: str, conclusion: str | None,
                          comment: str) -> tuple[str | None, str]:
    """(conclusion, comment) a signature of the acceptance records, or a refusal.

    Only the client's signature records a conclusion; without one it is ``accepted``.
    Accepting with conditions, or rejecting, says why in the comment."""
    if party != "client":
        if conclusion is not None or comment:
            field = "conclusion" if conclusion is not None else "comment"
            raise FieldError(field, "only the client's signature records the acceptance's "
                                    "conclusion and comments")
        return None, ""
    conclusion = conclusion or "accepted"
    if conclusion not in CONCLUSIONS:
        raise FieldError("conclusion", f"{conclusion!r} is not one of "
                                       f"{', '.join(CONCLUSIONS)}")
    if conclusion != "accepted" and not comment.strip():
        raise FieldError("comment", f"a {conclusion} acceptance says why: give the "
                                    f"{'conditions' if conclusion == 'conditional' else 'reasons'}")
    return conclusion, comment.strip()


def check_signature(doc: str, status: str, existing: Sequence[SignatureFact],
                    new: SignatureFact, not_before: date | None = None) -> None:
    """Raise LedgerError when ``new`` may not sign the document ``doc``."""
    if status in DOC_CLOSED:
        raise LedgerError(f"{doc}: is {status} and cannot be signed")
    if status == DOC_EFFECTIVE:
        raise LedgerError(f"{doc}: is already signed by both parties")
    if not may_sign(new.party, new.role):
        raise FieldError(
            "actor", f"{new.person} is a {new.party} {new.role}; only a vendor lead or "
                     f"signatory and a client signatory can sign {doc}")
    if any(s.person == new.person for s in existing):
        raise FieldError("actor", f"{new.person} has already signed {doc}")
    if not_before is not None and new.on < not_before:
        raise FieldError("on", f"{new.on} is too early to sign {doc} (not before {not_before})")


def signoff_state(signatures: Sequence[SignatureFact]) -> tuple[str, date | None]:
    """(status, effective date) of a document from its signatures.

    Effective once one valid vendor and one valid client signature exist, on
    the date of the later of the two (the last required signature).
    """
    vendor = [s.on for s in signatures if s.party == "vendor" and may_sign(s.party, s.role)]
    client = [s.on for s in signatures if s.party == "client" and may_sign(s.party, s.role)]
    if vendor and client:
        return DOC_EFFECTIVE, max(min(vendor), min(client))
    if signatures:
        return DOC_SIGNING, None
    return DOC_OPEN, None


# ---------------------------------------------------------------- plausible values (SPEC §7)


def check_date(on: date, what: str | Ref, today: date, start: date | None = None) -> None:
    """The one rule for the date of something that happened: an entry, a signature, an
    event (a CR raised, a blocker, a quota use). Not after ``today`` (the person's own
    date), and not before the SOW's ``start`` when one is given."""
    if on > today:
        raise refused(what, f"{on} is after today ({today}); a date records what "
                               f"already happened")
    if start is not None and on < start:
        raise refused(what, f"{on} is before the SOW start {start}")


_LAST = Ref("last")  # the period's last day (the command line's --to)


def check_period_over(last: date, today: date, what: str | Ref = _LAST) -> None:
    """A period is signed once its last day is over: a signature freezes its days, and on
    its last day (or before) hours are still being worked and logged."""
    if last >= today:
        raise refused(what, f"the period ends on {last}, which is not over yet (today "
                               f"is {today}); sign it from {last + timedelta(days=1)} on")


def check_not_negative(milli: int, what: str | Ref) -> None:
    """A budget, an estimate or an allocation (thousandths of a PD) is never negative."""
    if milli < 0:
        raise refused(what, f"must not be negative, got {format_pd(pd_of_milli(milli))}")


def pd_amount_to_milli(value: str | Decimal | int | float, what: str | Ref) -> int:
    """A PD amount that cannot be negative (a budget, an estimate, an allocation)."""
    milli = pd_to_milli(value, what)
    check_not_negative(milli, what)
    return milli


def check_change_not_empty(change: ChangeFact, current_end: date) -> None:
    """A change request must change something: a PD or quota delta of 0 changes nothing,
    nor does a new end equal to the current one."""
    if (not any(change.deltas.values()) and not any(change.quota_deltas.values())
            and (change.new_end is None or change.new_end == current_end)):
        raise FieldError("deltas", "the change request changes nothing: give a PD delta (",
                         Ref("deltas"), "), a quota delta (", Ref("quotas"),
                         ") or a new end (", Ref("end"), ")")


def check_change_not_negative(change: ChangeFact, baseline: Mapping[str, int],
                              quotas: Iterable[QuotaFact],
                              changes: Iterable[ChangeFact]) -> None:
    """Once ``change`` is effective on top of the baseline and every other effective CR
    (``changes`` may include ``change`` itself; it is counted once), no grade's budget
    and no quota limit may be negative. The budget is checked per grade: the total is
    then never negative either."""
    others = [cr for cr in changes if cr.number != change.number]
    budget: dict[str, int] = defaultdict(int, baseline)
    for cr in others:
        if cr.effective_by(date.max):
            for grade, milli in cr.deltas.items():
                budget[grade] += milli
    for grade in sorted(change.deltas, key=grade_order):
        after = budget[grade] + change.deltas[grade]
        if after < 0:
            raise FieldError(
                "deltas", f"would make the {grade} budget {format_pd(pd_of_milli(after))} PD (it "
                f"is {format_pd(pd_of_milli(budget[grade]))} PD); a budget cannot be negative",
                item=grade)
    for q in quotas:
        delta = change.quota_deltas.get(q.key)
        if delta is None:
            continue
        limit = quota_limit_at(q, others, date.max)
        if limit + delta < 0:
            raise FieldError("quotas", f"would make its limit {limit + delta} (it is {limit}); a "
                             f"quota limit cannot be negative", item=q.key)


# ---------------------------------------------------------------- summary


@dataclass(frozen=True)
class GradeFigures:
    grade: str
    budget_pd: Fraction
    consumed_pd: Fraction

    @property
    def remaining_pd(self) -> Fraction:
        return self.budget_pd - self.consumed_pd


@dataclass(frozen=True)
class Summary:
    """The figures of SPEC.md §3 as of one date, exact."""

    code: str
    as_of: date
    currency: str
    end: date
    by_grade: tuple[GradeFigures, ...]
    overtime_pd: Fraction
    budget_cost: Fraction
    consumed_cost: Fraction
    blocked_days: Mapping[str, int]
    working_days_total: int
    working_days_elapsed: int
    forecast_end: date | None
    quotas: tuple[tuple[str, str, int, int], ...]  # key, title, limit, used
    effective_changes: tuple[str, ...]
    pending_changes: tuple[str, ...]

    @property
    def budget_pd(self) -> Fraction:
        return sum((g.budget_pd for g in self.by_grade), Fraction(0))

    @property
    def consumed_pd(self) -> Fraction:
        return sum((g.consumed_pd for g in self.by_grade), Fraction(0))

    @property
    def remaining_pd(self) -> Fraction:
        return self.budget_pd - self.consumed_pd

    def to_json(self) -> dict:
        """The JSON of ``report summary --json`` (SPEC.md §6)."""
        return {
            "project": self.code,
            "as_of": self.as_of.isoformat(),
            "budget_pd": float(round_pd(self.budget_pd)),
            "consumed_pd": float(round_pd(self.consumed_pd)),
            "remaining_pd": float(round_pd(self.remaining_pd)),
            "overtime_pd": float(round_pd(self.overtime_pd)),
            "by_grade": {
                g.grade: {
                    "budget_pd": float(round_pd(g.budget_pd)),
                    "consumed_pd": float(round_pd(g.consumed_pd)),
                    "remaining_pd": float(round_pd(g.remaining_pd)),
                }
                for g in self.by_grade
            },
            "cost": {
                "budget": float(round_money(self.budget_cost)),
                "consumed": float(round_money(self.consumed_cost)),
                "currency": self.currency,
            },
            "blocked_days": dict(self.blocked_days),
            "working_days": {"total": self.working_days_total,
                             "elapsed": self.working_days_elapsed},
            "forecast_end": self.forecast_end.isoformat() if self.forecast_end else None,
            "quotas": {key: {"limit": limit, "used": used}
                       for key, _, limit, used in self.quotas},
            "change_requests": {"effective": list(self.effective_changes),
                                "pending": list(self.pending_changes)},
        }


def _consumed_by_grade(facts: LedgerFacts, d: date) -> dict[str, Fraction]:
    minutes: dict[str, int] = defaultdict(int)
    for t in facts.day_totals:
        if t.on <= d:
            minutes[t.grade] += t.minutes
    return {g: pd_of_minutes(m, facts.minutes_per_day) for g, m in minutes.items()}


def _cost(pd_by_grade: Mapping[str, Fraction], rates: Mapping[str, int]) -> Fraction:
    return sum((pd * Fraction(rates.get(g, 0), 100) for g, pd in pd_by_grade.items()),
               Fraction(0))


def summarize(facts: LedgerFacts, as_of: date) -> Summary:
    """Every figure of ``report summary`` as of ``as_of``."""
    cal = facts.calendar
    budget = budget_at(facts.baseline, facts.changes, as_of)
    consumed = _consumed_by_grade(facts, as_of)
    grades = sorted({g for g, v in budget.items() if v != 0} | set(consumed), key=grade_order)
    by_grade = tuple(GradeFigures(g, budget.get(g, Fraction(0)), consumed.get(g, Fraction(0)))
                     for g in grades)
    end = end_at(facts.end, facts.changes, as_of)
    total_days = cal.count(facts.start, end)
    elapsed = cal.count(facts.start, min(as_of, end))

    to_date = [t for t in facts.day_totals if t.on <= as_of]
    pd_by_date: dict[date, Fraction] = defaultdict(Fraction)
    for t in to_date:
        pd_by_date[t.on] += pd_of_minutes(t.minutes, facts.minutes_per_day)
    remaining = sum(budget.values(), Fraction(0)) - sum(consumed.values(), Fraction(0))

    quotas = []
    for q in facts.quotas:
        used = sum(n for on, n in q.uses if on <= as_of)
        quotas.append((q.key, q.title, quota_limit_at(q, facts.changes, as_of), used))

    live = [cr for cr in facts.changes if cr.raised_on <= as_of and not cr.withdrawn]
    return Summary(
        code=facts.code,
        as_of=as_of,
        currency=facts.currency,
        end=end,
        by_grade=by_grade,
        overtime_pd=pd_of_minutes(overtime_minutes(to_date, cal, facts.minutes_per_day),
                                  facts.minutes_per_day),
        budget_cost=_cost(budget, facts.rates),
        consumed_cost=_cost(consumed, facts.rates),
        blocked_days=blocked_days(facts.blockers, cal, as_of),
        working_days_total=total_days,
        working_days_elapsed=elapsed,
        forecast_end=forecast_end(cal, facts.start, as_of, remaining, pd_by_date),
        quotas=tuple(quotas),
        effective_changes=tuple(cr.number for cr in live if cr.effective_by(as_of)),
        pending_changes=tuple(cr.number for cr in live if not cr.effective_by(as_of)),
    )


@dataclass(frozen=True)
class BurndownRow:
    on: date
    budget_pd: Fraction
    consumed_pd: Fraction | None
    ideal_pd: Fraction

    @property
    def remaining_pd(self) -> Fraction | None:
        return None if self.consumed_pd is None else self.budget_pd - self.consumed_pd

    def to_json(self) -> dict:
        def opt(v: Fraction | None) -> float | None:
            return None if v is None else float(round_pd(v))

        return {"date": self.on.isoformat(), "budget_pd": float(round_pd(self.budget_pd)),
                "consumed_pd": opt(self.consumed_pd), "remaining_pd": opt(self.remaining_pd),
                "ideal_pd": float(round_pd(self.ideal_pd))}


def burndown(facts: LedgerFacts, as_of: date) -> list[BurndownRow]:
    """One row per working day from start to the end (as of ``as_of``).

    Rows after ``as_of`` carry no consumption, and their budget is the budget
    as of ``as_of``: the burn-down shows what was known on that date.
    """
    cal = facts.calendar
    end = end_at(facts.end, facts.changes, as_of)
    days = cal.working_days(facts.start, end)
    total = len(days)
    minutes_by_date: dict[date, int] = defaultdict(int)
    for t in facts.day_totals:
        minutes_by_date[t.on] += t.minutes
    ordered = sorted(minutes_by_date.items())
    rows = []
    cumulative = 0
    i = 0
    for n, d in enumerate(days, start=1):
        while i < len(ordered) and ordered[i][0] <= d:
            cumulative += ordered[i][1]
            i += 1
        # Seen from as_of: a CR that took effect later is not known yet (as in the summary).
        budget = sum(budget_at(facts.baseline, facts.changes, min(d, as_of)).values(),
                     Fraction(0))
        consumed = pd_of_minutes(cumulative, facts.minutes_per_day) if d <= as_of else None
        rows.append(BurndownRow(d, budget, consumed, ideal_at(budget, total, n)))
    return rows


# ---------------------------------------------------------------- dashboard alerts

BLOCKER_ALERT_DAYS = 3  # a blocker open for more than this many working days is an alert


#: an alert's sentence per kind; its ``args`` fill the slots (a printed sheet may use its own)
ALERT_TEXT = {
    "grade": "{0} is over budget: {1} of {2} PD consumed",
    "quota": "quota {0} is at its limit: {1} of {2} used",
    "blocker": "blocker {0} ({1}) open for {2} working days",
    "missing": "{0} has no entry on {1}",
    "forecast": "forecast end {0} is after the end {1}",
}
#: the same sentences in Chinese (a printed sheet names the grade, quota and person first)
ALERT_TEXT_ZH = {
    "grade": "{0}超出预算：已消耗 {1} 人天，预算 {2} 人天",
    "quota": "额度“{0}”已用尽：已用 {1}，上限 {2}",
    "blocker": "阻塞问题 {0}（{1}）已持续 {2} 个工作日",
    "missing": "{0}在 {1} 没有登记工时",
    "forecast": "预测完成日 {0} 晚于结束日期 {1}",
}


def alert_text(kind: str, args: Sequence[str], lang: str = "en") -> str:
    """The one wording of an alert: its sentence in ``lang`` filled with ``args`` (the
    ledger's ids and keys for the command line, names and titles on a printed sheet)."""
    return (ALERT_TEXT_ZH if lang == "zh" else ALERT_TEXT)[kind].format(*args)


@dataclass(frozen=True)
class Alert:
    kind: str  # grade | quota | blocker | missing | forecast
    args: tuple[str, ...]  # what the sentence names, in the order of ALERT_TEXT[kind]

    @property
    def text(self) -> str:
        return alert_text(self.kind, self.args)


def last_working_day_before(cal: Calendar, start: date, as_of: date) -> date | None:
    """The newest working day strictly before as_of, not before start."""
    for ordinal in range(as_of.toordinal() - 1, start.toordinal() - 1, -1):
        d = date.fromordinal(ordinal)  # never a step before 0001-01-01
        if cal.is_working(d):
            return d
    return None


def alerts(summary: Summary, blockers: Iterable[BlockerFact], cal: Calendar, start: date,
           engineers: Sequence[str], logged_on: Mapping[date, set[str]]) -> list[Alert]:
    """What the lead must see first: a grade over budget, a quota at its limit, a
    blocker open for more than 3 working days, an engineer with no entry on the last
    working day, a forecast end after the SOW end."""
    as_of = summary.as_of
    out: list[Alert] = []
    for g in summary.by_grade:
        if g.consumed_pd > g.budget_pd:
            out.append(Alert("grade", (g.grade, format_pd(g.consumed_pd),
                                       format_pd(g.budget_pd))))
    for key, _title, limit, used in summary.quotas:
        if used >= limit:
            out.append(Alert("quota", (key, str(used), str(limit))))
    for b in blockers:
        if b.raised_on > as_of or (b.resolved_on is not None and b.resolved_on <= as_of):
            continue
        days = working_days_open(cal, b.raised_on, None, as_of)
        if days > BLOCKER_ALERT_DAYS:
            out.append(Alert("blocker", (b.number, b.party, str(days))))
    last = last_working_day_before(cal, start, as_of)
    if last is not None:
        for person in engineers:
            if person not in logged_on.get(last, set()):
                out.append(Alert("missing", (person, last.isoformat())))
    if summary.forecast_end is not None and summary.forecast_end > summary.end:
        out.append(Alert("forecast", (summary.forecast_end.isoformat(),
                                      summary.end.isoformat())))
    return out


def plain_decimal(value: Decimal) -> str:
    """A decimal without trailing zeros (8.500 -> 8.5, -0.000 -> 0)."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_pd(value: Fraction | int | None) -> str:
    """A PD figure as people read it: 3 decimals at most, no trailing zeros (13.438, 95)."""
    return "" if value is None else plain_decimal(round_pd(value))


def format_signed_pd(value: Fraction | int) -> str:
    """A PD change with its sign: +10, -2.5, 0."""
    text = format_pd(value)
    return text if text.startswith("-") or text == "0" else "+" + text


def format_money(value: Fraction | int | Decimal | float) -> str:
    """An amount with thousands separators and 2 decimals: 1,396,000.00."""
    return f"{round_money(Fraction(value)):,.2f}"


def budget_if_signed(summary: Summary, change: ChangeFact) -> dict[str, tuple[Fraction, Fraction]]:
    """Per grade touched by ``change``: (budget now, budget once it takes effect)."""
    now = {g.grade: g.budget_pd for g in summary.by_grade}
    out = {}
    for grade, milli in sorted(change.deltas.items(), key=lambda kv: grade_order(kv[0])):
        before = now.get(grade, Fraction(0))
        out[grade] = (before, before + pd_of_milli(milli))
    return out
