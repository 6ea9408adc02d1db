"""The people of a project: the team, the rate card, grades and database login roles."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import selectinload

from model.errors import FieldError, LedgerError
from model.i18n import _
from model.permissions import Action
from model.views import AwayView, PersonView
from storage.grade_ladder import ladder_of
from storage.orm import Person
from storage.services.core import LedgerBase


class PeopleMixin(LedgerBase):
    """The team, the rate card, grades and login roles."""

    def people(self) -> list[PersonView]:
        with self._reading() as s:
            project = self._project(s)
            rates = {r.grade: r.day_rate_minor for r in project.rates}
            # The days away of everyone in one query, not one per person (issue 13).
            people = s.scalars(select(Person).where(Person.project_id == project.id)
                               .options(selectinload(Person.away)).order_by(Person.id))
            return [PersonView(p.key, p.name, p.party, p.role, p.grade, p.location,
                               p.timezone or project.timezone,
                               rates.get(p.grade) if p.grade else None, p.title, p.db_role,
                               p.active_from or project.start, p.leave_on, p.replaces,
                               tuple((a.first, a.last) for a in p.away
                                     if a.cancelled_on is None),
                               tuple(AwayView(a.first, a.last, a.note, a.cancelled_on)
                                     for a in p.away))
                    for p in people]

    def rates(self) -> dict[str, int]:
        """The rate card: day rate per grade in minor units (hundredths)."""
        with self._reading() as s:
            return {r.grade: r.day_rate_minor for r in self._project(s).rates}

    def change_grade(self, person: str, grade: str) -> PersonView:
        """Promote or re-grade a person; past entries keep the grade they were charged at."""
        with self._writing() as s:
            project = self._project(s)
            ladder_of(project).check(grade)
            self._check_writable(s, project)
            self._permit(s, project, Action.PLAN)
            p = self._person(s, project, person)
            if p.party != "vendor":
                raise FieldError("person", _("{person} is of the client party and has no grade")
                                           .format(person=person))
            before = p.grade
            p.grade = grade
            self._audit(s, project).record("grade", "person", p.key, {"grade": before},
                                           {"grade": grade})
        return next(v for v in self.people() if v.key == person)

    def whoami(self) -> tuple[str, PersonView | None, str | None]:
        """(kind of actor, the acting person or None for the operator, login role or None).

        Refuses, like any write would, an ``--as`` that this connection may not use."""
        with self._reading() as s:
            project = self._project(s)
            actor, person = self._actor(s, project)
            role = self._login_role(s)
        view = next((v for v in self.people() if person and v.key == person.key), None)
        return actor.kind, view, role

    def bind_role(self, person: str, role: str | None) -> PersonView:
        """Bind ``person`` to the PostgreSQL login role ``role`` (None: unbind)."""
        if role is not None and not role.strip():
            raise LedgerError(_("ROLE: must not be empty"))
        with self._writing() as s:
            if not self._db_owner(s):  # checked first: the database refuses it anyway
                raise LedgerError(_("person {command}: only the database owner binds people to "
                                    "login roles").format(command="bind" if role else "unbind"))
            project = self._project(s)
            self._check_writable(s, project)
            self._permit(s, project, Action.BIND)
            if self.engine.dialect.name != "postgresql":
                raise LedgerError(_("person bind: login roles exist on PostgreSQL only; a "
                                    "SQLite ledger is as private as its file"))
            p = self._person(s, project, person, "PERSON")
            if role is not None:
                exists = s.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"),
                                   {"r": role}).first()
                if exists is None:
                    raise LedgerError(_("ROLE: there is no database login role {role!r} (CREATE "
                                        "ROLE {role} LOGIN PASSWORD '...' first)")
                                      .format(role=role))
                other = s.scalars(select(Person).where(Person.project_id == project.id,
                                                       Person.db_role == role,
                                                       Person.id != p.id)).first()
                if other is not None:
                    raise LedgerError(_("ROLE: {role!r} is already bound to {key}")
                                      .format(role=role, key=other.key))
            elif p.db_role is None:
                raise LedgerError(_("PERSON: {key} is not bound to a login role")
                                  .format(key=p.key))
            before = p.db_role
            p.db_role = role
            self._audit(s, project).record("bind", "person", p.key, {"db_role": before},
                                           {"db_role": role})
        return next(v for v in self.people() if v.key == person)
