"""Use cases: one transaction per user action, returning views.

:class:`Ledger` is what the command line and the TUI call. Every method opens
its own unit of work (:func:`storage.db.writing` or :func:`storage.db.reading`),
checks the rules of SPEC.md §3, writes the change and its audit rows together,
and returns frozen views. A refusal raises :class:`LedgerError` before anything
is written, so nothing is ever half-written.
"""

from __future__ import annotations

import getpass
import json
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from fractions import Fraction
from typing import Any

import pendulum
from sqlalchemy import Engine, Table, func, insert, select, text, tuple_
from sqlalchemy.orm import Session, selectinload

from model import rules
from model.errors import LedgerError, LedgerErrors
from model.permissions import Action, Actor, allowed, require
from model.sheet_acceptance import settlement
from model.sheets import contract_content, revision_of
from model.usertext import check_text
from model.views import (
    BlockerView,
    ChangeView,
    ContractTerms,
    DeliverableView,
    EntryView,
    PersonView,
    ProjectView,
    QuotaView,
    SignatureView,
    SignoffView,
    TaskView,
)
from storage import records
from storage.audit import AuditWriter
from storage.audit import chain_head as audit_chain_head
from storage.db import open_engine, reading, writing
from storage.orm import (
    Acceptance,
    Assignment,
    AuditEvent,
    Baseline,
    Blocker,
    CalendarDay,
    ChangeDelta,
    ChangeQuotaDelta,
    ChangeRequest,
    Period,
    Person,
    PrintedRevision,
    Project,
    Quota,
    QuotaUse,
    Rate,
    Signature,
    Task,
    TimeEntry,
)
from storage.sowfile import (
    MAX_QUOTA,
    MAX_SOW_YEARS,
    AllocationSpec,
    EntryFile,
    EntryRow,
    PersonSpec,
    QuotaSpec,
    SowSpec,
    TaskSpec,
    latest_end,
    parse_date,
)

# ---------------------------------------------------------------- state for audit and digests


def _parse_on(value: str | date | None, fallback: date, what: str = "--on") -> date:
    if value is None:
        return fallback
    if isinstance(value, date):
        return value
    return parse_date(value, what)


MAX_ROW_ID = 2**63 - 1  # the largest id a database integer holds
_IMPORT_BATCH = 5000  # rows per INSERT ... RETURNING of an import
_ACTOR = "sowtrack_actor"  # Session.info key: (project id, Actor, Person) of this transaction


