"""The ledger's core: one database, one project, one acting person.

:class:`LedgerBase` holds what every use case shares: the engine, the project code, the
acting person (``actor``), the pinned "today", the caches the TUI's threads share (the
login role, whether it is the owner, the figures' facts), and the lookups and guards each
unit of work starts with: the project, who is acting and what they may do, the audit
writer, today's date, whether the ledger or a date is still open to writing.
"""

from __future__ import annotations

import getpass
import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import date
from typing import Any, Self

from sqlalchemy import Engine, bindparam, func, select, text
from sqlalchemy.orm import Session

from model import locks, rules
from model.errors import FieldError, LedgerError, Ref
from model.i18n import _
from model.locks import Document
from model.permissions import Action, Actor, require
from model.zones import today_in
from storage.audit import AuditWriter
from storage.db import open_engine, reading, writing
from storage.orm import Acceptance, Period, Person, Project, Task
from storage.sowfile import parse_date

#: the inputs a use case names by default when it refuses a value (model.errors.Ref)
ON, DATE, PERSON, TASK = Ref("on"), Ref("date"), Ref("person"), Ref("task")


def parse_on(value: str | date | None, fallback: date, what: str | Ref = ON) -> date:
    if value is None:
        return fallback
    if isinstance(value, date):
        return value
    return parse_date(value, what)


# The lookups every action starts with, built once (building a statement costs more
# than running it on SQLite; a log makes a dozen).
_PROJECT_BY_CODE = select(Project).where(Project.code == bindparam("code"))
_PERSON_BY_KEY = select(Person).where(Person.project_id == bindparam("project"),
                                      Person.key == bindparam("key"))
_TASK_BY_CODE = select(Task).where(Task.project_id == bindparam("project"),
                                   Task.code == bindparam("code"))
_ACCEPTANCES = (select(Acceptance).where(Acceptance.project_id == bindparam("project"))
                .order_by(Acceptance.id))
_PERIODS = select(Period).where(Period.project_id == bindparam("project")).order_by(Period.id)
_PERIODS_OVER = _PERIODS.where(Period.first <= bindparam("on"), Period.last >= bindparam("on"))

MAX_ROW_ID = 2**63 - 1  # the largest id a database integer holds
_ACTOR = "sowtrack_actor"  # Session.info key: (project id, Actor, Person) of this transaction


