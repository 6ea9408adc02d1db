"""Time entries: logged, edited, deleted, listed and paged, imported from a file."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date

from sqlalchemy import bindparam, func, select, tuple_
from sqlalchemy.orm import Session, selectinload

from model import locks, rules
from model.errors import FieldError, LedgerError, Ref
from model.i18n import _, ngettext, parts
from model.permissions import Action, allowed, require
from model.views import EntryView
from storage import importing, records
from storage.orm import AuditEvent, Person, Project, Task, TimeEntry
from storage.services.core import MAX_ROW_ID, PERSON, LedgerBase
from storage.sowfile import EntryFile, EntryRow
from storage.workloads import tasks_added


class EntriesMixin(LedgerBase):
    """Time entries."""

    def _admit(self, s: Session, project: Project, person: Person, code: str,
               task: Task | None, on: date, minutes: int, exclude: int | None = None,
               what_person: Ref = PERSON, today: date | None = None) -> None:
        """Gather an entry's facts (its person's day, the periods over it) and let the
        model's one rule (rules.admit_entry) take or refuse it. ``today``: the person's
        today, when the caller has it already."""
        logged = int(s.execute(_DAY if exclude is None else _DAY_BUT, {
            "person": person.id, "on": on, "exclude": exclude}).scalar() or 0)
        rules.admit_entry(rules.EntryFacts(
            person.key, person.party, person.grade, code, task is not None, on, minutes,
            project.start, self._current_end(s, project),
            today or self._person_today(project, person),
            logged, self._periods(s, project, on), self._staffing(project, person),
            tasks_added(s, project).get(code)), what_person=what_person)

    def log(self, task: str | None, hours: str | int, on: str | date | None = None,
            person: str | None = None, note: str = "") -> EntryView:
        """One time entry; ``person`` defaults to the acting person, ``on`` to their today,
        ``task`` to the task of their latest entry (model.rules.entry_input: how hours, a
        date and a task code may be typed)."""
        minutes = rules.parse_hours(hours, Ref("hours"))
        with self._writing() as s:
            project = self._project(s)
            self._check_writable(s, project)
            actor, me = self._actor(s, project)
            who = person or (me.key if me else None)
            if not who:
                require(actor, Action.LOG_OWN)  # the operator has no entries of their own
                raise FieldError("person", *parts(_("required (or {actor} / SOWTRACK_USER)"),
                                                  actor=Ref("actor")))
            p = self._person(s, project, who, Ref("person") if person else Ref("actor"))
            self._permit_entry(s, project, p)
            if task is None:
                task = _last_task(s, project, p)
                if task is None:
                    raise FieldError("task", _("required: {key} has no entry yet to take the "
                                               "last task from").format(key=p.key))
            task, t = _find_task(s, project, task)
            today = self._person_today(project, p)
            day = today if on is None else rules.parse_day(on, today, Ref("date"))
            self._admit(s, project, p, task, t, day, minutes,
                        what_person=Ref("person") if person else Ref("actor"), today=today)
            assert t is not None  # admitted: the task is the project's
            e = TimeEntry(project_id=project.id, person=p, task=t, on=day, minutes=minutes,
                          grade=p.grade or "", note=note or "")
            s.add(e)
            s.flush()
            self._audit(s, project).record("log", "entry", str(e.id), after=records.entry_record(e))
            return _entry_view(e)

    def _entry(self, s: Session, project: Project, entry_id: int) -> TimeEntry:
        if not 1 <= entry_id <= MAX_ROW_ID:  # beyond a database integer: no such row
            raise LedgerError(_("entry {entry_id}: no such entry").format(entry_id=entry_id))
        e = s.get(TimeEntry, entry_id)
        if e is None or e.project_id != project.id:
            raise LedgerError(_("entry {entry_id}: no such entry").format(entry_id=entry_id))
        return e

    def edit_entry(self, entry_id: int, *, task: str | None = None, hours: str | None = None,
                   on: str | date | None = None, note: str | None = None) -> EntryView:
        """Change an entry; both its old and its new date must be outside signed periods."""
        with self._writing() as s:
            project = self._project(s)
            self._check_writable(s, project)
            e = self._entry(s, project, entry_id)
            self._permit_entry(s, project, e.person)
            before = records.entry_record(e)
            self._check_date_open(s, project, e.on, f"entry {entry_id}")
            code, t = (e.task.code, e.task) if task is None else _find_task(s, project, task)
            minutes = e.minutes if hours is None else rules.parse_hours(hours, Ref("hours"))
            day = e.on if on is None else rules.parse_day(
                on, self._person_today(project, e.person), Ref("date"))
            self._admit(s, project, e.person, code, t, day, minutes, exclude=e.id)
            assert t is not None  # admitted: the task is the project's
            e.task, e.minutes, e.on = t, minutes, day
            if note is not None:
                e.note = note
            s.flush()
            self._audit(s, project).record("edit", "entry", str(e.id), before,
                                           records.entry_record(e))
            return _entry_view(e)

    def delete_entry(self, entry_id: int) -> None:
        with self._writing() as s:
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
        with self._reading() as s:
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
            return [_entry_view(e) for e in s.scalars(q)]

    def import_entries(self, rows: Iterable[EntryRow], problems: Sequence[str] = (),
                       source: EntryFile | None = None, again: bool = False, *,
                       minutes_of: Callable[[str, str], int] | None = None,
                       hook: importing.ImportHook | None = None) -> int:
        """All-or-nothing import; every bad row is listed as ``line N: reason``.

        ``rows`` may be a stream (storage.sowfile.open_entry_file): they are read once,
        admitted and written in batches (storage.importing), and ``problems``
        (the file's malformed lines) is read after them. ``source`` is the file the rows
        come from: a file whose SHA-256 was imported before is refused unless ``again``,
        and the import is recorded in the audit log (entity ``import``, ref the SHA-256)
        in the same transaction as its entries. ``minutes_of`` reads a row's hours
        (default: decimal hours); ``hook`` runs inside the transaction, before the rows
        are read and after they are written (the imports from other trackers)."""
        # The entries' person and task ids are the project's own, read in this
        # transaction (storage.importing): SQLite need not check each row's references.
        with self._writing(references=False) as s:
            project = self._project(s)
            self._check_writable(s, project)
            actor, _ = self._actor(s, project)
            if source is not None and not again:
                _check_not_imported(s, project, source)
            own = not allowed(actor, Action.LOG_OTHERS)
            if own:
                require(actor, Action.LOG_OWN)
            # The periods a signature locks (model.locks' rule), picked once for every row.
            facts = importing.ImportFacts(
                project, self._current_end(s, project),
                [d for d in self._periods(s, project) if locks.locks(d.status)],
                lambda p: self._person_today(project, p),
                lambda p: self._staffing(project, p),
                actor.key if own else None, actor.label,
                tasks_added(s, project),  # a CR's task exists from its effective date
                minutes_of=minutes_of or rules.hours_to_minutes)
            audit = self._audit(s, project)
            if hook is not None:
                hook.before(s, project)
            n = importing.import_rows(s, facts, rows, problems, audit)
            if hook is not None:
                hook.after(s, project, n)
            if source is not None and n:
                audit.record_many([("import", "import", source.sha256, None, {
                    "sha256": source.sha256, "name": source.name, "rows": n})])
            return n

    def entries_after(self, after: tuple[date, int] | None, limit: int,
                      person: str | None = None) -> list[EntryView]:
        """The next ``limit`` entries after (date, id): keyset paging for huge ledgers."""
        with self._reading() as s:
            project = self._project(s)
            q = (select(TimeEntry).where(TimeEntry.project_id == project.id)
                 .options(selectinload(TimeEntry.person), selectinload(TimeEntry.task))
                 .order_by(TimeEntry.on, TimeEntry.id).limit(limit))
            if after is not None:
                on, entry_id = after
                q = q.where(tuple_(TimeEntry.on, TimeEntry.id) > tuple_(on, entry_id))
            if person:
                q = q.where(TimeEntry.person_id == self._person(s, project, person).id)
            return [_entry_view(e) for e in s.scalars(q)]

    def entry_count(self) -> int:
        with self._reading() as s:
            project = self._project(s)
            return int(s.execute(select(func.count()).select_from(TimeEntry)
                                 .where(TimeEntry.project_id == project.id)).scalar() or 0)


# built once: a log runs them inside the write lock
_DAY = select(func.coalesce(func.sum(TimeEntry.minutes), 0)).where(
    TimeEntry.person_id == bindparam("person"), TimeEntry.on == bindparam("on"))
_DAY_BUT = _DAY.where(TimeEntry.id != bindparam("exclude"))
_TASK = select(Task).where(Task.project_id == bindparam("project"),
                           Task.code == bindparam("code"))


def _find_task(s: Session, project: Project, typed: str) -> tuple[str, Task | None]:
    """The task a typed code names (model.rules.match_task: the exact code, else the one
    equal to it without regard to case), as (its code, the task); (typed, None) when the
    project has none (the admission refuses it, quoting what was typed)."""
    exact = s.scalars(_TASK, {"project": project.id, "code": typed}).first()
    if exact is not None:
        return exact.code, exact
    codes = s.scalars(select(Task.code).where(Task.project_id == project.id)).all()
    code = rules.match_task(typed, codes, Ref("task"))
    if code is None:
        return typed, None
    return code, s.scalars(_TASK, {"project": project.id, "code": code}).one()


def _last_task(s: Session, project: Project, person: Person) -> str | None:
    """The task of ``person``'s latest entry (latest date, then the last recorded): the
    task ``log`` takes when none is given, as the app's My day proposes it."""
    return s.scalars(select(Task.code).join(TimeEntry.task).where(
        TimeEntry.project_id == project.id, TimeEntry.person_id == person.id)
        .order_by(TimeEntry.on.desc(), TimeEntry.id.desc()).limit(1)).first()


def _entry_view(e: TimeEntry) -> EntryView:
    return EntryView(e.id, e.on, e.person.key, e.task.code, e.minutes, e.grade, e.note)


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
    what = _(" as {name}").format(name=name) if name and name != source.name else ""
    count = (ngettext(" ({n} entry)", " ({n} entries)", rows).format(n=rows)
             if isinstance(rows, int) else "")
    raise LedgerError(*parts(_("{name}: this file was already imported{what}{count} on "
                               "{at:%Y-%m-%d %H:%M} UTC by {actor}; importing it again would "
                               "count its hours twice (use {again} if that is meant)"),
                             name=source.name, what=what, count=count, at=earlier.at,
                             actor=earlier.actor, again=Ref("again")))