class Ledger:
    """The ledger of one database, acting for one person (``actor``) on one project."""

    def __init__(self, engine: Engine, project: str | None = None, actor: str | None = None,
                 today: date | None = None):
        self.engine = engine
        self.project_code = project
        self.actor = actor
        #: "today" for every default date and every plausibility check of this ledger
        #: (the demo is built as of a given day); None: :meth:`today`
        self.pinned_today = today
        self._role: str | None = None
        self._owner: bool | None = None
        self._facts_cache: tuple[Any, rules.LedgerFacts] | None = None

    @classmethod
    def open(cls, url: str | None = None, project: str | None = None,
             actor: str | None = None, *, create: bool = True) -> Ledger:
        """Open (and migrate) the database at ``url`` / $SOWTRACK_DB / the default; a named
        SQLite file that does not exist is created only when ``create``."""
        return cls(open_engine(url, create=create), project, actor)

    # ------------------------------------------------------------ lookups

    def _project(self, s: Session) -> Project:
        if self.project_code:
            p = s.scalars(select(Project).where(Project.code == self.project_code)).first()
            if p is None:
                known = ", ".join(s.scalars(select(Project.code).order_by(Project.code)))
                raise LedgerError(f"--project: no project {self.project_code!r}"
                                  + (f" (known: {known})" if known else ""))
            return p
        projects = list(s.scalars(select(Project).order_by(Project.code).limit(10)))
        if not projects:
            raise LedgerError("no project in this database: create one with "
                              "`sowtrack init FILE.toml` or `sowtrack demo`")
        if len(projects) > 1:
            raise LedgerError("--project: this database holds several projects ("
                              + ", ".join(p.code for p in projects) + "); name one")
        return projects[0]

    @staticmethod
    def _person(s: Session, project: Project, key: str, what: str = "--person") -> Person:
        p = s.scalars(select(Person).where(Person.project_id == project.id,
                                           Person.key == key)).first()
        if p is None:
            raise LedgerError(f"{what}: unknown person {key!r}")
        return p

    @staticmethod
    def _task(s: Session, project: Project, code: str, what: str = "--task") -> Task:
        t = s.scalars(select(Task).where(Task.project_id == project.id, Task.code == code)).first()
        if t is None:
            raise LedgerError(f"{what}: unknown task {code!r}")
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
                raise LedgerError(f"--as: this connection's database login role {role!r} is "
                                  f"bound to {person.key}; it cannot act as {self.actor}")
        elif self.actor:
            person = self._person(s, project, self.actor, "--as")
            if person.db_role is not None:
                raise LedgerError(f"--as: {person.key} is bound to the database login role "
                                  f"{person.db_role!r}; connect as that role to act as "
                                  f"{person.key}")
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
        d = pendulum.today(tz)
        return date(d.year, d.month, d.day)

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
                          what: str = "--on") -> None:
        """A signature or an event: not after today, not before the SOW's start."""
        rules.check_date(on, what, self._event_today(project, person), project.start)

    @staticmethod
    def _calendar(project: Project) -> rules.Calendar:
        return rules.Calendar(
            holidays=frozenset(d.on for d in project.calendar_days if d.kind == "holiday"),
            workdays=frozenset(d.on for d in project.calendar_days if d.kind == "workday"),
            country=project.country,
        )

    def _changes(self, s: Session, project: Project) -> list[ChangeRequest]:
        return list(s.scalars(
            select(ChangeRequest).where(ChangeRequest.project_id == project.id)
            .options(selectinload(ChangeRequest.deltas), selectinload(ChangeRequest.quota_deltas))
            .order_by(ChangeRequest.id)))

    @staticmethod
    def _change_fact(cr: ChangeRequest) -> rules.ChangeFact:
        deltas: dict[str, int] = defaultdict(int)
        for d in cr.deltas:
            deltas[d.grade] += d.pd_milli
        quota: dict[str, int] = defaultdict(int)
        for q in cr.quota_deltas:
            quota[q.quota_key] += q.delta
        return rules.ChangeFact(number=cr.number, raised_on=cr.raised_on,
                                withdrawn=cr.status == rules.DOC_WITHDRAWN,
                                effective_on=cr.effective_on if cr.status == rules.DOC_EFFECTIVE
                                else None,
                                deltas=dict(deltas), quota_deltas=dict(quota), new_end=cr.new_end)

    def _current_end(self, s: Session, project: Project) -> date:
        facts = [self._change_fact(cr) for cr in self._changes(s, project)]
        return rules.end_at(project.end, facts, date.max)

    # ------------------------------------------------------------ write guards

    def _check_writable(self, s: Session, project: Project) -> None:
        if project.accepted_on is not None:
            raise LedgerError(f"project {project.code} was accepted on {project.accepted_on}; "
                              f"the ledger is read-only")
        acc = self._live_acceptance(s, project)
        if acc is not None and acc.status == rules.DOC_SIGNING:
            raise LedgerError(f"acceptance {acc.number} carries a signature; the ledger is "
                              f"frozen until it is fully signed or withdrawn")

    @staticmethod
    def _live_acceptance(s: Session, project: Project) -> Acceptance | None:
        """The acceptance document not withdrawn, if one was raised."""
        return s.scalars(select(Acceptance).where(
            Acceptance.project_id == project.id,
            Acceptance.status.not_in(rules.DOC_CLOSED))).first()

    @staticmethod
    def _locking_period(s: Session, project: Project, on: date) -> Period | None:
        return s.scalars(select(Period).where(
            Period.project_id == project.id,
            Period.status.in_((rules.DOC_SIGNING, rules.DOC_EFFECTIVE)),
            Period.first <= on, Period.last >= on)).first()

    def _check_date_open(self, s: Session, project: Project, on: date,
                         what: str = "--date") -> None:
        period = self._locking_period(s, project, on)
        if period is not None:
            state = "signed" if period.status == rules.DOC_EFFECTIVE else "being signed"
            raise LedgerError(f"{what}: {on} lies in period {period.number} "
                              f"({period.first}..{period.last}), which is {state}")

    def _check_entry(self, s: Session, project: Project, person: Person, on: date,
                     end: date, what_date: str = "--date", what_person: str = "--person") -> None:
        if person.party != "vendor":
            raise LedgerError(f"{what_person}: {person.key} is of the client party; only vendor "
                              f"people log hours")
        if not person.grade:
            raise LedgerError(f"{what_person}: {person.key} has no grade and cannot log hours")
        if not project.start <= on <= end:
            raise LedgerError(f"{what_date}: {on} is outside the SOW ({project.start}..{end})")
        rules.check_date(on, what_date, self._person_today(project, person))
        self._check_date_open(s, project, on, what_date)

    @staticmethod
    def _day_minutes(s: Session, person: Person, on: date, exclude: int | None = None) -> int:
        q = select(func.coalesce(func.sum(TimeEntry.minutes), 0)).where(
            TimeEntry.person_id == person.id, TimeEntry.on == on)
        if exclude is not None:
            q = q.where(TimeEntry.id != exclude)
        return int(s.execute(q).scalar() or 0)

    # ------------------------------------------------------------ init

    def init_project(self, spec: SowSpec) -> ProjectView:
        """Create a project from a validated SOW."""
        with writing(self.engine) as s:
            if not self._db_owner(s):
                raise LedgerError("init: only the database owner creates projects in a shared "
                                  "PostgreSQL ledger")
            if s.scalars(select(Project).where(Project.code == spec.code)).first():
                raise LedgerError(f"[project] code: a project {spec.code!r} already exists "
                                  f"in this database")
            project = Project(code=spec.code, title=spec.title, client=spec.client,
                              vendor=spec.vendor, start=spec.start, end=spec.end,
                              minutes_per_day=spec.minutes_per_day, currency=spec.currency,
                              timezone=spec.timezone, language=spec.language,
                              country=spec.country, contract=spec.contract,
                              signed_on=spec.signed_on, billing=spec.billing,
                              price_minor=spec.price_minor, tax_rate_ppm=spec.tax_rate_ppm,
                              prices_include_tax=spec.prices_include_tax)
            project.calendar_days = (
                [CalendarDay(on=d, kind="holiday") for d in sorted(set(spec.holidays))]
                + [CalendarDay(on=d, kind="workday") for d in sorted(set(spec.workdays))])
            project.rates = [Rate(grade=g, day_rate_minor=v) for g, v in spec.rates.items()]
            project.baseline = [Baseline(grade=g, pd_milli=v) for g, v in spec.baseline.items()]
            people = {p.key: Person(key=p.key, name=p.name, party=p.party, role=p.role,
                                    grade=p.grade, location=p.location, timezone=p.timezone,
                                    title=p.title) for p in spec.people}
            project.people = list(people.values())
            tasks = {}
            for t in spec.tasks:
                task = Task(code=t.code, title=t.title, estimate_milli=t.estimate_milli,
                            priority=t.priority, status=t.status)
                task.assignees = [Assignment(person=people[k]) for k in t.assignees]
                tasks[t.code] = task
            for a in spec.allocations:
                task = tasks[a.task]
                existing = next((x for x in task.assignees if x.person is people[a.person]), None)
                if existing is None:
                    existing = Assignment(person=people[a.person])
                    task.assignees.append(existing)
                existing.planned_milli = a.pd_milli
            project.tasks = list(tasks.values())
            project.quotas = [Quota(key=q.key, title=q.title, limit=q.limit) for q in spec.quotas]
            project.deliverables = [records.deliverable_row(d) for d in spec.deliverables]
            s.add(project)
            s.flush()
            self._audit(s, project).record("init", "project", project.code,
                                           after=self._sow_state(project))
            return self._project_view(project)

    @staticmethod
    def _project_view(p: Project) -> ProjectView:
        terms = ContractTerms(contract=p.contract, signed_on=p.signed_on, billing=p.billing,
                              price_minor=p.price_minor,
                              tax_rate=rules.tax_rate_of_ppm(p.tax_rate_ppm),
                              prices_include_tax=p.prices_include_tax)
        return ProjectView(p.code, p.title, p.client, p.vendor, p.start, p.end,
                           p.minutes_per_day, p.currency, p.timezone, p.language, p.accepted_on,
                           terms)

    def _sow_state(self, project: Project) -> dict[str, Any]:
        from storage.sowfile import dump_sow

        return {"sow": dump_sow(self._sow_spec(project))}

    def _sow_spec(self, p: Project) -> SowSpec:
        return SowSpec(
            code=p.code, title=p.title, client=p.client, vendor=p.vendor, start=p.start,
            end=p.end, minutes_per_day=p.minutes_per_day, currency=p.currency,
            timezone=p.timezone, language=p.language, country=p.country,
            holidays=sorted(d.on for d in p.calendar_days if d.kind == "holiday"),
            workdays=sorted(d.on for d in p.calendar_days if d.kind == "workday"),
            rates={r.grade: r.day_rate_minor for r in p.rates},
            baseline={b.grade: b.pd_milli for b in p.baseline},
            quotas=[QuotaSpec(q.key, q.title, q.limit) for q in p.quotas],
            people=[PersonSpec(x.key, x.name, x.party, x.role, x.grade, x.location, x.timezone,
                               x.title) for x in p.people],
            tasks=[TaskSpec(t.code, t.title, t.estimate_milli, t.priority, t.status,
                            [a.person.key for a in t.assignees]) for t in p.tasks],
            allocations=[AllocationSpec(t.code, a.person.key, a.planned_milli)
                         for t in p.tasks for a in t.assignees if a.planned_milli is not None],
            contract=p.contract, signed_on=p.signed_on, billing=p.billing,
            price_minor=p.price_minor, tax_rate_ppm=p.tax_rate_ppm,
            prices_include_tax=p.prices_include_tax,
            deliverables=[records.deliverable_spec(d) for d in p.deliverables],
        )

    def export_sow(self) -> SowSpec:
        """The project as a SOW (the signed baseline; CRs are not folded in)."""
        with reading(self.engine) as s:
            return self._sow_spec(self._project(s))

    def project(self) -> ProjectView:
        with reading(self.engine) as s:
            return self._project_view(self._project(s))

    def deliverables(self) -> list[DeliverableView]:
        """The SOW's deliverables, in the SOW's order."""
        with reading(self.engine) as s:
            return self._deliverables(s, self._project(s))

    @staticmethod
    def _deliverables(s: Session, project: Project) -> list[DeliverableView]:
        """The SOW's deliverables, in the SOW's order, within a transaction."""
        return [DeliverableView(d.key, d.title, tuple(d.tasks), d.criteria, d.due, d.kind)
                for d in (records.deliverable_spec(row) for row in project.deliverables)]

    def projects(self) -> list[ProjectView]:
        with reading(self.engine) as s:
            rows = s.scalars(select(Project).order_by(Project.code))
            return [self._project_view(p) for p in rows]

    def people(self) -> list[PersonView]:
        with reading(self.engine) as s:
            project = self._project(s)
            rates = {r.grade: r.day_rate_minor for r in project.rates}
            return [PersonView(p.key, p.name, p.party, p.role, p.grade, p.location,
                               p.timezone or project.timezone,
                               rates.get(p.grade) if p.grade else None, p.title, p.db_role)
                    for p in project.people]

    def rates(self) -> dict[str, int]:
        """The rate card: day rate per grade in minor units (hundredths)."""
        with reading(self.engine) as s:
            return {r.grade: r.day_rate_minor for r in self._project(s).rates}

    def change_grade(self, person: str, grade: str) -> PersonView:
        """Promote or re-grade a person; past entries keep the grade they were charged at."""
        if grade not in rules.GRADES:
            raise LedgerError(f"--grade: {grade!r} is not a grade ({', '.join(rules.GRADES)})")
        with writing(self.engine) as s:
            project = self._project(s)
            self._check_writable(s, project)
            self._permit(s, project, Action.PLAN)
            p = self._person(s, project, person)
            if p.party != "vendor":
                raise LedgerError(f"--person: {person} is of the client party and has no grade")
            before = p.grade
            p.grade = grade
            self._audit(s, project).record("grade", "person", p.key, {"grade": before},
                                           {"grade": grade})
        return next(v for v in self.people() if v.key == person)

    # ------------------------------------------------------------ identities

    def whoami(self) -> tuple[str, PersonView | None, str | None]:
        """(kind of actor, the acting person or None for the operator, login role or None).

        Refuses, like any write would, an ``--as`` that this connection may not use."""
        with reading(self.engine) as s:
            project = self._project(s)
            actor, person = self._actor(s, project)
            role = self._login_role(s)
        view = next((v for v in self.people() if person and v.key == person.key), None)
        return actor.kind, view, role

    def bind_role(self, person: str, role: str | None) -> PersonView:
        """Bind ``person`` to the PostgreSQL login role ``role`` (None: unbind)."""
        if role is not None and not role.strip():
            raise LedgerError("ROLE: must not be empty")
        with writing(self.engine) as s:
            if not self._db_owner(s):  # checked first: the database refuses it anyway
                raise LedgerError(f"person {'bind' if role else 'unbind'}: only the database "
                                  f"owner binds people to login roles")
            project = self._project(s)
            self._check_writable(s, project)
            self._permit(s, project, Action.BIND)
            if self.engine.dialect.name != "postgresql":
                raise LedgerError("person bind: login roles exist on PostgreSQL only; a SQLite "
                                  "ledger is as private as its file")
            p = self._person(s, project, person, "PERSON")
            if role is not None:
                exists = s.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"),
                                   {"r": role}).first()
                if exists is None:
                    raise LedgerError(f"ROLE: there is no database login role {role!r} "
                                      f"(CREATE ROLE {role} LOGIN PASSWORD '...' first)")
                other = s.scalars(select(Person).where(Person.project_id == project.id,
                                                       Person.db_role == role,
                                                       Person.id != p.id)).first()
                if other is not None:
                    raise LedgerError(f"ROLE: {role!r} is already bound to {other.key}")
            elif p.db_role is None:
                raise LedgerError(f"PERSON: {p.key} is not bound to a login role")
            before = p.db_role
            p.db_role = role
            self._audit(s, project).record("bind", "person", p.key, {"db_role": before},
                                           {"db_role": role})
        return next(v for v in self.people() if v.key == person)

    # ------------------------------------------------------------ entries

    def log(self, task: str, hours: str | int, on: str | date | None = None,
            person: str | None = None, note: str = "") -> EntryView:
        """One time entry; ``person`` defaults to the acting person, ``on`` to their today."""
        minutes = rules.hours_to_minutes(hours, "--hours")
        with writing(self.engine) as s:
            project = self._project(s)
            self._check_writable(s, project)
            actor, me = self._actor(s, project)
            who = person or (me.key if me else None)
            if not who:
                require(actor, Action.LOG_OWN)  # the operator has no entries of their own
                raise LedgerError("--person: required (or --as / SOWTRACK_USER)")
            p = self._person(s, project, who, "--person" if person else "--as")
            self._permit_entry(s, project, p)
            t = self._task(s, project, task)
            day = _parse_on(on, self._person_today(project, p), "--date")
            self._check_entry(s, project, p, day, self._current_end(s, project),
                              what_person="--person" if person else "--as")
            total = self._day_minutes(s, p, day) + minutes
            if total > rules.MAX_MINUTES_PER_DAY:
                raise LedgerError(f"--hours: {who} would have {total / 60:g} h on {day}; "
                                  f"a day holds at most 24 h")
            e = TimeEntry(project_id=project.id, person=p, task=t, on=day, minutes=minutes,
                          grade=p.grade or "", note=note or "")
            s.add(e)
            s.flush()
            self._audit(s, project).record("log", "entry", str(e.id), after=records.entry_record(e))
            return self._entry_view(e)

    @staticmethod
    def _entry_view(e: TimeEntry) -> EntryView:
        return EntryView(e.id, e.on, e.person.key, e.task.code, e.minutes, e.grade, e.note)

    def _entry(self, s: Session, project: Project, entry_id: int) -> TimeEntry:
        if not 1 <= entry_id <= MAX_ROW_ID:  # beyond a database integer: no such row
            raise LedgerError(f"entry {entry_id}: no such entry")
        e = s.get(TimeEntry, entry_id)
        if e is None or e.project_id != project.id:
            raise LedgerError(f"entry {entry_id}: no such entry")
        return e

    def edit_entry(self, entry_id: int, *, task: str | None = None, hours: str | None = None,
                   on: str | date | None = None, note: str | None = None) -> EntryView:
        """Change an entry; both its old and its new date must be outside signed periods."""
        with writing(self.engine) as s:
            project = self._project(s)
            self._check_writable(s, project)
            e = self._entry(s, project, entry_id)
            self._permit_entry(s, project, e.person)
            before = records.entry_record(e)
            self._check_date_open(s, project, e.on, f"entry {entry_id}")
            if task is not None:
                e.task = self._task(s, project, task)
            if hours is not None:
                e.minutes = rules.hours_to_minutes(hours, "--hours")
            if on is not None:
                e.on = _parse_on(on, e.on, "--date")
            if note is not None:
                e.note = note
            self._check_entry(s, project, e.person, e.on, self._current_end(s, project))
            total = self._day_minutes(s, e.person, e.on, exclude=e.id) + e.minutes
            if total > rules.MAX_MINUTES_PER_DAY:
                raise LedgerError(f"--hours: {e.person.key} would have {total / 60:g} h on "
                                  f"{e.on}; a day holds at most 24 h")
            s.flush()
            self._audit(s, project).record("edit", "entry", str(e.id), before,
                                           records.entry_record(e))
            return self._entry_view(e)

    def delete_entry(self, entry_id: int) -> None:
        with writing(self.engine) as s:
            project = self._project(s)
            self._check_writable(s, project)
            e = self._entry(s, project, entry_id)
            self._permit_entry(s, project, e.person)
            self._check_date_open(s, project, e.on, f"entry {entry_id}")
            before = records.entry_record(e)
            s.delete(e)
            self._audit(s, project).record("delete", "entry", str(entry_id), before, None)

    def entries(self, first: date | None = None, last: date | None = None,
                person: str | None = None, limit: int | None = None,
                offset: int = 0) -> list[EntryView]:
        """Entries by date then id, optionally a window (the TUI pages through them)."""
        with reading(self.engine) as s:
            project = self._project(s)
            q = (select(TimeEntry).where(TimeEntry.project_id == project.id)
                 .options(selectinload(TimeEntry.person), selectinload(TimeEntry.task))
                 .order_by(TimeEntry.on, TimeEntry.id))
            if first:
                q = q.where(TimeEntry.on >= first)
            if last:
                q = q.where(TimeEntry.on <= last)
            if person:
                q = q.where(TimeEntry.person_id == self._person(s, project, person).id)
            if limit is not None:
                q = q.limit(limit).offset(offset)
            return [self._entry_view(e) for e in s.scalars(q)]

    def import_entries(self, rows: Sequence[EntryRow], problems: Sequence[str] = (),
                       source: EntryFile | None = None, again: bool = False) -> int:
        """All-or-nothing import; every bad row is listed as ``line N: reason``.

        ``source`` is the file the rows come from: a file whose SHA-256 was imported
        before is refused unless ``again``, and the import is recorded in the audit log
        (entity ``import``, ref the SHA-256) in the same transaction as its entries."""
        problems = list(problems)
        with writing(self.engine) as s:
            project = self._project(s)
            self._check_writable(s, project)
            actor, _ = self._actor(s, project)
            if source is not None and not again:
                self._check_not_imported(s, project, source)
            if not allowed(actor, Action.LOG_OTHERS):
                require(actor, Action.LOG_OWN)
                other = next((r for r in rows if r.person != actor.key), None)
                if other is not None:
                    raise LedgerError(f"--as: {actor.label} may not import entries of other "
                                      f"people: line {other.line} is for {other.person!r}")
            end = self._current_end(s, project)
            people = {p.key: p for p in project.people}
            tasks = {t.code: t for t in project.tasks}
            periods = list(s.scalars(select(Period).where(
                Period.project_id == project.id,
                Period.status.in_((rules.DOC_SIGNING, rules.DOC_EFFECTIVE)))))
            today: dict[int, date] = {}  # per person: today in their time zone
            existing: dict[tuple[int, date], int] = defaultdict(int)
            for pid, on, minutes in s.execute(
                    select(TimeEntry.person_id, TimeEntry.on, func.sum(TimeEntry.minutes))
                    .where(TimeEntry.project_id == project.id)
                    .group_by(TimeEntry.person_id, TimeEntry.on)):
                existing[(pid, on)] = int(minutes)
            new: list[dict[str, Any]] = []
            for row in rows:
                try:
                    check_text(row.note, "note")  # Core inserts below: no flush checks it
                    day = parse_date(row.on, "date")
                    p = people.get(row.person)
                    if p is None:
                        raise LedgerError(f"person: unknown person {row.person!r}")
                    t = tasks.get(row.task)
                    if t is None:
                        raise LedgerError(f"task: unknown task {row.task!r}")
                    minutes = rules.hours_to_minutes(row.hours, "hours")
                    if p.party != "vendor":
                        raise LedgerError(f"person: {p.key} is of the client party; only "
                                          f"vendor people log hours")
                    if not p.grade:
                        raise LedgerError(f"person: {p.key} has no grade and cannot log hours")
                    if not project.start <= day <= end:
                        raise LedgerError(f"date: {day} is outside the SOW "
                                          f"({project.start}..{end})")
                    if p.id not in today:
                        today[p.id] = self._person_today(project, p)
                    rules.check_date(day, "date", today[p.id])
                    period = next((x for x in periods if x.first <= day <= x.last), None)
                    if period is not None:
                        raise LedgerError(f"date: {day} lies in signed period {period.number}")
                    total = existing[(p.id, day)] + minutes
                    if total > rules.MAX_MINUTES_PER_DAY:
                        raise LedgerError(f"hours: {p.key} would have {total / 60:g} h on {day}; "
                                          f"a day holds at most 24 h")
                except LedgerError as exc:
                    problems.append(f"line {row.line}: {exc}")
                    continue
                existing[(p.id, day)] = total
                new.append({"project_id": project.id, "person_id": p.id, "task_id": t.id,
                            "on": day, "minutes": minutes, "grade": p.grade or "",
                            "note": row.note, "_person": p.key, "_task": t.code})
            if problems:
                problems.sort(key=_line_number)
                raise LedgerErrors(problems)
            # Core inserts in batches, not 100,000 ORM objects: an import of a year's hours
            # runs in seconds and in little memory, in the same one transaction.
            audit = self._audit(s, project)
            table = TimeEntry.__table__
            assert isinstance(table, Table)
            sqlite = self.engine.dialect.name == "sqlite"
            insert_entries = (insert(table) if sqlite else insert(table).returning(
                table.c.id, sort_by_parameter_order=True))
            # SQLite cannot return ids in parameter order from one INSERT, so the ids are
            # given: under BEGIN IMMEDIATE no one else inserts, and max + 1 is what SQLite
            # itself would choose.
            top = (int(s.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar() or 0)
                   if sqlite else 0)
            for start in range(0, len(new), _IMPORT_BATCH):
                batch = new[start:start + _IMPORT_BATCH]
                values = [{k: v for k, v in e.items() if k[0] != "_"} for e in batch]
                if sqlite:
                    ids = list(range(top + 1, top + 1 + len(values)))
                    top += len(values)
                    for i, v in zip(ids, values, strict=True):
                        v["id"] = i
                    s.execute(insert_entries, values)
                else:
                    ids = list(s.scalars(insert_entries, values).all())
                audit.record_many(("import", "entry", str(i), None, {
                    "id": i, "date": e["on"].isoformat(), "person": e["_person"],
                    "task": e["_task"], "minutes": e["minutes"], "grade": e["grade"],
                    "note": e["note"]}) for i, e in zip(ids, batch, strict=True))
            if source is not None and new:
                audit.record_many([("import", "import", source.sha256, None, {
                    "sha256": source.sha256, "name": source.name, "rows": len(new)})])
            return len(new)

    @staticmethod
    def _check_not_imported(s: Session, project: Project, source: EntryFile) -> None:
        """Refuse a file already imported into this project (the same bytes twice would
        count every hour twice)."""
        earlier = s.execute(select(AuditEvent.at, AuditEvent.actor, AuditEvent.after).where(
            AuditEvent.project_code == project.code, AuditEvent.entity == "import",
            AuditEvent.ref == source.sha256).order_by(AuditEvent.id.desc()).limit(1)).first()
        if earlier is None:
            return
        try:
            seen = json.loads(earlier.after or "{}")
        except ValueError:
            seen = {}
        name = seen.get("name") if isinstance(seen, dict) else None
        rows = seen.get("rows") if isinstance(seen, dict) else None
        what = f" as {name}" if name and name != source.name else ""
        count = (f" ({rows} entr{'y' if rows == 1 else 'ies'})" if isinstance(rows, int)
                 else "")
        raise LedgerError(f"{source.name}: this file was already imported{what}{count} on "
                          f"{earlier.at:%Y-%m-%d %H:%M} UTC by {earlier.actor}; importing it "
                          f"again would count its hours twice (use --again if that is meant)")

    def entries_after(self, after: tuple[date, int] | None, limit: int,
                      person: str | None = None) -> list[EntryView]:
        """The next ``limit`` entries after (date, id): keyset paging for huge ledgers."""
        with reading(self.engine) as s:
            project = self._project(s)
            q = (select(TimeEntry).where(TimeEntry.project_id == project.id)
                 .options(selectinload(TimeEntry.person), selectinload(TimeEntry.task))
                 .order_by(TimeEntry.on, TimeEntry.id).limit(limit))
            if after is not None:
                on, entry_id = after
                q = q.where(tuple_(TimeEntry.on, TimeEntry.id) > tuple_(on, entry_id))
            if person:
                q = q.where(TimeEntry.person_id == self._person(s, project, person).id)
            return [self._entry_view(e) for e in s.scalars(q)]

    def entry_count(self) -> int:
        with reading(self.engine) as s:
            project = self._project(s)
            return int(s.execute(select(func.count()).select_from(TimeEntry)
                                 .where(TimeEntry.project_id == project.id)).scalar() or 0)

    # ------------------------------------------------------------ tasks

    def tasks(self) -> list[TaskView]:
        """The work breakdown with estimate, allocations and consumption."""
        with reading(self.engine) as s:
            project = self._project(s)
            consumed = {tid: int(m) for tid, m in s.execute(
                select(TimeEntry.task_id, func.sum(TimeEntry.minutes))
                .where(TimeEntry.project_id == project.id).group_by(TimeEntry.task_id))}
            return [self._task_view(project, t, consumed.get(t.id, 0)) for t in project.tasks]

    @staticmethod
    def _task_view(project: Project, t: Task, consumed: int) -> TaskView:
        return TaskView(t.code, t.title, t.estimate_milli, t.priority, t.status,
                        tuple((a.person.key, a.planned_milli) for a in t.assignees),
                        consumed, project.minutes_per_day)

    _task_state = staticmethod(records.task_record)

    def add_task(self, code: str, title: str, estimate: str | int, priority: str = "medium",
                 assignees: Sequence[str] = ()) -> TaskView:
        code, title = code.strip(), title.strip()
        if not code:
            raise LedgerError("code: must not be empty")
        if not title:
            raise LedgerError("title: must not be empty")
        if priority not in rules.PRIORITIES:
            raise LedgerError(f"priority: {priority!r} is not one of "
                              f"{', '.join(rules.PRIORITIES)}")
        milli = rules.pd_amount_to_milli(estimate, "estimate")
        with writing(self.engine) as s:
            project = self._project(s)
            self._check_writable(s, project)
            self._permit(s, project, Action.PLAN)
            if any(t.code == code for t in project.tasks):
                raise LedgerError(f"code: a task {code!r} already exists")
            task = Task(code=code, title=title, estimate_milli=milli, priority=priority,
                        status="open")
            for key in dict.fromkeys(assignees):
                p = self._person(s, project, key, "assignees")
                if p.party != "vendor" or not p.grade:
                    raise LedgerError(f"assignees: {key} is not a vendor person with a grade")
                task.assignees.append(Assignment(person=p))
            project.tasks.append(task)
            s.flush()
            self._audit(s, project).record("add", "task", code, after=self._task_state(task))
            return self._task_view(project, task, 0)

    def edit_task(self, code: str, *, title: str | None = None, estimate: str | None = None,
                  priority: str | None = None, status: str | None = None) -> TaskView:
        with writing(self.engine) as s:
            project = self._project(s)
            self._check_writable(s, project)
            self._permit(s, project, Action.PLAN)
            task = self._task(s, project, code, "task")
            before = self._task_state(task)
            if title is not None:
                if not title.strip():
                    raise LedgerError("title: must not be empty")
                task.title = title.strip()
            if estimate is not None:
                task.estimate_milli = rules.pd_amount_to_milli(estimate, "estimate")
            if priority is not None:
                if priority not in rules.PRIORITIES:
                    raise LedgerError(f"priority: {priority!r} is not one of "
                                      f"{', '.join(rules.PRIORITIES)}")
                task.priority = priority
            if status is not None:
                if status not in rules.TASK_STATUSES:
                    raise LedgerError(f"status: {status!r} is not one of "
                                      f"{', '.join(rules.TASK_STATUSES)}")
                task.status = status
            s.flush()
            self._audit(s, project).record("edit", "task", code, before, self._task_state(task))
            return self._task_view(project, task, self._task_minutes(s, task))

    @staticmethod
    def _task_minutes(s: Session, task: Task) -> int:
        return int(s.execute(select(func.coalesce(func.sum(TimeEntry.minutes), 0))
                             .where(TimeEntry.task_id == task.id)).scalar() or 0)

    def set_allocation(self, task: str, person: str, pd: str | None) -> TaskView:
        """Assign ``person`` to ``task`` with ``pd`` planned PD; ``pd`` None unassigns."""
        with writing(self.engine) as s:
            project = self._project(s)
            self._check_writable(s, project)
            self._permit(s, project, Action.PLAN)
            t = self._task(s, project, task, "task")
            p = self._person(s, project, person, "person")
            if p.party != "vendor" or not p.grade:
                raise LedgerError(f"person: {person} is not a vendor person with a grade")
            before = self._task_state(t)
            current = next((a for a in t.assignees if a.person is p), None)
            if pd is None:
                if current is None:
                    raise LedgerError(f"person: {person} is not assigned to {t.code}")
                t.assignees.remove(current)
            else:
                milli = rules.pd_amount_to_milli(pd, "PD")
                if current is None:
                    current = Assignment(person=p)
                    t.assignees.append(current)
                current.planned_milli = milli
            s.flush()
            self._audit(s, project).record("allocate", "task", t.code, before,
                                           self._task_state(t))
            return self._task_view(project, t, self._task_minutes(s, t))

    def calendar(self) -> tuple[rules.Calendar, date, date]:
        """(calendar, start, current end) of the project."""
        with reading(self.engine) as s:
            project = self._project(s)
            return self._calendar(project), project.start, self._current_end(s, project)

    def alerts(self, summary: rules.Summary) -> list[rules.Alert]:
        """The dashboard's alerts for ``summary``'s as-of date."""
        with reading(self.engine) as s:
            project = self._project(s)
            cal = self._calendar(project)
            last = rules.last_working_day_before(cal, project.start, summary.as_of)
            logged: dict[date, set[str]] = defaultdict(set)
            if last is not None:
                for key in s.scalars(select(Person.key).join(
                        TimeEntry, TimeEntry.person_id == Person.id).where(
                        TimeEntry.project_id == project.id, TimeEntry.on == last).distinct()):
                    logged[last].add(key)
            engineers = [p.key for p in project.people
                         if p.party == "vendor" and p.role == "engineer"]
            blockers = [rules.BlockerFact(b.number, b.party, b.raised_on, b.resolved_on)
                        for b in s.scalars(select(Blocker)
                                           .where(Blocker.project_id == project.id))]
            return rules.alerts(summary, blockers, cal, project.start, engineers, logged)

    # ------------------------------------------------------------ blockers

    def add_blocker(self, title: str, party: str, on: str | date | None = None,
                    task: str | None = None) -> BlockerView:
        if party not in rules.PARTIES:
            raise LedgerError(f"--party: {party!r} is not one of {', '.join(rules.PARTIES)}")
        if not title.strip():
            raise LedgerError("--title: must not be empty")
        with writing(self.engine) as s:
            project = self._project(s)
            self._check_writable(s, project)
            me = self._permit(s, project, Action.BLOCKER)
            day = _parse_on(on, self._today(project.timezone))
            self._check_event_date(project, me, day)
            t = self._task(s, project, task) if task else None
            count = s.execute(select(func.count()).select_from(Blocker)
                              .where(Blocker.project_id == project.id)).scalar() or 0
            b = Blocker(project_id=project.id, number=f"B-{int(count) + 1:03d}", title=title,
                        party=party, raised_on=day, task=t,
                        raised_by=me.key if me else None)
            s.add(b)
            s.flush()
            self._audit(s, project).record("add", "blocker", b.number,
                                           after=records.blocker_record(b))
            return self._blocker_view(project, b, self._today(project.timezone))

    def resolve_blocker(self, number: str, on: str | date | None = None) -> BlockerView:
        with writing(self.engine) as s:
            project = self._project(s)
            self._check_writable(s, project)
            me = self._permit(s, project, Action.BLOCKER)
            b = s.scalars(select(Blocker).where(Blocker.project_id == project.id,
                                                Blocker.number == number.upper())).first()
            if b is None:
                raise LedgerError(f"blocker: no blocker {number!r}")
            if b.resolved_on is not None:
                raise LedgerError(f"blocker {b.number}: already resolved on {b.resolved_on}")
            day = _parse_on(on, self._today(project.timezone))
            if day < b.raised_on:
                raise LedgerError(f"--on: {day} is before {b.number} was raised ({b.raised_on})")
            self._check_event_date(project, me, day)
            before = records.blocker_record(b)
            b.resolved_on = day
            self._audit(s, project).record("resolve", "blocker", b.number, before,
                                           records.blocker_record(b))
            return self._blocker_view(project, b, self._today(project.timezone))

    def _blocker_view(self, project: Project, b: Blocker, as_of: date) -> BlockerView:
        age = rules.working_days_open(self._calendar(project), b.raised_on, b.resolved_on,
                                      max(as_of, b.resolved_on or as_of))
        return BlockerView(b.number, b.title, b.party, b.raised_on, b.resolved_on,
                           b.task.code if b.task else None, age)

    def blockers(self, as_of: date | None = None) -> list[BlockerView]:
        with reading(self.engine) as s:
            project = self._project(s)
            day = as_of or self._today(project.timezone)
            return [self._blocker_view(project, b, day) for b in s.scalars(
                select(Blocker).where(Blocker.project_id == project.id).order_by(Blocker.id))]

    # ------------------------------------------------------------ change requests

    def _parse_deltas(self, project: Project, deltas: Mapping[str, Any],
                      quota_deltas: Mapping[str, Any]) -> tuple[dict[str, int], dict[str, int]]:
        pd: dict[str, int] = {}
        for grade, value in deltas.items():
            if grade not in rules.GRADES:
                raise LedgerError(f"--delta: {grade!r} is not a grade ({', '.join(rules.GRADES)})")
            pd[grade] = rules.pd_to_milli(value, f"--delta {grade}")
        quotas = {q.key for q in project.quotas}
        qd: dict[str, int] = {}
        for key, value in quota_deltas.items():
            if key not in quotas:
                raise LedgerError(f"--quota: unknown quota {key!r}"
                                  + (f" (known: {', '.join(sorted(quotas))})" if quotas else ""))
            try:
                qd[key] = int(str(value))
            except ValueError:
                raise LedgerError(f"--quota {key}: {value!r} is not a whole number") from None
            if abs(qd[key]) > MAX_QUOTA:  # stored in a 32-bit integer
                raise LedgerError(f"--quota {key}: {value} is too large (at most {MAX_QUOTA})")
        return pd, qd

    @staticmethod
    def _new_end(project: Project, value: str | date) -> date:
        """A change request's new end: not before the start, nor years past it (reports walk
        every day up to the end)."""
        end = _parse_on(value, project.end, "--end")
        if end < project.start:
            raise LedgerError(f"--end: {end} is before the SOW start {project.start}")
        if end > latest_end(project.start):
            raise LedgerError(f"--end: {end} is more than {MAX_SOW_YEARS} years after the SOW "
                              f"start {project.start}")
        return end

    def _cr(self, s: Session, project: Project, number: str) -> ChangeRequest:
        cr = s.scalars(select(ChangeRequest).where(ChangeRequest.project_id == project.id,
                                                   ChangeRequest.number == number.upper())).first()
        if cr is None:
            raise LedgerError(f"change request: no change request {number!r}")
        return cr

    def _check_change(self, s: Session, project: Project, change: rules.ChangeFact,
                      signing: bool = False) -> None:
        """The change request ``change`` changes something (checked when it is raised or
        edited) and, on top of the baseline and every effective CR, leaves no budget or
        quota limit negative (checked again when it takes effect)."""
        changes = [self._change_fact(cr) for cr in self._changes(s, project)]
        if not signing:
            rules.check_change_not_empty(change, rules.end_at(project.end, changes, date.max))
        rules.check_change_not_negative(
            change, {b.grade: b.pd_milli for b in project.baseline},
            [rules.QuotaFact(q.key, q.title, q.limit) for q in project.quotas], changes)

    def new_cr(self, title: str, reason: str = "", deltas: Mapping[str, Any] | None = None,
               quota_deltas: Mapping[str, Any] | None = None, new_end: str | date | None = None,
               on: str | date | None = None) -> ChangeView:
        """Raise a change request (unsigned; no effect until both parties sign)."""
        if not title.strip():
            raise LedgerError("--title: must not be empty")
        with writing(self.engine) as s:
            project = self._project(s)
            self._check_writable(s, project)
            raiser = self._acting(s, project, Action.CHANGE)
            pd, qd = self._parse_deltas(project, deltas or {}, quota_deltas or {})
            end = self._new_end(project, new_end) if new_end else None
            day = _parse_on(on, self._today(project.timezone))
            self._check_event_date(project, raiser, day)
            self._check_change(s, project, rules.ChangeFact("new", day, deltas=pd,
                                                            quota_deltas=qd, new_end=end))
            count = s.execute(select(func.count()).select_from(ChangeRequest)
                              .where(ChangeRequest.project_id == project.id)).scalar() or 0
            cr = ChangeRequest(project_id=project.id, number=f"CR-{int(count) + 1:03d}",
                               title=title, reason=reason or "", raised_on=day,
                               raised_by=raiser.key, new_end=end, status=rules.DOC_OPEN)
            cr.deltas = [ChangeDelta(grade=g, pd_milli=v) for g, v in pd.items()]
            cr.quota_deltas = [ChangeQuotaDelta(quota_key=k, delta=v) for k, v in qd.items()]
            s.add(cr)
            s.flush()
            self._audit(s, project).record("raise", "cr", cr.number,
                                           after=records.change_record(project, cr))
            return self._change_view(s, project, cr)

    def edit_cr(self, number: str, *, title: str | None = None, reason: str | None = None,
                deltas: Mapping[str, Any] | None = None,
                quota_deltas: Mapping[str, Any] | None = None,
                new_end: str | date | None = None) -> ChangeView:
        """Edit an unsigned CR; a signed one is frozen (withdraw it and raise a new one)."""
        with writing(self.engine) as s:
            project = self._project(s)
            self._check_writable(s, project)
            self._acting(s, project, Action.CHANGE)
            cr = self._cr(s, project, number)
            if cr.status != rules.DOC_OPEN:
                raise LedgerError(f"{cr.number}: carries a signature; its content is frozen "
                                  f"(withdraw it and raise a new one)")
            before = records.change_record(project, cr)
            if title is not None:
                cr.title = title
            if reason is not None:
                cr.reason = reason
            if deltas is not None or quota_deltas is not None:
                pd, qd = self._parse_deltas(project, deltas or {}, quota_deltas or {})
                if deltas is not None:
                    cr.deltas = [ChangeDelta(grade=g, pd_milli=v) for g, v in pd.items()]
                if quota_deltas is not None:
                    cr.quota_deltas = [ChangeQuotaDelta(quota_key=k, delta=v)
                                       for k, v in qd.items()]
            if new_end is not None:
                cr.new_end = self._new_end(project, new_end)
            s.flush()
            self._check_change(s, project, self._change_fact(cr))
            self._audit(s, project).record("edit", "cr", cr.number, before,
                                           records.change_record(project, cr))
            return self._change_view(s, project, cr)

    def _signatures(self, s: Session, kind: str, doc_id: int) -> list[Signature]:
        return list(s.scalars(select(Signature).where(Signature.doc_kind == kind,
                                                      Signature.doc_id == doc_id)
                              .options(selectinload(Signature.person))
                              .order_by(Signature.id)))

    def _sign(self, s: Session, project: Project, kind: str, doc: Any, label: str,
              content: dict[str, Any], on: str | date | None, not_before: date | None,
              effective_check: Callable[[], None] | None = None) -> None:
        """Add the acting person's signature to a document and update its status;
        ``effective_check`` runs first when this signature makes the document effective."""
        signer = self._acting(s, project, Action.SIGN)
        day = _parse_on(on, self._person_today(project, signer))
        existing = self._signatures(s, kind, doc.id)
        facts = [rules.SignatureFact(x.person.key, x.party, x.role, x.signed_on)
                 for x in existing]
        new = rules.SignatureFact(signer.key, signer.party, signer.role, day)
        rules.check_signature(label, doc.status, facts, new, not_before)
        self._check_event_date(project, signer, day)
        status, effective = rules.signoff_state(facts + [new])
        if effective_check is not None and status == rules.DOC_EFFECTIVE:
            effective_check()
        sig = Signature(project_id=project.id, doc_kind=kind, doc_id=doc.id, person=signer,
                        party=signer.party, role=signer.role, signed_on=day,
                        digest=rules.digest(content))
        s.add(sig)
        doc.status, doc.effective_on = status, effective
        s.flush()
        audit = self._audit(s, project)
        audit.record("sign", "signature", f"{label}/{signer.key}",
                     after=records.signature_record(sig, label))
        audit.record("status", kind, label, after={"status": status,
                                                    "effective_on": effective})

    def sign_cr(self, number: str, on: str | date | None = None) -> ChangeView:
        """Sign a CR as the acting person; it takes effect on its last required signature."""
        with writing(self.engine) as s:
            project = self._project(s)
            self._check_writable(s, project)
            cr = self._cr(s, project, number)
            # Another CR may have taken effect since this one was raised: check again.
            self._sign(s, project, "cr", cr, cr.number, records.change_content(project, cr), on,
                       cr.raised_on, lambda: self._check_change(s, project,
                                                                self._change_fact(cr), True))
            self._audit(s, project).record("state", "cr", cr.number,
                                           after=records.change_record(project, cr))
            return self._change_view(s, project, cr)

    def withdraw_cr(self, number: str) -> ChangeView:
        with writing(self.engine) as s:
            project = self._project(s)
            self._check_writable(s, project)
            self._acting(s, project, Action.CHANGE)
            cr = self._cr(s, project, number)
            if cr.status == rules.DOC_EFFECTIVE:
                raise LedgerError(f"{cr.number}: is effective since {cr.effective_on} and cannot "
                                  f"be withdrawn; raise a new CR to reverse it")
            if cr.status == rules.DOC_WITHDRAWN:
                raise LedgerError(f"{cr.number}: is already withdrawn")
            before = records.change_record(project, cr)
            cr.status = rules.DOC_WITHDRAWN
            self._audit(s, project).record("withdraw", "cr", cr.number, before,
                                           records.change_record(project, cr))
            return self._change_view(s, project, cr)

    def _signature_views(self, s: Session, kind: str, doc_id: int) -> tuple[SignatureView, ...]:
        return tuple(SignatureView(x.person.key, x.person.name, x.party, x.role, x.signed_on,
                                   x.digest) for x in self._signatures(s, kind, doc_id))

    def _change_view(self, s: Session, project: Project, cr: ChangeRequest) -> ChangeView:
        return ChangeView(
            number=cr.number, title=cr.title, reason=cr.reason, raised_on=cr.raised_on,
            raised_by=cr.raised_by, status=cr.status, effective_on=cr.effective_on,
            new_end=cr.new_end,
            deltas=tuple(sorted(((d.grade, d.pd_milli) for d in cr.deltas),
                                key=lambda x: rules.grade_order(x[0]))),
            quota_deltas=tuple((q.quota_key, q.delta) for q in cr.quota_deltas),
            signatures=self._signature_views(s, "cr", cr.id))

    def change_requests(self) -> list[ChangeView]:
        with reading(self.engine) as s:
            project = self._project(s)
            return [self._change_view(s, project, cr) for cr in self._changes(s, project)]

    def change_request(self, number: str) -> ChangeView:
        with reading(self.engine) as s:
            project = self._project(s)
            return self._change_view(s, project, self._cr(s, project, number))

    def effective_order(self) -> list[str]:
        """The effective CRs in the order they took effect: by effective date, then by
        the signature that made each effective (its last signature row: ids follow the
        order of signing, so two CRs signed the same day keep their order)."""
        with reading(self.engine) as s:
            project = self._project(s)
            rows = s.execute(
                select(ChangeRequest.number, ChangeRequest.effective_on,
                       func.max(Signature.id))
                .join(Signature, (Signature.doc_kind == "cr")
                      & (Signature.doc_id == ChangeRequest.id))
                .where(ChangeRequest.project_id == project.id,
                       ChangeRequest.status == rules.DOC_EFFECTIVE)
                .group_by(ChangeRequest.id, ChangeRequest.number,
                          ChangeRequest.effective_on))
            return [number for number, _, _ in sorted(rows, key=lambda r: (r[1], r[2]))]

    # ------------------------------------------------------------ sign-offs

    def _period_content(self, s: Session, project: Project, period: Period) -> dict[str, Any]:
        return self._period_entries_content(s, project, period.first, period.last)

    def _period_entries_content(self, s: Session, project: Project, first: date,
                                last: date) -> dict[str, Any]:
        """What a period's signatures (and its printed timesheet) cover: its entries."""
        entries = s.scalars(select(TimeEntry).where(
            TimeEntry.project_id == project.id, TimeEntry.on >= first,
            TimeEntry.on <= last).options(selectinload(TimeEntry.person),
                                          selectinload(TimeEntry.task)))
        return {"kind": "period", "project": project.code,
                "first": first.isoformat(), "last": last.isoformat(),
                "entries": sorted([e.on.isoformat(), e.person.key, e.task.code, e.minutes,
                                   e.grade, e.note] for e in entries),
                **contract_content(project.contract, project.signed_on)}

    def sign_period(self, first: str | date, last: str | date,
                    on: str | date | None = None) -> SignoffView:
        """Sign a period's timesheet as the acting person; its entries freeze at once."""
        d1, d2 = _parse_on(first, date.min, "--from"), _parse_on(last, date.min, "--to")
        if d2 < d1:
            raise LedgerError(f"--to: {d2} is before --from {d1}")
        with writing(self.engine) as s:
            project = self._project(s)
            self._check_writable(s, project)
            self._acting(s, project, Action.SIGN)  # before the period is written
            end = self._current_end(s, project)
            if d2 < project.start or d1 > end:
                raise LedgerError(f"--from/--to: {d1}..{d2} does not overlap the SOW "
                                  f"({project.start}..{end})")
            signer = self._acting(s, project, Action.SIGN)
            rules.check_period_over(d2, self._person_today(project, signer))
            live = list(s.scalars(select(Period).where(
                Period.project_id == project.id, Period.status != rules.DOC_WITHDRAWN)))
            period = next((p for p in live if p.first == d1 and p.last == d2), None)
            if period is None:
                clash = next((p for p in live if p.first <= d2 and d1 <= p.last), None)
                if clash is not None:
                    raise LedgerError(f"--from/--to: {d1}..{d2} overlaps period {clash.number} "
                                      f"({clash.first}..{clash.last})")
                count = s.execute(select(func.count()).select_from(Period)
                                  .where(Period.project_id == project.id)).scalar() or 0
                period = Period(project_id=project.id, number=f"TS-{int(count) + 1:03d}",
                                first=d1, last=d2, status=rules.DOC_OPEN)
                s.add(period)
                s.flush()
                self._audit(s, project).record("raise", "period", period.number,
                                               after=records.period_record(period))
            self._sign(s, project, "period", period, period.number,
                       self._period_content(s, project, period), on, period.first)
            return self._period_view(s, period)

    # ------------------------------------------------------------ printed sheets

    def period_content(self, first: date, last: date) -> dict[str, Any]:
        """The canonical content a period's signatures cover (a printed timesheet's too)."""
        with reading(self.engine) as s:
            return self._period_entries_content(s, self._project(s), first, last)

    def change_content(self, number: str) -> dict[str, Any]:
        """The canonical content a CR's signatures cover (its printed form's too)."""
        with reading(self.engine) as s:
            project = self._project(s)
            return records.change_content(project, self._cr(s, project, number))

    def acceptance_content(self) -> dict[str, Any]:
        """The canonical content the acceptance's signatures cover."""
        with reading(self.engine) as s:
            return self._acceptance_content(s, self._project(s))

    def ledger_version(self) -> int:
        """The project's audit rows so far: a printed sheet's version."""
        with reading(self.engine) as s:
            project = self._project(s)
            return int(s.execute(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.project_code == project.code)).scalar() or 0)

    def chain_head(self) -> tuple[int, str] | None:
        """The audit chain's head (newest row id, its hash): what a printed sheet carries."""
        with reading(self.engine) as s:
            return audit_chain_head(s)

    def audit_hash(self, row_id: int) -> str | None:
        """The hash of audit row ``row_id``, or None when the ledger has no such row."""
        with reading(self.engine) as s:
            return s.execute(select(AuditEvent.hash).where(AuditEvent.id == row_id)).scalar()

    # ------------------------------------------------------------ printed revisions

    @staticmethod
    def _revisions(s: Session, project: Project, doc_id: str) -> list[PrintedRevision]:
        return list(s.scalars(select(PrintedRevision).where(
            PrintedRevision.project_id == project.id, PrintedRevision.doc_id == doc_id)
            .order_by(PrintedRevision.revision)))

    def printed_revisions(self, doc_id: str) -> list[tuple[int, str, date]]:
        """(revision, digest, first printed on) of every content printed under ``doc_id``,
        oldest first."""
        with reading(self.engine) as s:
            return [(r.revision, r.digest, r.printed_on)
                    for r in self._revisions(s, self._project(s), doc_id)]

    def record_printed(self, doc_id: str, digest: str, printed_on: date) -> int:
        """The revision of content ``digest`` under ``doc_id``, recorded when it is new.

        A content already printed keeps its revision (nothing is written); a new one is
        one more than the last, recorded with its audit row. Anyone who may print a sheet
        may record it, on an accepted (read-only) ledger too: it is document control, not
        a fact of the ledger. On PostgreSQL a login role bound to nobody only reads.
        """
        with reading(self.engine) as s:
            known = [r.revision for r in self._revisions(s, self._project(s), doc_id)
                     if r.digest == digest]
        if known:
            return known[0]
        try:
            return self._record_printed(doc_id, digest, printed_on)
        except LedgerError as exc:  # a ledger that cannot be written: say why it had to be
            if str(exc).startswith("export: "):
                raise
            raise LedgerError(f"export: {doc_id} holds content not printed before, whose "
                              f"revision cannot be recorded: {exc}") from None

    def _record_printed(self, doc_id: str, digest: str, printed_on: date) -> int:
        with writing(self.engine) as s:
            project = self._project(s)
            actor, me = self._actor(s, project)
            if actor.unbound_role is not None:
                raise LedgerError(f"export: {doc_id} holds content not printed before, and "
                                  f"{actor.label} may not record its revision: it may only "
                                  f"read (the database owner binds it: `sowtrack person "
                                  f"bind PERSON {actor.unbound_role}`)")
            printed = [(r.revision, r.digest, r.printed_on)
                       for r in self._revisions(s, project, doc_id)]
            revision = revision_of(printed, digest)
            if any(d == digest for _, d, _ in printed):  # recorded meanwhile by another
                return revision
            row = PrintedRevision(project_id=project.id, doc_id=doc_id, revision=revision,
                                  digest=digest, printed_on=printed_on,
                                  printed_by=me.key if me else None)
            s.add(row)
            s.flush()
            self._audit(s, project).record("print", "printed", str(row.id),
                                           after=records.printed_record(row))
            return row.revision

    def _acceptance_view(self, s: Session, acc: Acceptance) -> SignoffView:
        return SignoffView("acceptance", acc.number, None, None, acc.status, acc.effective_on,
                           self._signature_views(s, "acceptance", acc.id), acc.conclusion,
                           acc.comment or "")

    def _period_view(self, s: Session, p: Period) -> SignoffView:
        return SignoffView("period", p.number, p.first, p.last, p.status, p.effective_on,
                           self._signature_views(s, "period", p.id))

    def _acceptance_content(self, s: Session, project: Project) -> dict[str, Any]:
        changes = [self._change_fact(cr) for cr in self._changes(s, project)]
        consumed = {g: int(m) for g, m in s.execute(
            select(TimeEntry.grade, func.sum(TimeEntry.minutes))
            .where(TimeEntry.project_id == project.id).group_by(TimeEntry.grade))}
        budget = rules.budget_at({b.grade: b.pd_milli for b in project.baseline}, changes,
                                 date.max)
        periods = s.scalars(select(Period.number).where(
            Period.project_id == project.id, Period.status == rules.DOC_EFFECTIVE)
            .order_by(Period.number))
        quotas = {q.key: sum(u.n for u in q.uses) for q in project.quotas}
        blockers = s.scalars(select(Blocker).where(Blocker.project_id == project.id)
                             .order_by(Blocker.id))
        return {"kind": "acceptance", "project": project.code,
                "start": project.start.isoformat(),
                "end": rules.end_at(project.end, changes, date.max).isoformat(),
                "rates": {r.grade: r.day_rate_minor for r in project.rates},
                "budget_pd": {g: str(v) for g, v in sorted(budget.items())},
                "consumed_minutes": consumed,
                "tasks": [[t.code, t.title, t.estimate_milli, t.status] for t in project.tasks],
                "effective_crs": [c.number for c in changes if c.effective_on],
                "signed_periods": list(periods), "quotas_used": quotas,
                "blockers": [records.blocker_content(b) for b in blockers],
                **contract_content(project.contract, project.signed_on),
                **self._settlement_content(s, project, consumed)}

    def _settlement_content(self, s: Session, project: Project,
                            consumed: Mapping[str, int]) -> dict[str, Any]:
        """The acceptance's contract terms, deliverables, unconfirmed minutes per grade and
        settlement amount (SPEC §8), as its signatures cover them."""
        terms = self._project_view(project).terms
        spans = rules.confirmed_spans(s.execute(
            select(Period.first, Period.last, Period.status)
            .where(Period.project_id == project.id)))
        rates = {r.grade: r.day_rate_minor for r in project.rates}
        cost = sum((rules.pd_of_minutes(m, project.minutes_per_day)
                    * Fraction(rates.get(g, 0), 100) for g, m in consumed.items()), Fraction(0))
        return {
            "terms": {"contract": terms.contract,
                      "signed_on": terms.signed_on.isoformat() if terms.signed_on else None,
                      "billing": terms.billing, "price_minor": terms.price_minor,
                      "tax_rate": None if terms.tax_rate is None else str(terms.tax_rate),
                      "prices_include_tax": terms.prices_include_tax},
            "deliverables": [[d.key, d.title, list(d.tasks), d.criteria,
                              d.due.isoformat() if d.due else None, d.kind]
                             for d in self._deliverables(s, project)],
            "unconfirmed_minutes": rules.unconfirmed_minutes(
                (rules.DayTotal(on, "", grade, int(m)) for on, grade, m in s.execute(
                    select(TimeEntry.on, TimeEntry.grade, func.sum(TimeEntry.minutes))
                    .where(TimeEntry.project_id == project.id)
                    .group_by(TimeEntry.on, TimeEntry.grade))), spans),
            "settlement": settlement(terms, cost).content()}

    def sign_acceptance(self, on: str | date | None = None, conclusion: str | None = None,
                        comment: str = "") -> SignoffView:
        """Sign the final acceptance; once both parties have, the project is read-only.

        The client's signature records the conclusion (accepted, conditional, rejected)
        and comments; a rejected acceptance closes the document, not the project."""
        with writing(self.engine) as s:
            project = self._project(s)
            if project.accepted_on is not None:
                raise LedgerError(f"project {project.code} was accepted on "
                                  f"{project.accepted_on}; the ledger is read-only")
            signer = self._acting(s, project, Action.SIGN)  # before an acceptance is written
            conclusion, comment = rules.acceptance_conclusion(signer.party, conclusion,
                                                              comment)
            acc = self._live_acceptance(s, project)
            if acc is None:
                # A withdrawn acceptance keeps its signatures; a new document is raised.
                count = s.execute(select(func.count()).select_from(Acceptance)
                                  .where(Acceptance.project_id == project.id)).scalar() or 0
                acc = Acceptance(project_id=project.id, number=f"ACC-{int(count) + 1:03d}",
                                 status=rules.DOC_OPEN)
                s.add(acc)
                s.flush()
                self._audit(s, project).record("raise", "acceptance", acc.number,
                                               after=records.acceptance_record(acc))
            self._sign(s, project, "acceptance", acc, acc.number,
                       self._acceptance_content(s, project), on, project.start)
            if conclusion is not None:
                acc.conclusion, acc.comment = conclusion, comment
                if conclusion == "rejected":
                    acc.status, acc.effective_on = rules.DOC_REJECTED, None
                self._audit(s, project).record("conclude", "acceptance", acc.number,
                                               after=records.acceptance_record(acc))
            if acc.status == rules.DOC_EFFECTIVE:
                project.accepted_on = acc.effective_on
                self._audit(s, project).record("accept", "project", project.code,
                                               after={"accepted_on": acc.effective_on})
            return self._acceptance_view(s, acc)

    def withdraw_signoff(self, number: str) -> SignoffView:
        """Withdraw a period or the acceptance that is not yet signed by both parties."""
        with writing(self.engine) as s:
            project = self._project(s)
            if project.accepted_on is not None:
                raise LedgerError(f"project {project.code} was accepted on "
                                  f"{project.accepted_on}; the ledger is read-only")
            self._acting(s, project, Action.SIGN)
            doc: Period | Acceptance | None
            kind = "acceptance" if number.upper().startswith("ACC") else "period"
            model = Acceptance if kind == "acceptance" else Period
            doc = s.scalars(select(model).where(model.project_id == project.id,
                                                model.number == number.upper())).first()
            if doc is None:
                raise LedgerError(f"sign-off: no period or acceptance {number!r}")
            if doc.status == rules.DOC_EFFECTIVE:
                raise LedgerError(f"{doc.number}: is signed by both parties and cannot be "
                                  f"withdrawn")
            if doc.status in rules.DOC_CLOSED:
                raise LedgerError(f"{doc.number}: is already {doc.status}")
            doc.status = rules.DOC_WITHDRAWN
            self._audit(s, project).record("withdraw", kind, doc.number,
                                           after={"status": doc.status})
            s.flush()
            first = doc.first if isinstance(doc, Period) else None
            last = doc.last if isinstance(doc, Period) else None
            return SignoffView(kind, doc.number, first, last, doc.status, None,
                               self._signature_views(s, kind, doc.id))

    def signoffs(self) -> list[SignoffView]:
        with reading(self.engine) as s:
            project = self._project(s)
            views = [self._period_view(s, p) for p in s.scalars(
                select(Period).where(Period.project_id == project.id).order_by(Period.first))]
            for acc in s.scalars(select(Acceptance).where(Acceptance.project_id == project.id)
                                 .order_by(Acceptance.id)):
                views.append(self._acceptance_view(s, acc))
            return views

    # ------------------------------------------------------------ quotas

    def use_quota(self, key: str, n: int = 1, on: str | date | None = None,
                  note: str = "") -> QuotaView:
        """Record ``n`` uses of a quota; refused beyond its limit as of that date."""
        if n < 1:
            raise LedgerError(f"--n: must be at least 1, got {n}")
        with writing(self.engine) as s:
            project = self._project(s)
            self._check_writable(s, project)
            me = self._permit(s, project, Action.QUOTA)
            quota = next((q for q in project.quotas if q.key == key), None)
            if quota is None:
                known = ", ".join(q.key for q in project.quotas)
                raise LedgerError(f"quota: unknown quota {key!r}"
                                  + (f" (known: {known})" if known else ""))
            day = _parse_on(on, self._today(project.timezone))
            self._check_event_date(project, me, day)
            changes = [self._change_fact(cr) for cr in self._changes(s, project)]
            limit = rules.quota_limit_at(rules.QuotaFact(quota.key, quota.title, quota.limit),
                                         changes, day)
            used = sum(u.n for u in quota.uses)
            if used + n > limit:
                raise LedgerError(f"quota {key}: limit is {limit} on {day} and {used} are used; "
                                  f"{n} more would make {used + n}")
            use = QuotaUse(quota=quota, used_on=day, n=n, note=note or "",
                           used_by=me.key if me else None)
            s.add(use)
            s.flush()
            self._audit(s, project).record("use", "quota_use",
                                           records.quota_use_ref(key, use.id),
                                           after=records.quota_use_record(use, key))
            return QuotaView(quota.key, quota.title, limit, used + n)

    def quotas(self, as_of: date | None = None) -> list[QuotaView]:
        with reading(self.engine) as s:
            project = self._project(s)
            day = as_of or self._today(project.timezone)
            changes = [self._change_fact(cr) for cr in self._changes(s, project)]
            return [QuotaView(q.key, q.title,
                              rules.quota_limit_at(rules.QuotaFact(q.key, q.title, q.limit),
                                                   changes, day),
                              sum(u.n for u in q.uses if u.used_on <= day))
                    for q in project.quotas]

    # ------------------------------------------------------------ reports

    def _facts(self, s: Session, project: Project) -> rules.LedgerFacts:
        """Everything the figures come from. Kept while the ledger is unchanged: every
        change the program makes appends an audit row, so the chain's head (id, hash)
        says whether the GROUP BY over all entries (a second on a million) must run again."""
        head = s.execute(select(AuditEvent.id, AuditEvent.hash)
                         .order_by(AuditEvent.id.desc()).limit(1)).first()
        key = (project.id, tuple(head) if head else None)
        cached = self._facts_cache
        if cached is not None and cached[0] == key:
            return cached[1]
        facts = self._read_facts(s, project)
        self._facts_cache = (key, facts)
        return facts

    def _read_facts(self, s: Session, project: Project) -> rules.LedgerFacts:
        day_totals = [
            rules.DayTotal(on, key, grade, int(minutes))
            for on, key, grade, minutes in s.execute(
                select(TimeEntry.on, Person.key, TimeEntry.grade, func.sum(TimeEntry.minutes))
                .join(Person, Person.id == TimeEntry.person_id)
                .where(TimeEntry.project_id == project.id)
                .group_by(TimeEntry.on, Person.key, TimeEntry.grade))]
        blockers = [rules.BlockerFact(b.number, b.party, b.raised_on, b.resolved_on)
                    for b in s.scalars(select(Blocker).where(Blocker.project_id == project.id))]
        quotas = [rules.QuotaFact(q.key, q.title, q.limit, [(u.used_on, u.n) for u in q.uses])
                  for q in project.quotas]
        return rules.LedgerFacts(
            code=project.code, start=project.start, end=project.end,
            minutes_per_day=project.minutes_per_day, currency=project.currency,
            calendar=self._calendar(project),
            rates={r.grade: r.day_rate_minor for r in project.rates},
            baseline={b.grade: b.pd_milli for b in project.baseline},
            day_totals=day_totals,
            changes=[self._change_fact(cr) for cr in self._changes(s, project)],
            blockers=blockers, quotas=quotas)

    def facts(self) -> rules.LedgerFacts:
        """Everything the figures are computed from, read in one transaction."""
        with reading(self.engine) as s:
            return self._facts(s, self._project(s))

    def as_of(self, value: str | date | None) -> date:
        """--as-of, defaulting to today in the project's time zone."""
        if value is None:
            return self._today(self.project().timezone)
        return _parse_on(value, date.min, "--as-of")

    def summary(self, as_of: str | date | None = None) -> rules.Summary:
        with reading(self.engine) as s:
            project = self._project(s)
            day = _parse_on(as_of, self._today(project.timezone), "--as-of")
            return rules.summarize(self._facts(s, project), day)

    def burndown(self, as_of: str | date | None = None) -> list[rules.BurndownRow]:
        with reading(self.engine) as s:
            project = self._project(s)
            day = _parse_on(as_of, self._today(project.timezone), "--as-of")
            return rules.burndown(self._facts(s, project), day)

    def calendar_warning(self) -> str | None:
        with reading(self.engine) as s:
            project = self._project(s)
            return rules.country_warning(self._calendar(project), project.start,
                                         self._current_end(s, project))

    # ------------------------------------------------------------ verify

    def verify(self) -> tuple[int, list[str]]:
        """Check the audit chain and its witnessed head, every record of every table
        against the state the audit log alone gives it, and every signature's digest
        against its document. Returns (rows checked, problems)."""
        from storage.verify import verify_ledger

        with reading(self.engine) as s:
            return verify_ledger(self.engine, s, self._signed_contents)

    def _signed_contents(self, s: Session,
                         project: Project) -> list[tuple[str, int, str, Any]]:
        """(kind, id, number, canonical content) of every document whose signatures count."""
        out: list[tuple[str, int, str, Any]] = [
            ("cr", cr.id, cr.number, records.change_content(project, cr))
            for cr in self._changes(s, project)]
        for p in s.scalars(select(Period).where(Period.project_id == project.id)
                           .order_by(Period.id)):
            if p.status != rules.DOC_WITHDRAWN:
                out.append(("period", p.id, p.number, self._period_content(s, project, p)))
        for acc in s.scalars(select(Acceptance).where(Acceptance.project_id == project.id)
                             .order_by(Acceptance.id)):
            if acc.status not in rules.DOC_CLOSED:
                out.append(("acceptance", acc.id, acc.number,
                            self._acceptance_content(s, project)))
        return out


def _line_number(problem: str) -> int:
    try:
        return int(problem.split(":", 1)[0].removeprefix("line "))
    except ValueError:
        return 0


def parse_assignments(values: Iterable[str], what: str) -> dict[str, str]:
    """``KEY=VALUE`` arguments (``--delta senior=5``) to a dict; names ``what`` on error."""
    out: dict[str, str] = {}
    for v in values:
        key, sep, value = v.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise LedgerError(f"{what}: expected KEY=VALUE, got {v!r}")
        if key.strip() in out:
            raise LedgerError(f"{what}: {key.strip()} given twice")
        out[key.strip()] = value.strip()
    return out
