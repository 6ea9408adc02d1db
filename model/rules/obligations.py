"""Obligations (SPEC §9): what one party must provide, when it is due, and what it costs
when it comes late.

A client obligation not done by its due date counts as a client blocker, raised on the
first working day after the due date and resolved on the day it is done (or still
open): :func:`obligation_blockers` turns the obligations into the same
:class:`BlockerFact`\\ s that :func:`model.rules.budget.blocked_days` counts, under the
obligation's key, so a day blocked by an obligation and by a blocker raised by hand
counts once. A vendor obligation done late is alerted but blocks nobody's days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from model.rules.facts import BlockerFact, ObligationFact
from model.rules.workdays import Calendar

#: the party whose late obligation counts as a blocker of that party
BLOCKING_PARTY = "client"


def due_date(ob: ObligationFact, cal: Calendar, start: date) -> date:
    """The date ``ob`` is due: its ``due``, else the ``due_days``-th working day after
    ``start`` (0: the start itself)."""
    if ob.due is not None:
        return ob.due
    n = ob.due_days or 0
    if n == 0:
        return start
    found = cal.nth_working_day_after(start, n)
    return found if found is not None else date.max


def late_from(due: date, cal: Calendar) -> date | None:
    """The first working day after ``due``: the day a missing obligation starts being
    late (None when no working day follows, the end of the calendar)."""
    return cal.nth_working_day_after(due, 1)


def days_late(ob: ObligationFact, cal: Calendar, start: date, as_of: date) -> int:
    """Working days ``ob`` has been late as of ``as_of``: the working days from the first
    working day after its due date up to the day before it was done, or up to ``as_of``
    while it is not done (done on or before the due date: 0)."""
    first = late_from(due_date(ob, cal, start), cal)
    if first is None or first > as_of:
        return 0
    if ob.done_on is not None and ob.done_on <= as_of:
        if ob.done_on <= first:
            return 0
        return cal.count(first, ob.done_on - timedelta(days=1))
    return cal.count(first, as_of)


def is_due(ob: ObligationFact, cal: Calendar, start: date, as_of: date) -> bool:
    """Not done as of ``as_of`` and due on or before it (what ``remind`` reminds of)."""
    done = ob.done_on is not None and ob.done_on <= as_of
    return not done and due_date(ob, cal, start) <= as_of


def is_overdue(ob: ObligationFact, cal: Calendar, start: date, as_of: date) -> bool:
    """Not done as of ``as_of`` and its due date has passed."""
    return is_due(ob, cal, start, as_of) and due_date(ob, cal, start) < as_of


def obligation_blockers(obligations: Iterable[ObligationFact], cal: Calendar,
                        start: date) -> list[BlockerFact]:
    """The client blockers that late client obligations count as, each under the
    obligation's key: raised on the first working day after the due date, resolved on
    the date it was done (None: not done). An obligation done by the first working day
    after its due date was late on no working day and blocks nothing."""
    out = []
    for ob in obligations:
        if ob.party != BLOCKING_PARTY:
            continue
        raised = late_from(due_date(ob, cal, start), cal)
        if raised is None or (ob.done_on is not None and ob.done_on <= raised):
            continue
        out.append(BlockerFact(ob.key, ob.party, raised, ob.done_on))
    return out
