"""Who is allocated how much against their capacity (SPEC §9): read from a project's rows
for the tasks' use cases and the alerts alike."""

from __future__ import annotations

from datetime import date

from model import rules
from model.rules import staffing as staff
from model.rules.capacity import Workload
from storage.orm import Person, Project


def _allocated(project: Project, p: Person) -> int:
    """``p``'s planned PD over all tasks (thousandths)."""
    return sum(a.planned_milli or 0 for t in project.tasks for a in t.assignees
               if a.person is p)


def _capacity(project: Project, cal: rules.Calendar, end: date, p: Person) -> int:
    st = staff.staffing(project.start, p.active_from, p.leave_on,
                        [(a.first, a.last) for a in p.away])
    return staff.capacity_days(cal, st, project.start, end)


def workloads(project: Project, cal: rules.Calendar, end: date) -> list[Workload]:
    """Each person's allocation against capacity (``end``: the SOW's current end)."""
    return [Workload(p.key, _allocated(project, p), _capacity(project, cal, end, p))
            for p in project.people
            if (p.party == "vendor" and p.grade) or _allocated(project, p)]
