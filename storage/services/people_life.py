"""People come and go (SPEC §9): a person added, leaving, replaced, away.

Who: whoever may plan (``Action.PLAN``: the vendor lead, or the operator). A client
person is added, ends or is replaced by the operator only (on PostgreSQL, the database
owner): the vendor does not decide who signs for the client.

Every change writes its audit row(s) with the record of :mod:`storage.records`, so that
``verify`` names a person's active days or a day away changed behind the program's back.
A vendor change (add, leave, replace) also writes a ``staff_change`` audit row: when it
was recorded, when it takes effect and the notice the SOW asked then; the alerts read
those rows (:func:`model.rules.alerts.staff_alerts`).
"""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from model import locks, rules
from model.errors import FieldError, Ref
from model.i18n import _, parts, word
from model.permissions import Action
from model.rules import staffing as staff
from model.rules.capacity import replacement_split
from model.views import PersonView
from storage import records
from storage import workloads as wl
from storage.grade_ladder import ladder_of
from storage.orm import Assignment, AuditEvent, Person, PersonAway, Project, TimeEntry
from storage.services.core import ON, LedgerBase, parse_on
from storage.sowfile import parse_date
from storage.sowfile.table import _check_timezone

FIRST, LAST, BY = Ref("first"), Ref("last"), Ref("by")
MAX_KEY = 64  # person.key is a String(64)


