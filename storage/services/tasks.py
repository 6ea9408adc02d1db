"""The work breakdown: tasks, their estimates and who is allocated how much."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from model import rules
from model.errors import FieldError, LedgerError, Ref
from model.i18n import _
from model.permissions import Action
from model.rules.capacity import PD, Workload, check_capacity
from model.views import TaskView
from storage import records
from storage import workloads as wl
from storage.orm import Assignment, Project, Task, TimeEntry
from storage.services.core import LedgerBase

ESTIMATE = Ref("estimate")


class TasksMixin(LedgerBase):
    """Tasks and allocations."""

    def tasks(self) -> list[TaskView]:
        """The work breakdown with estimate, allocations and consumption."""
        with self._reading() as s:
            project = self._project(s)
            consumed = {tid: int(m) for tid, m in s.execute(
                select(TimeEntry.task_id, func.sum(TimeEntry.minutes))
                .where(TimeEntry.project_id == project.id).group_by(TimeEntry.task_id))}
            return [_task_view(project, t, consumed.get(t.id, 0)) for t in project.tasks]

    def add_task(self, code: str, title: str, estimate: str | int, priority: str = "medium",
                 assignees: Sequence[str] = ()) -> TaskView:
        code, title = code.strip(), title.strip()
        if not code:
            raise FieldError("code", _("must not be empty"))
        if not title:
            raise FieldError("title", _("must not be empty"))
        if priority not in rules.PRIORITIES:
            raise FieldError("priority", _("{priority!r} is not one of {choices}")
                                         .format(priority=priority,
                                                 choices=", ".join(rules.PRIORITIES)))
        milli = rules.pd_amount_to_milli(estimate, ESTIMATE)
        with self._writing() as s:
            project = self._project(s)
            self._check_writable(s, project)
            self._permit(s, project, Action.PLAN)
            self._check_scope_open(s, project, "code", "add_tasks")  # type: ignore[attr-defined]
            if any(t.code == code for t in project.tasks):
                raise FieldError("code", _("a task {code!r} already exists").format(code=code))
            task = Task(code=code, title=title, estimate_milli=milli, priority=priority,
                        status="open")
            for key in dict.fromkeys(assignees):
                p = self._person(s, project, key, "assignees")
                if not rules.may_log(p.party, p.grade):
                    raise LedgerError(_("assignees: {key} is not a vendor person with a grade")
                                      .format(key=key))
                task.assignees.append(Assignment(person=p))
            project.tasks.append(task)
            s.flush()
            self._audit(s, project).record("add", "task", code, after=records.task_record(task))
            return _task_view(project, task, 0)

    def edit_task(self, code: str, *, title: str | None = None, estimate: str | None = None,
                  priority: str | None = None, status: str | None = None) -> TaskView:
        with self._writing() as s:
            project = self._project(s)
            self._check_writable(s, project)
            self._permit(s, project, Action.PLAN)
            task = self._task(s, project, code, "task")
            before = records.task_record(task)
            if title is not None:
                if not title.strip():
                    raise FieldError("title", _("must not be empty"))
                task.title = title.strip()
            if estimate is not None:
                self._check_scope_open(s, project, "estimate",  # type: ignore[attr-defined]
                                       "estimates")
                task.estimate_milli = rules.pd_amount_to_milli(estimate, ESTIMATE)
            if priority is not None:
                if priority not in rules.PRIORITIES:
                    raise FieldError("priority", _("{priority!r} is not one of {choices}")
                                                 .format(priority=priority,
                                                         choices=", ".join(rules.PRIORITIES)))
                task.priority = priority
            if status is not None:
                if status not in rules.TASK_STATUSES:
                    raise FieldError("status", _("{status!r} is not one of {choices}")
                                               .format(status=status,
                                                       choices=", ".join(rules.TASK_STATUSES)))
                task.status = status
            s.flush()
            self._audit(s, project).record("edit", "task", code, before, records.task_record(task))
            return _task_view(project, task, _task_minutes(s, task))

    def workloads(self) -> list[Workload]:
        """Each vendor person with a grade or an allocation: their total allocation over
        all tasks against their capacity (SPEC §9), in the order of the people."""
        with self._reading() as s:
            project = self._project(s)
            return wl.workloads(project, self._calendar(project),
                                self._current_end(s, project))

    def set_allocation(self, task: str, person: str, pd: str | None,
                       over: bool = False) -> TaskView:
        """Assign ``person`` to ``task`` with ``pd`` planned PD; ``pd`` None unassigns.

        A PD that raises the person's total allocation (over all tasks) above their
        capacity is refused unless ``over`` (:func:`model.rules.capacity.check_capacity`);
        lowering an allocation is never refused."""
        with self._writing() as s:
            project = self._project(s)
            self._check_writable(s, project)
            self._permit(s, project, Action.PLAN)
            t = self._task(s, project, task, "task")
            p = self._person(s, project, person, "person")
            if not rules.may_log(p.party, p.grade):
                raise FieldError("person", _("{person} is not a vendor person with a grade")
                                           .format(person=person))
            before = records.task_record(t)
            current = next((a for a in t.assignees if a.person is p), None)
            if pd is None:
                if current is None:
                    raise FieldError("person", _("{person} is not assigned to {code}")
                                               .format(person=person, code=t.code))
                t.assignees.remove(current)
            else:
                milli = rules.pd_amount_to_milli(pd, PD)
                now = (current.planned_milli or 0) if current is not None else 0
                if milli > now:
                    capacity = wl.capacity(project, self._calendar(project),
                                           self._current_end(s, project), p)
                    check_capacity(p.key, wl.allocated(project, p) - now + milli, capacity,
                                   over)
                if current is None:
                    current = Assignment(person=p)
                    t.assignees.append(current)
                current.planned_milli = milli
            s.flush()
            self._audit(s, project).record("allocate", "task", t.code, before,
                                           records.task_record(t))
            return _task_view(project, t, _task_minutes(s, t))


def _task_view(project: Project, t: Task, consumed: int) -> TaskView:
    return TaskView(t.code, t.title, t.estimate_milli, t.priority, t.status,
                    tuple((a.person.key, a.planned_milli) for a in t.assignees),
                    consumed, project.minutes_per_day)


def _task_minutes(s: Session, task: Task) -> int:
    return int(s.execute(select(func.coalesce(func.sum(TimeEntry.minutes), 0))
                         .where(TimeEntry.task_id == task.id)).scalar() or 0)
