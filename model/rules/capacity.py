"""Tasks and capacity (SPEC §9): a person's allocations against their capacity.

A person's *capacity* is their active working days minus their working days away, in
person-days (:func:`model.rules.staffing.capacity_days`). Their *allocation* is the sum
of the PD planned for them on every task. An allocation that takes that sum above the
capacity is refused unless the planner says so (:func:`check_capacity`); an accepted
one is marked wherever the person is shown (:attr:`Workload.over`) and alerted.

A replacement splits each open allocation of the person replaced
(:func:`replacement_split`): they keep the part they already consumed on the task,
the rest moves to the newcomer.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import ceil

from model.errors import Ref, refused
from model.i18n import _, parts
from model.rules.amounts import format_pd
from model.rules.numbers import pd_of_milli

PD = Ref("PD")  # the allocation's planned PD (the app's "Planned PD" field)
OVER = Ref("over")  # the planner's "allow over capacity"


def over_capacity(allocated_milli: int, capacity_days: int) -> bool:
    """Whether a total allocation (thousandths of a PD) exceeds a capacity (whole PD)."""
    return allocated_milli > capacity_days * 1000


@dataclass(frozen=True)
class Workload:
    """``person``'s total allocation over all tasks against their capacity."""

    person: str
    allocated_milli: int
    capacity_days: int

    @property
    def over(self) -> bool:
        return over_capacity(self.allocated_milli, self.capacity_days)

    @property
    def worded(self) -> str:
        """"over capacity: 115 of 100 PD" (or "80 of 100 PD")."""
        figures = _("{allocated} of {capacity} PD").format(
            allocated=format_pd(pd_of_milli(self.allocated_milli)), capacity=self.capacity_days)
        return _("over capacity: {figures}").format(figures=figures) if self.over else figures


def check_capacity(person: str, allocated_milli: int, capacity_days: int, over: bool,
                   what: str | Ref = PD) -> None:
    """Refuse a new total allocation of ``person`` above their capacity unless ``over``,
    naming ``what`` (the allocation's PD) and saying total and capacity."""
    if over or not over_capacity(allocated_milli, capacity_days):
        return
    raise refused(what, *parts(
        _("{person}'s allocations would total {allocated} PD, over their capacity of "
          "{capacity} PD (their active working days minus days away); lower it, or allow it "
          "with {over}"),
        person=person, allocated=format_pd(pd_of_milli(allocated_milli)),
        capacity=capacity_days, over=OVER))


def replacement_split(planned_milli: int, consumed_minutes: int,
                      minutes_per_day: int) -> tuple[int, int]:
    """(kept, moved) thousandths of a PD of an allocation of a person replaced: they keep
    what they consumed on the task (rounded up to a thousandth, at most the allocation),
    the rest moves to the newcomer."""
    consumed = ceil(Fraction(consumed_minutes, minutes_per_day) * 1000)
    kept = max(0, min(planned_milli, consumed))
    return kept, planned_milli - kept
