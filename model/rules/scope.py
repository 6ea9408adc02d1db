"""The signed scope (需求范围确认, SPEC §9): the task breakdown both parties signed, and
the estimates as of a date once change requests change it.

After the scope is signed, a task's estimate is its signed estimate plus the estimate
changes of every change request effective by then, and a task a change request adds
exists from that request's effective date. Nothing here knows how the values were typed:
a refusal names the input (``estimates``, ``add_tasks``) and the task.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from model.errors import FieldError, Ref
from model.i18n import _, parts
from model.rules.amounts import format_pd
from model.rules.numbers import pd_of_milli
from model.rules.workdays import Calendar

#: the scope document's number prefix (the first is SCOPE-001; a withdrawn one is followed
#: by SCOPE-002)
SCOPE_PREFIX = "SCOPE"


@dataclass(frozen=True)
class ScopeChange:
    """What one change request does to the scope."""

    number: str
    effective_on: date | None  # None: not (yet) effective
    estimates: Mapping[str, int] = field(default_factory=dict)  # task code -> milli-PD delta
    added: Mapping[str, tuple[str, int]] = field(default_factory=dict)  # code -> (title, milli)

    @property
    def empty(self) -> bool:
        return not self.added and not any(self.estimates.values())


def estimates_at(signed: Mapping[str, int], changes: Iterable[ScopeChange],
                 on: date) -> dict[str, int]:
    """Each task's estimate (milli-PD) as of ``on``: the signed estimate plus the estimate
    changes of the change requests effective by ``on``, in the order they took effect; a
    task added by one of them from its effective date."""
    out = dict(signed)
    effective = sorted((c for c in changes if c.effective_on is not None
                        and c.effective_on <= on), key=lambda c: c.effective_on or date.min)
    for c in effective:
        for code, (_title, milli) in c.added.items():
            out[code] = milli
        for code, delta in c.estimates.items():
            out[code] = out.get(code, 0) + delta
    return out


def check_scope_change(signed: Mapping[str, int], effective: Iterable[ScopeChange],
                       change: ScopeChange) -> None:
    """Refuse a change request whose estimate change names an unknown task or takes an
    estimate below 0, or which adds a task whose code exists, on top of the signed scope
    and the change requests already effective (``effective`` must not hold ``change``)."""
    now = estimates_at(signed, [c for c in effective if c.number != change.number], date.max)
    for code, (_title, milli) in change.added.items():
        if code in now:
            raise FieldError("add_tasks", _("a task {code!r} already exists").format(code=code),
                             item=code)
        if milli < 0:
            raise FieldError("add_tasks", _("an estimate of {pd} PD is below 0").format(
                pd=format_pd(pd_of_milli(milli))), item=code)
    for code, delta in change.estimates.items():
        if code not in now and code not in change.added:
            known = ", ".join(sorted(now))
            raise FieldError("estimates", (
                _("unknown task {code!r} (known: {known})") if known
                else _("unknown task {code!r}")).format(code=code, known=known))
        before = now.get(code, change.added.get(code, ("", 0))[1])
        if before + delta < 0:
            raise FieldError("estimates", _("{code}'s estimate would be {after} PD, below 0 "
                                           "(now {now} PD)").format(
                code=code, after=format_pd(pd_of_milli(before + delta)),
                now=format_pd(pd_of_milli(before))), item=code)


def scope_signed_refusal(field_name: str, number: str, status: str,
                         by_change: str) -> FieldError:
    """The refusal of a direct change to a signed scope (or one being signed), naming the
    field and the change request's input that changes it instead."""
    if status == "signing":
        return FieldError(field_name, *parts(
            _("the scope {number} is being signed: change it with a change request once it "
              "is signed (cr new {input} …), or withdraw the signature"),
            number=number, input=Ref(by_change)))
    return FieldError(field_name, *parts(
        _("the scope {number} is signed: change it with a change request (cr new {input} …)"),
        number=number, input=Ref(by_change)))


def plan_confirm_deadline(cal: Calendar, start: date, days: int | None) -> date | None:
    """The day by which the scope should be signed: ``days`` working days after the
    start (the start itself is day 0); None when the SOW sets no deadline."""
    if days is None:
        return None
    return start if days == 0 else cal.nth_working_day_after(start, days)


def scope_alert_args(cal: Calendar, deadline: date | None, signed_on: date | None,
                     as_of: date) -> tuple[str, ...] | None:
    """The ``scope_unsigned`` alert's args (the deadline, working days past it) when the
    scope is not signed by both parties as of ``as_of`` and its deadline has passed."""
    if deadline is None or as_of <= deadline:
        return None
    if signed_on is not None and signed_on <= as_of:
        return None
    return (deadline.isoformat(), str(cal.count(deadline + timedelta(days=1), as_of)))