class LedgerBase:
    """The ledger of one database, acting for one person (``actor``) on one project."""

    def __init__(self, engine: Engine, project: str | None = None, actor: str | None = None,
                 today: date | None = None):
        self.engine = engine
        self._project_code = project
        self._actor_key = actor
        #: "today" for every default date and every plausibility check of this ledger
        #: (the demo is built as of a given day); None: :meth:`today`
        self.pinned_today = today
        self._role: str | None = None
        self._owner: bool | None = None
        self._facts_cache: tuple[Any, rules.LedgerFacts] | None = None
        #: per thread (the TUI's workers share a ledger): the session of an open snapshot()
        self._snapshot = threading.local()

    @property
    def project_code(self) -> str | None:
        """The project this ledger works on (None: the only one); fixed: another project
        is another ledger (:meth:`for_project`)."""
        return self._project_code

    @property
    def actor(self) -> str | None:
        """Whom this ledger acts for (None: the login role's person, else the operator);
        fixed: another person is another ledger (:meth:`acting_as`)."""
        return self._actor_key

    @classmethod
    def open(cls, url: str | None = None, project: str | None = None,
             actor: str | None = None, *, create: bool = True) -> Self:
        """Open (and migrate) the database at ``url`` / $SOWTRACK_DB / the default; a named
        SQLite file that does not exist is created only when ``create``."""
        return cls(open_engine(url, create=create), project, actor)

    def acting_as(self, person: str | None) -> Self:
        """This ledger acting for ``person`` (None: whoever the login role is bound to, else
        the operator): a new ledger on the same engine, project and pinned today, starting
        with this one's caches. This one is unchanged; an ``--as`` it may not use is
        refused by its first action, as any ledger's."""
        return self._with(self.project_code, person)

    def for_project(self, code: str | None) -> Self:
        """This ledger on project ``code`` (None: the only project of the database), acting
        for the same person: a new ledger; this one is unchanged."""
        return self._with(code, self.actor)

    def _with(self, project: str | None, actor: str | None) -> Self:
        other = type(self)(self.engine, project, actor, self.pinned_today)
        # The login role and whether it owns the database are the engine's; the facts are
        # keyed by project and audit head: each stays true for the new ledger.
        other._role, other._owner = self._role, self._owner
        other._facts_cache = self._facts_cache
        return other

    @contextmanager
    def snapshot(self) -> Iterator[Self]:
        """Inside the block, every read of this ledger in this thread comes from one read
        transaction: a screen's figures all from one state of the ledger, whatever another
        connection commits meanwhile. Writes are refused inside (they would not be seen);
        a snapshot inside another is the outer one."""
        if getattr(self._snapshot, "session", None) is not None:
            yield self
            return
        with reading(self.engine) as s:
            if self.engine.dialect.name == "postgresql":
                # READ COMMITTED, the default, takes a new snapshot for every statement;
                # REPEATABLE READ keeps the first one until the transaction ends.
                s.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
            self._snapshot.session = s
            try:
                yield self
            finally:
                self._snapshot.session = None

    def _reading(self) -> AbstractContextManager[Session]:
        """A read unit of work: the open snapshot's, else a new one."""
        s = getattr(self._snapshot, "session", None)
        return nullcontext(s) if s is not None else reading(self.engine)

    def _writing(self, references: bool = True) -> AbstractContextManager[Session]:
        """A write unit of work (storage.db.unit.writing); refused inside a snapshot (a
        programming error)."""
        if getattr(self._snapshot, "session", None) is not None:
            raise RuntimeError("Ledger: a write inside snapshot(), whose reads would not see it")
        return writing(self.engine, references)

    def _project(self, s: Session) -> Project:
        if self.project_code:
            p = s.scalars(_PROJECT_BY_CODE, {"code": self.project_code}).first()
            if p is None:
                known = ", ".join(s.scalars(select(Project.code).order_by(Project.code)))
                if known:
                    raise FieldError("project", _("no project {code!r} (known: {known})")
                                                .format(code=self.project_code, known=known))
                raise FieldError("project", _("no project {code!r}")
                                            .format(code=self.project_code))
            return p
        projects = list(s.scalars(select(Project).order_by(Project.code).limit(10)))
        if not projects:
            raise LedgerError(_("no project in this database: create one with `sowtrack init "
                                "FILE.toml` or `sowtrack demo`"))
        if len(projects) > 1:
            raise FieldError("project", _("this database holds several projects ({codes}); "
                                          "name one")
                                        .format(codes=", ".join(p.code for p in projects)))
        return projects[0]

    @staticmethod
    def _person(s: Session, project: Project, key: str, what: str | Ref = PERSON) -> Person:
        p = s.scalars(_PERSON_BY_KEY, {"project": project.id, "key": key}).first()
        if p is None:
            raise rules.unknown_person(key, what)
        return p

    @staticmethod
    def _task(s: Session, project: Project, code: str, what: str | Ref = TASK) -> Task:
        t = s.scalars(_TASK_BY_CODE, {"project": project.id, "code": code}).first()
        if t is None:
            raise rules.unknown_task(code, what)
        return t

    def _login_role(self, s: Session) -> str | None:
        """The database login role of this connection (PostgreSQL), else None.

        ``session_user``, the role that logged in, not ``current_user``: a ``role``
        option in the URL (SET ROLE) must not turn a bound login into someone else."""
        if self.engine.dialect.name != "postgresql":
            return None
        if self._role is None:
            self._role = str(s.execute(select(func.session_user())).scalar())
        return self._role

    def _db_owner(self, s: Session) -> bool:
        """Whether this connection writes past row-level security: the database owner (the
        tables' owner, or a member of it), a superuser or a BYPASSRLS role. On PostgreSQL
        the database answers (``row_security_active``); a SQLite file has no other roles."""
        if self.engine.dialect.name != "postgresql":
            return True
        if self._owner is None:
            self._owner = not s.execute(
                text("SELECT row_security_active('audit_event')")).scalar()
        return self._owner

    def _actor(self, s: Session, project: Project) -> tuple[Actor, Person | None]:
        """Who is acting in this transaction: the person bound to the login role, else
        ``--as``, else the operator. Acting for someone bound to another role is refused."""
        cached = s.info.get(_ACTOR)
        if cached is not None and cached[0] == project.id:
            return cached[1], cached[2]
        role = self._login_role(s)
        person: Person | None = None
        if role is not None:
            person = s.scalars(select(Person).where(Person.project_id == project.id,
                                                    Person.db_role == role)).first()
        if person is not None:
            if self.actor and self.actor != person.key:
                raise FieldError("actor", _("this connection's database login role {role!r} is "
                                            "bound to {key}; it cannot act as {actor}")
                                          .format(role=role, key=person.key, actor=self.actor))
        elif self.actor:
            person = self._person(s, project, self.actor, Ref("actor"))
            if person.db_role is not None:
                raise FieldError("actor", _("{key} is bound to the database login role "
                                            "{db_role!r}; connect as that role to act as {key}")
                                          .format(key=person.key, db_role=person.db_role))
        # An unbound login role other than the owner only reads, whoever --as names; the
        # database's row-level security refuses its writes too (migration 0005).
        unbound = (role if role is not None and (person is None or person.db_role != role)
                   and not self._db_owner(s) else None)
        actor = (Actor(person.key, person.party, person.role, unbound) if person is not None
                 else Actor(None, unbound_role=unbound))
        s.info[_ACTOR] = (project.id, actor, person)
        return actor, person

    def _permit(self, s: Session, project: Project, action: Action) -> Person | None:
        """The acting person (None: the operator), refused unless the matrix allows ``action``."""
        actor, person = self._actor(s, project)
        require(actor, action)
        return person

    def _acting(self, s: Session, project: Project, action: Action) -> Person:
        """The acting person, who must be named and allowed ``action``."""
        person = self._permit(s, project, action)
        assert person is not None  # the operator is refused every action that needs a person
        return person

    def _permit_entry(self, s: Session, project: Project, owner: Person) -> None:
        """Entries: your own need LOG_OWN, anybody else's LOG_OTHERS."""
        actor, _ = self._actor(s, project)
        require(actor, Action.LOG_OWN if actor.key == owner.key else Action.LOG_OTHERS)

    def _audit(self, s: Session, project: Project | None) -> AuditWriter:
        cached = s.info.get(_ACTOR)
        if cached is not None and cached[1].key is not None:
            who = cached[1].key
        elif self.actor:
            who = self.actor
        else:
            role = self._login_role(s)
            who = f"db:{role}" if role else f"os:{getpass.getuser()}"
        return AuditWriter(s, project.code if project else None, who)

    @staticmethod
    def today(tz: str) -> date:
        """Today's date in time zone ``tz``, or the date $SOWTRACK_TODAY pins (demos,
        screenshots, tests): one date for every time zone."""
        pinned = os.environ.get("SOWTRACK_TODAY")
        if pinned:
            return parse_date(pinned, "SOWTRACK_TODAY")
        return today_in(tz)

    def _today(self, tz: str) -> date:
        """Today in ``tz`` for this ledger: its pinned date, else :meth:`today`."""
        return self.pinned_today or self.today(tz)

    def _person_today(self, project: Project, person: Person | None) -> date:
        return self._today((person.timezone if person else None) or project.timezone)

    def _event_today(self, project: Project, person: Person | None) -> date:
        """The latest date a signature or an event may carry: today in the acting
        person's time zone or the project's, whichever is later (the default ``--on`` is
        one of them, and is never refused)."""
        return max(self._today(project.timezone), self._person_today(project, person))

    def _check_event_date(self, project: Project, person: Person | None, on: date,
                          what: str | Ref = ON) -> None:
        """A signature or an event: not after today, not before the SOW's start."""
        rules.check_date(on, what, self._event_today(project, person), project.start)

    @staticmethod
    def _calendar(project: Project) -> rules.Calendar:
        return rules.Calendar(
            holidays=frozenset(d.on for d in project.calendar_days if d.kind == "holiday"),
            workdays=frozenset(d.on for d in project.calendar_days if d.kind == "workday"),
            country=project.country,
        )

    def _check_writable(self, s: Session, project: Project) -> None:
        """Refuse a write to an accepted or frozen ledger (model.locks decides)."""
        locks.check_writable(project.code, project.accepted_on,
                             [Document("acceptance", a.number, a.status)
                              for a in self._acceptances(s, project)])

    @staticmethod
    def _acceptances(s: Session, project: Project) -> list[Acceptance]:
        return list(s.scalars(_ACCEPTANCES, {"project": project.id}))

    @staticmethod
    def _live_acceptance(s: Session, project: Project) -> Acceptance | None:
        """The acceptance document not withdrawn, if one was raised."""
        return s.scalars(select(Acceptance).where(
            Acceptance.project_id == project.id,
            Acceptance.status.not_in(rules.DOC_CLOSED))).first()

    def _check_date_open(self, s: Session, project: Project, on: date,
                         what: str | Ref = DATE) -> None:
        """Refuse a day a signed period locks (model.locks decides)."""
        locks.check_day_open(self._periods(s, project, on), on, what)

    @staticmethod
    def _periods(s: Session, project: Project, on: date | None = None) -> list[Document]:
        """The project's timesheet periods whatever their status (those whose span holds
        ``on`` when given): the facts the lock rules (model.locks) read."""
        rows = (s.scalars(_PERIODS, {"project": project.id}) if on is None
                else s.scalars(_PERIODS_OVER, {"project": project.id, "on": on}))
        return [Document("period", p.number, p.status, p.first, p.last) for p in rows]
