"""The status report's obligations and staff changes (SPEC §9), read through the Ledger.

The report's period runs from the SOW's start to its as-of date: an obligation is listed
when it is overdue as of that date or was done late by then; a staff change when it
takes effect (a join, a replacement, a day away begins, a last working day) by then.
"""

from __future__ import annotations

from datetime import date

from model.rules.alerts import short_notice
from model.sheet_status import ObligationLine, StaffLine
from storage.services import Ledger


def obligation_lines(ledger: Ledger, as_of: date) -> tuple[tuple[ObligationLine, ...],
                                                          tuple[ObligationLine, ...]]:
    """(overdue, done late) as of ``as_of``, each in the SOW's order."""
    overdue, late = [], []
    for o in ledger.obligations(as_of):
        done = o.done_on if o.done_on is not None and o.done_on <= as_of else None
        line = ObligationLine(o.key, o.title, o.party, o.due, done, o.days_late)
        if o.overdue:
            overdue.append(line)
        elif done is not None and o.days_late > 0:
            late.append(line)
    return tuple(overdue), tuple(late)


def staff_lines(ledger: Ledger, as_of: date) -> tuple[StaffLine, ...]:
    """Joins, replacements, leaves and days away taking effect from the start to ``as_of``,
    by date (then person); a change recorded with less notice than the SOW asked is
    marked, as the staff_notice alert's rule says (:func:`model.rules.alerts.short_notice`)."""
    project = ledger.project()
    cal, _start, _end = ledger.calendar()
    people = ledger.people()
    names = {p.key: p.name for p in people}
    notice: dict[tuple[str, str, date], tuple[int, int] | None] = {}
    for c in ledger.staff_changes(as_of):  # the newest record of a change is the one in force
        notice[(c.person, c.change, c.effective_on)] = short_notice(cal, c)
    replaced = {p.replaces for p in people if p.replaces}
    out: list[StaffLine] = []
    for p in people:
        first = p.first_day or project.start
        if p.replaces:
            if first <= as_of:
                out.append(StaffLine(p.key, p.name, "replace", first, other=p.replaces,
                                     other_name=names.get(p.replaces, p.replaces),
                                     short_notice=notice.get((p.replaces, "replace", first))))
        elif first > project.start and first <= as_of:
            out.append(StaffLine(p.key, p.name, "join", first,
                                 short_notice=notice.get((p.key, "add", first))))
        if p.last_day is not None and p.last_day <= as_of and p.key not in replaced:
            out.append(StaffLine(p.key, p.name, "leave", p.last_day,
                                 short_notice=notice.get((p.key, "leave", p.last_day))))
        out.extend(StaffLine(p.key, p.name, "away", a, until=b)
                   for a, b in p.away if a <= as_of)
    return tuple(sorted(out, key=lambda x: (x.on, x.person, x.change)))
