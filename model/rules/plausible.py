"""Plausible values (SPEC §7): dates, periods, amounts and change requests a ledger refuses."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal

from model.errors import FieldError, Ref, refused
from model.i18n import _, parts
from model.rules.amounts import format_pd, pd_to_milli
from model.rules.budget import quota_limit_at
from model.rules.facts import ChangeFact, QuotaFact
from model.rules.numbers import pd_of_milli
from model.rules.vocabulary import grade_order


def check_date(on: date, what: str | Ref, today: date, start: date | None = None) -> None:
    """The one rule for the date of something that happened: an entry, a signature, an
    event (a CR raised, a blocker, a quota use). Not after ``today`` (the person's own
    date), and not before the SOW's ``start`` when one is given."""
    if on > today:
        raise refused(what, _("{day} is after today ({today}); a date records what "
                                 "already happened").format(day=on, today=today))
    if start is not None and on < start:
        raise refused(what, _("{day} is before the SOW start {start}").format(day=on, start=start))


_LAST = Ref("last")  # the period's last day (the command line's --to)


def check_period(first: date | None, last: date | None) -> None:
    """The one rule for a period typed as its first and last day: the last is not before
    the first. A bound left out (None) is open."""
    if first is not None and last is not None and last < first:
        raise FieldError("last", *parts(_("{last} is before {first_day} {first}"),
                                         last=last, first_day=Ref("first"), first=first))


def check_period_over(last: date, today: date, what: str | Ref = _LAST) -> None:
    """A period is signed once its last day is over: a signature freezes its days, and on
    its last day (or before) hours are still being worked and logged."""
    if last >= today:
        raise refused(what, _("the period ends on {last}, which is not over yet (today "
                                 "is {today}); sign it from {next} on").format(
            last=last, today=today, next=last + timedelta(days=1)))


def check_not_negative(milli: int, what: str | Ref) -> None:
    """A budget, an estimate or an allocation (thousandths of a PD) is never negative."""
    if milli < 0:
        raise refused(what, _("must not be negative, got {value}").format(
            value=format_pd(pd_of_milli(milli))))


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
        raise FieldError("deltas", *parts(
            _("the change request changes nothing: give a PD delta ({deltas}), a quota delta "
              "({quotas}) or a new end ({end})"),
            deltas=Ref("deltas"), quotas=Ref("quotas"), end=Ref("end")))


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
                "deltas", _("would make the {grade} budget {after} PD (it is {now} PD); a budget "
                          "cannot be negative").format(
                    grade=grade, after=format_pd(pd_of_milli(after)),
                    now=format_pd(pd_of_milli(budget[grade]))),
                item=grade)
    for q in quotas:
        delta = change.quota_deltas.get(q.key)
        if delta is None:
            continue
        limit = quota_limit_at(q, others, date.max)
        if limit + delta < 0:
            raise FieldError("quotas", _("would make its limit {after} (it is {limit}); a "
                                       "quota limit cannot be negative").format(
                after=limit + delta, limit=limit), item=q.key)