class PeopleLifeMixin(LedgerBase):
    """People added, leaving, replaced, away."""

    @staticmethod
    def _staffing(project: Project, person: Person) -> staff.Staffing:
        """A person's active days and days away, as :mod:`model.rules.staffing` takes
        them (the entries' admission asks :func:`~model.rules.staffing.check_active`)."""
        return wl.staffing(project, person)

    @staticmethod
    def _staff_changes(s: Session, project: Project) -> list[staff.StaffChange]:
        """The vendor staff changes recorded in ``project``, from their audit rows."""
        out = []
        for (after,) in s.execute(select(AuditEvent.after).where(
                AuditEvent.project_code == project.code, AuditEvent.entity == "staff_change")
                .order_by(AuditEvent.id)):
            try:
                a = json.loads(after)
                out.append(staff.StaffChange(a["person"], a["change"],
                                             date.fromisoformat(a["recorded_on"]),
                                             date.fromisoformat(a["effective_on"]),
                                             int(a["required"])))
            except (TypeError, ValueError, KeyError):
                continue  # an edited row: verify's chain check names it
        return out

    def staff_changes(self, as_of: date | None = None) -> list[staff.StaffChange]:
        """The vendor staff changes recorded (by ``as_of``, when given), oldest first: who,
        which change, when recorded, when it takes effect, the notice the SOW asked then.
        Inside :meth:`snapshot`, read from the snapshot's transaction."""
        with self._reading() as s:
            changes = self._staff_changes(s, self._project(s))
        return [c for c in changes if as_of is None or c.recorded_on <= as_of]

    def capacity(self, person: str) -> int:
        """``person``'s capacity in person-days over the SOW (its current end): their
        active working days minus their working days away."""
        with self._reading() as s:
            project = self._project(s)
            p = self._person(s, project, person)
            return wl.capacity(project, self._calendar(project),
                               self._current_end(s, project), p)

    def _permit_staff(self, s: Session, project: Project, party: str) -> None:
        person = self._permit(s, project, Action.PLAN)
        if party == "client" and person is not None:
            raise FieldError("party", _("client people are added, ended and replaced by the "
                                        "operator (the ledger's owner), not by the vendor"))

    def _staff_change(self, s: Session, project: Project, person: str, change: str,
                      effective: date) -> None:
        """The ``staff_change`` audit row of a vendor change (read by the alerts)."""
        recorded = self._today(project.timezone)
        self._audit(s, project).record(change, "staff_change", person, after={
            "person": person, "change": change, "recorded_on": recorded.isoformat(),
            "effective_on": effective.isoformat(), "required": project.staff_change_notice})

    def _view(self, key: str) -> PersonView:
        return next(v for v in self.people() if v.key == key)

    def add_person(self, key: str, name: str, party: str, role: str, grade: str | None = None,
                   first: str | date | None = None, location: str | None = None,
                   timezone: str | None = None, title: str | None = None) -> PersonView:
        """A person joins the project on ``first`` (default: today, or the SOW's start if
        it has not begun). Refused, naming the field, as the SOW file refuses a person."""
        key, name = key.strip(), name.strip()
        if not key or len(key) > MAX_KEY or any(c.isspace() for c in key):
            raise FieldError("person", _("{key!r} is not a person id (one word, at most "
                                         "{max_key} characters, e.g. zhang.wei)")
                                       .format(key=key, max_key=MAX_KEY))
        if not name:
            raise FieldError("name", _("must not be empty"))
        for field, value, allowed in (("party", party, rules.PARTIES),
                                      ("role", role, rules.ROLES),
                                      ("location", location, rules.LOCATIONS)):
            if value is not None and value not in allowed:
                raise FieldError(field, _("{value!r} is not one of {allowed}")
                                        .format(value=value, allowed=', '.join(allowed)))
        if party == "client" and role != "signatory":
            raise FieldError("role", _("a client person can only be a signatory, got {role!r}")
                                     .format(role=role))
        if party == "client" and grade:
            raise FieldError("grade", _("a client person has no grade"))
        if party == "vendor" and role in ("lead", "engineer") and not grade:
            raise FieldError("grade", _("missing: a vendor {role} logs hours and needs a grade")
                                      .format(role=word("role", role)))
        if timezone:
            _check_timezone(timezone, lambda m: FieldError("timezone", m))
        with self._writing() as s:
            project = self._project(s)
            self._check_writable(s, project)
            self._permit_staff(s, project, party)
            grades = ladder_of(project).keys()  # the project's ladder (SPEC §9)
            if grade is not None and grade not in grades:
                raise FieldError("grade", _("{grade!r} is not one of {grades}")
                                          .format(grade=grade, grades=', '.join(grades)))
            if any(p.key == key for p in project.people):
                raise FieldError("person", _("{key} is already a person of the project")
                                           .format(key=key))
            end = self._current_end(s, project)
            day = (parse_date(first, FIRST) if isinstance(first, str) else first) or max(
                project.start, self._today(timezone or project.timezone))
            if not project.start <= day <= end:
                raise FieldError("first", _("{day} is outside the SOW ({start}..{end})")
                                          .format(day=day, start=project.start, end=end))
            p = Person(key=key, name=name, party=party, role=role, grade=grade,
                       location=location, timezone=timezone, title=title, active_from=day)
            project.people.append(p)
            s.flush()
            self._audit(s, project).record("add", "person", key,
                                           after=records.person_record(p, None))
            if party == "vendor":
                self._staff_change(s, project, key, "add", day)
        return self._view(key)

    def leave(self, person: str, on: str | date) -> PersonView:
        """``person``'s last working day is ``on`` (it may be moved while no entry of theirs
        lies after it)."""
        with self._writing() as s:
            project = self._project(s)
            self._check_writable(s, project)
            p = self._person(s, project, person)
            self._permit_staff(s, project, p.party)
            day = parse_on(on, self._today(project.timezone), ON)
            self._end_on(s, project, p, day, ON)
            if p.party == "vendor":
                self._staff_change(s, project, p.key, "leave", day)
        return self._view(person)

    def _end_on(self, s: Session, project: Project, p: Person, day: date,
                what: Ref) -> None:
        """Set ``p``'s last working day to ``day``, with its audit row."""
        first = p.active_from or project.start
        end = self._current_end(s, project)
        if not first <= day <= end:
            raise FieldError(what.field, _("{day} is outside {key}'s active days "
                                           "({first}..{end})")
                                         .format(day=day, key=p.key, first=first, end=end))
        later = s.execute(select(func.max(TimeEntry.on)).where(
            TimeEntry.person_id == p.id, TimeEntry.on > day)).scalar()
        if later is not None:
            raise FieldError(what.field, _("{key} has entries after {day} (the last on "
                                           "{later}); move or delete them first")
                                         .format(key=p.key, day=day, later=later))
        before = {"leave": p.leave_on.isoformat() if p.leave_on else None}
        p.leave_on = day
        s.flush()
        self._audit(s, project).record("leave", "person", p.key, before,
                                       {"leave": day.isoformat()})

    def replace(self, old: str, by: str, on: str | date,
                name: str | None = None) -> tuple[PersonView, PersonView]:
        """``by`` rolls on at ``on``, ``old`` rolls off the working day before; ``old``'s
        allocations on tasks not done move to ``by``, less what ``old`` consumed on each
        (``old`` keeps that part). ``by`` is added with ``old``'s party,
        role, grade, location and time zone when ``name`` is given and ``by`` is new; a
        person already active before ``on`` is refused."""
        with self._writing() as s:
            project = self._project(s)
            self._check_writable(s, project)
            o = self._person(s, project, old)
            self._permit_staff(s, project, o.party)
            day = parse_on(on, self._today(project.timezone), ON)
            end = self._current_end(s, project)
            if not project.start <= day <= end:
                raise FieldError("on", _("{day} is outside the SOW ({start}..{end})")
                                       .format(day=day, start=project.start, end=end))
            if by == old:
                raise FieldError("by", _("{by} is the person replaced").format(by=by))
            last = staff.working_day_before(self._calendar(project), day,
                                            o.active_from or project.start)
            if last is None:
                raise FieldError("on", _("{old} has no working day before {day} to roll off")
                                       .format(old=old, day=day))
            if o.leave_on is not None and o.leave_on < last:
                raise FieldError("person", _("{old} already left on {leave_on}")
                                           .format(old=old, leave_on=o.leave_on))
            n = s.scalars(select(Person).where(Person.project_id == project.id,
                                               Person.key == by)).first()
            if n is None and not name:
                raise FieldError("by", *parts(_("{by} is not a person of the project: add them "
                                                "first, or give {name} to add them with {old}'s "
                                                "grade and role"),
                                              by=by, name=Ref("name"), old=old))
            if n is not None:
                self._check_newcomer(project, o, n, day)
            self._end_on(s, project, o, last, ON)
            if n is None:
                n = self._new_like(project, o, by, name or "", day)
                s.flush()
                self._audit(s, project).record("add", "person", n.key,
                                               after=records.person_record(n, None))
            else:
                before = records.active_days_record(n)
                n.active_from, n.replaces = day, o.key
                s.flush()
                self._audit(s, project).record("replace", "person", n.key, before,
                                               records.active_days_record(n))
            self._move_allocations(s, project, o, n)
            if o.party == "vendor":
                self._staff_change(s, project, o.key, "replace", day)
        return self._view(old), self._view(by)

    def _new_like(self, project: Project, o: Person, key: str, name: str, day: date) -> Person:
        if not key.strip() or len(key) > MAX_KEY or any(c.isspace() for c in key):
            raise FieldError("by", _("{key!r} is not a person id").format(key=key))
        if not name.strip():
            raise FieldError("name", _("must not be empty"))
        n = Person(key=key, name=name.strip(), party=o.party, role=o.role, grade=o.grade,
                   location=o.location, timezone=o.timezone, active_from=day, replaces=o.key)
        project.people.append(n)
        return n

    def _check_newcomer(self, project: Project, o: Person, n: Person, day: date) -> None:
        if n.party != o.party:
            raise FieldError("by", _("{key} is of the {party} party, {key2} of the {party2} "
                                     "party")
                                   .format(key=n.key, party=word("party", n.party), key2=o.key,
                                           party2=word("party", o.party)))
        first = n.active_from or project.start
        if n.leave_on is not None and n.leave_on < day:
            raise FieldError("by", _("{key} left on {leave_on}")
                                   .format(key=n.key, leave_on=n.leave_on))
        if first < day:
            raise FieldError("by", _("{key} is already active (from {first}); a replacement "
                                     "rolls on at {day}")
                                   .format(key=n.key, first=first, day=day))
        if n.replaces is not None:
            raise FieldError("by", _("{key} already replaces {replaces}")
                                   .format(key=n.key, replaces=n.replaces))

    def _move_allocations(self, s: Session, project: Project, o: Person, n: Person) -> None:
        """``o``'s allocations on tasks not done move to ``n`` (added to ``n``'s own), less
        what ``o`` already consumed on each task, which ``o`` keeps
        (:func:`model.rules.capacity.replacement_split`)."""
        logged = {tid: int(m) for tid, m in s.execute(
            select(TimeEntry.task_id, func.sum(TimeEntry.minutes))
            .where(TimeEntry.person_id == o.id).group_by(TimeEntry.task_id))}
        for t in project.tasks:
            mine = next((a for a in t.assignees if a.person is o), None)
            if t.status == "done" or mine is None:
                continue
            before = records.task_record(t)
            kept, moved = (None, None) if mine.planned_milli is None else replacement_split(
                mine.planned_milli, logged.get(t.id, 0), project.minutes_per_day)
            if kept:
                mine.planned_milli = kept
            else:
                t.assignees.remove(mine)
            theirs = next((a for a in t.assignees if a.person is n), None)
            if theirs is None:
                if moved or not kept:  # ``o`` kept nothing: ``n`` takes the assignment
                    t.assignees.append(Assignment(person=n, planned_milli=moved))
            elif moved:
                theirs.planned_milli = (theirs.planned_milli or 0) + moved
            s.flush()
            self._audit(s, project).record("replace", "task", t.code, before,
                                           records.task_record(t))

    def away(self, person: str, first: str | date, last: str | date,
             note: str = "") -> PersonView:
        """``person`` is away (leave, 请假) from ``first`` to ``last``, both included; refused
        over a period signed by a party (:meth:`_away_span`), as cancelling is."""
        with self._writing() as s:
            project = self._project(s)
            p, a, b = self._away_span(s, project, person, first, last)
            end = self._current_end(s, project)
            if a < project.start or b > end:
                raise FieldError("first", _("{a}..{b} is not within the SOW ({start}..{end})")
                                          .format(a=a, b=b, start=project.start, end=end))
            logged = s.execute(select(func.min(TimeEntry.on)).where(
                TimeEntry.person_id == p.id, TimeEntry.on >= a, TimeEntry.on <= b)).scalar()
            if logged is not None:
                raise FieldError("first", _("{person} has entries on {logged}, within {a}..{b}; "
                                            "move or delete them first")
                                          .format(person=person, logged=logged, a=a, b=b))
            row = PersonAway(project_id=project.id, first=a, last=b, note=note or "")
            p.away.append(row)
            s.flush()
            self._audit(s, project).record("away", "away", str(row.id),
                                           after=records.away_record(row, p.key))
        return self._view(person)

    def cancel_away(self, person: str, first: str | date, last: str | date) -> PersonView:
        """Cancel ``person``'s day away ``first``..``last`` (as recorded): the row stays,
        marked cancelled today, with its audit row. Refused when a signed period overlaps
        it (:meth:`_away_span`) or no day away of theirs spans exactly those days (or it is
        cancelled already)."""
        with self._writing() as s:
            project = self._project(s)
            p, a, b = self._away_span(s, project, person, first, last)
            row = next((r for r in p.away if (r.first, r.last) == (a, b)
                        and r.cancelled_on is None), None)
            if row is None:
                standing = ", ".join(f"{r.first}..{r.last}" for r in p.away
                                     if r.cancelled_on is None)
                if standing:
                    raise FieldError("first", _("{person} has no day away {a}..{b} to cancel "
                                                "(days away: {standing})")
                                              .format(person=person, a=a, b=b,
                                                      standing=standing))
                raise FieldError("first", _("{person} has no day away {a}..{b} to cancel "
                                            "(none stands)").format(person=person, a=a, b=b))
            before = records.away_record(row, p.key)
            row.cancelled_on = self._today(project.timezone)
            s.flush()
            self._audit(s, project).record("cancel", "away", str(row.id), before,
                                           records.away_record(row, p.key))
        return self._view(person)

    def _away_span(self, s: Session, project: Project, person: str, first: str | date,
                   last: str | date) -> tuple[Person, date, date]:
        """A day away's person and days, once the ledger is open to writing, the actor may
        change that person's staffing, and no period signed by a party overlaps the days:
        recording or cancelling a day away there would change what was signed."""
        self._check_writable(s, project)
        p = self._person(s, project, person)
        self._permit_staff(s, project, p.party)
        a, b = parse_on(first, project.start, FIRST), parse_on(last, project.start, LAST)
        if b < a:
            raise FieldError("last", *parts(_("{b} is before {first} {a}"),
                                            b=b, first=FIRST, a=a))
        locks.check_span_open(self._periods(s, project), a, b, FIRST)
        return p, a, b
