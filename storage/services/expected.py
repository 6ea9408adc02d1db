"""Expected against logged hours per person (``report hours``; the timesheet shows the
same per week from what it has read)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from model.errors import Ref
from model.rules import check_period, may_log
from model.rules.staffing import ExpectedHours, expected_minutes
from storage.orm import Person, TimeEntry
from storage.services.core import LedgerBase, parse_on
from storage.workloads import staffing


class ExpectedMixin(LedgerBase):
    """Who logged less (or more) than their working days in some days."""

    def expected_hours(self, first: str | date, last: str | date,
                       person: str | None = None) -> list[ExpectedHours]:
        """Each vendor person with a grade (the timesheet's people; ``person`` alone if
        given): the minutes expected of them in ``first``..``last``
        (:func:`model.rules.staffing.expected_minutes`: their active working days in the
        SOW, minus days away, × hours per day) and the minutes they logged then."""
        d1 = parse_on(first, date.min, Ref("first"))
        d2 = parse_on(last, date.max, Ref("last"))
        check_period(d1, d2)
        with self._reading() as s:
            project = self._project(s)
            if person is not None:
                self._person(s, project, person)
            cal = self._calendar(project)
            end = self._current_end(s, project)  # type: ignore[attr-defined]
            logged = {pid: int(m or 0) for pid, m in s.execute(
                select(TimeEntry.person_id, func.sum(TimeEntry.minutes))
                .where(TimeEntry.project_id == project.id, TimeEntry.on >= d1,
                       TimeEntry.on <= d2).group_by(TimeEntry.person_id))}
            people = s.scalars(select(Person).where(Person.project_id == project.id)
                               .options(selectinload(Person.away)).order_by(Person.id))
            return [ExpectedHours(p.key, expected_minutes(
                        cal, staffing(project, p), d1, d2, project.minutes_per_day,
                        project.start, end), logged.get(p.id, 0))
                    for p in people
                    if (may_log(p.party, p.grade) and person is None) or p.key == person]
