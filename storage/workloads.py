"""Who is allocated how much against their capacity (SPEC §9), and an obligation as the
rules see it, and the tasks a change request added: read from a project's rows for the
use cases and the alerts alike."""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from model import rules
from model.rules import ObligationFact
from model.rules import staffing as staff
from model.rules.capacity import Workload
from storage.orm import ChangeRequest, ChangeTaskDelta, Obligation, Person, Project


def allocated(project: Project, p: Person) -> int:
    """``p``'s planned PD over all tasks (thousandths)."""
    return sum(a.planned_milli or 0 for t in project.tasks for a in t.assignees
               if a.person is p)


def staffing(project: Project, p: Person) -> staff.Staffing:
    """``p``'s active days and days away, as :mod:`model.rules.staffing` takes them."""
    return staff.staffing(project.start, p.active_from, p.leave_on,
                          [(a.first, a.last) for a in p.away if a.cancelled_on is None])


def capacity(project: Project, cal: rules.Calendar, end: date, p: Person) -> int:
    """``p``'s capacity in PD up to ``end`` (the SOW's current end)."""
    return staff.capacity_days(cal, staffing(project, p), project.start, end)


def workloads(project: Project, cal: rules.Calendar, end: date) -> list[Workload]:
    """Each person's allocation against capacity (``end``: the SOW's current end)."""
    return [Workload(p.key, allocated(project, p), capacity(project, cal, end, p))
            for p in project.people
            if (p.party == "vendor" and p.grade) or allocated(project, p)]


def obligation_fact(o: Obligation) -> ObligationFact:
    """An obligation row as the rules see it."""
    return ObligationFact(o.key, o.party, o.due, o.due_days, o.done_on, o.title)


_TASKS_ADDED = (  # built once: every log reads it
    select(ChangeTaskDelta.task_code, ChangeRequest.number, ChangeRequest.effective_on)
    .join(ChangeRequest, ChangeRequest.id == ChangeTaskDelta.change_id)
    .where(ChangeRequest.project_id == bindparam("project"),
           ChangeRequest.status == rules.DOC_EFFECTIVE,
           ChangeTaskDelta.title.is_not(None)))


def tasks_added(s: Session, project: Project) -> dict[str, tuple[str, date]]:
    """The tasks an effective change request added: code -> (its number, the day it took
    effect); a task exists from that day (the entries' admission reads it)."""
    rows = s.execute(_TASKS_ADDED, {"project": project.id})
    return {code: (number, on) for code, number, on in rows if on is not None}
