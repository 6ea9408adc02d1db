"""``import entries`` of a file of any size: rows read as a stream, every one admitted by
the model's one rule (rules.admit_entry) from facts fetched once, written in batches of
Core inserts inside the caller's one transaction: all or nothing, in bounded memory."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from json.encoder import encode_basestring  # storage.audit.json_text of a text
from typing import Any, NamedTuple, Protocol

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session, selectinload

from model import locks, rules
from model.errors import FieldError, LedgerError, LedgerErrors
from model.i18n import _
from model.rules.staffing import Staffing
from model.usertext import check_text
from storage.audit import AuditWriter
from storage.bulk import BulkInsert
from storage.orm import Person, Project, TimeEntry
from storage.records import entry_batch
from storage.sowfile import EntryRow, parse_date
from storage.sqlite_import import DeferredIndexes, import_cache

BATCH = 5000  # rows validated, then inserted, at a time
_COLUMNS = ("id", "project_id", "person_id", "task_id", "on", "minutes", "grade", "note")


@dataclass(frozen=True)
class ImportFacts:
    """What the admission of every row reads, fetched once for the whole file."""

    project: Project
    end: date  # the SOW's last day as of now
    documents: Sequence[locks.SignedDocument]  # the periods a signature locks
    today: Callable[[Person], date]  # today in a person's time zone
    staffing: Callable[[Person], Staffing]  # a person's active days and days away
    only: str | None = None  # the one person whose rows the actor may import
    only_label: str = ""
    #: task code -> (the CR that added it, its effective date): the task exists from then
    added: Mapping[str, tuple[str, date]] = field(default_factory=dict)
    #: a row's hours to whole minutes: decimal hours for a CSV file; the trackers' rows
    #: (storage/services/trackers.py) give minutes as 90m, which decimal hours cannot
    #: always write exactly
    minutes_of: Callable[[str, str], int] = rules.hours_to_minutes


class ImportHook(Protocol):
    """What an import from another tracker does inside the transaction of its entries:
    ``before`` the rows are read (it may fill them), ``after`` they are written."""

    def before(self, s: Session, project: Project) -> None: ...

    def after(self, s: Session, project: Project, written: int) -> None: ...


def import_rows(s: Session, facts: ImportFacts, rows: Iterable[EntryRow],
                problems: Sequence[str], audit: AuditWriter) -> int:
    """Admit and write ``rows``; raise LedgerErrors (every bad row as ``line N: reason``,
    with ``problems``, the file's malformed lines, read once the rows are read) and the
    caller's transaction writes nothing. Returns the number of entries written."""
    project = facts.project
    # Plain copies of the rows' people and tasks: an ORM attribute read costs a million
    people = {p.key: _Who(p.id, p.key, p.party, p.grade, p, p.grade or "",
                          encode_basestring(p.key), encode_basestring(p.grade or ""))
              for p in project.people}
    tasks = {t.code: _Task(t.id, encode_basestring(t.code)) for t in project.tasks}
    # Every person's days away (their staffing reads them) in one query, not one each
    s.scalars(select(Person).where(Person.project_id == project.id)
              .options(selectinload(Person.away))).all()
    # Each person-day's minutes, keyed person id << 20 | the day's ordinal (one int: a
    # million person-days fit in tens of MB).
    days: dict[int, int] = {}
    for pid, on, minutes in s.execute(
            select(TimeEntry.person_id, TimeEntry.on, func.sum(TimeEntry.minutes))
            .where(TimeEntry.project_id == project.id)
            .group_by(TimeEntry.person_id, TimeEntry.on)):
        days[pid << 20 | on.toordinal()] = int(minutes)
    writer = _Writer(s, audit, project.id)
    with import_cache(s.connection()):  # a larger page cache on SQLite
        return _admit_and_write(s, facts, rows, problems, writer, people, tasks, days)


def _admit_and_write(s: Session, facts: ImportFacts, rows: Iterable[EntryRow],
                     problems: Sequence[str], writer: _Writer, people: dict[str, _Who],
                     tasks: dict[str, _Task], days: dict[int, int]) -> int:
    """The rows admitted one by one (model.rules.admit_entry, the one rule), written in
    batches once all so far are good; ``days`` holds each person-day's minutes.

    The rule's conditions but the day's total depend on the person and the date, or on
    the task and the date (model.rules.admit_entry says so): a row whose person-date and
    task-date have each passed the whole rule already is admitted by the day's total
    alone (rules.check_day_total), without its EntryFacts."""
    project = facts.project
    per_person: dict[int, tuple[date, Staffing]] = {}
    # pure parses, cached (a file has few values): the date, its ISO text, its ordinal,
    # as the driver takes it and as JSON
    dates: dict[str, tuple[date, str, int, Any, str]] = {}
    hours: dict[str, int] = {}
    person_days: set[int] = set()  # person id << 20 | ordinal: passed the whole rule
    task_days: set[int] = set()  # task id << 20 | ordinal
    bad: list[str] = []
    batch: list[tuple[_Who, _Task, Any, str, int, str]] = []
    only, admit, make, added = facts.only, rules.admit_entry, rules.EntryFacts, facts.added
    day_total = rules.check_day_total
    start, end, documents = project.start, facts.end, facts.documents
    value, enc = writer.bulk.value, encode_basestring
    for line, on, person, task, given_hours, note in rows:
        if only is not None and person != only:
            raise FieldError("actor", _("{who} may not import entries of other people: "
                                        "line {line} is for {person!r}")
                                      .format(who=facts.only_label, line=line, person=person))
        try:
            if not note.isprintable():  # the fast path of check_text
                check_text(note, "note")  # Core inserts below: no flush checks it
            parsed = dates.get(on)
            if parsed is None:
                day = parse_date(on, "date")
                iso = day.isoformat()
                parsed = dates[on] = (day, iso, day.toordinal(), value("on", day), enc(iso))
            day, __, ordinal, on_value, on_json = parsed
            minutes = hours.get(given_hours)
            if minutes is None:
                minutes = hours[given_hours] = facts.minutes_of(given_hours, "hours")
            p = people.get(person)
            t = tasks.get(task)
            if p is not None and t is not None:
                key = p.id << 20 | ordinal
                logged = days.get(key, 0)
                if key in person_days and t.id << 20 | ordinal in task_days:
                    day_total(person, day, logged, minutes)
                else:
                    known = per_person.get(p.id)
                    if known is None:
                        known = per_person[p.id] = (facts.today(p.row),
                                                    facts.staffing(p.row))
                    admit(make(person, p.party, p.grade, task, True, day, minutes, start,
                               end, known[0], logged, documents, known[1],
                               added.get(task)))
                    person_days.add(key)
                    task_days.add(t.id << 20 | ordinal)
            else:  # refused by the rule: unknown person or task
                admit(make(person, p.party if p else None, p.grade if p else None, task,
                           t is not None, day, minutes, start, end, day, 0, documents,
                           None, added.get(task)))
                raise AssertionError("an unknown person or task was admitted")
        except LedgerError as exc:
            bad.append(f"line {line}: {exc}")
            continue
        days[key] = logged + minutes
        if bad:
            continue  # nothing will be written: the rest is only checked
        batch.append((p, t, on_value, on_json, minutes, note))
        if len(batch) == BATCH:
            writer.write(batch)
            batch.clear()
    if bad or problems:
        raise LedgerErrors(sorted([*problems, *bad], key=_line_number))
    writer.write(batch)
    writer.finish()
    return writer.count


class _Who(NamedTuple):
    id: int
    key: str
    party: str
    grade: str | None
    row: Person
    grade_text: str  # the grade as an entry holds it ("" for none)
    key_json: str  # the key and the grade as JSON texts (the audit's entry record)
    grade_json: str


class _Task(NamedTuple):
    id: int
    code_json: str  # the code as a JSON text


class _Writer:
    """Batches of admitted entries into the table, each with its audit row."""

    def __init__(self, s: Session, audit: AuditWriter, project_id: int):
        self.s, self.audit, self.count = s, audit, 0
        table = TimeEntry.__table__
        assert isinstance(table, Table)
        self.bulk = BulkInsert(s.connection(), table, _COLUMNS)
        self.project_id = project_id
        self.sqlite = s.get_bind().dialect.name == "sqlite"
        # SQLite: the ids are given, max + 1 on (what SQLite itself would choose; under
        # BEGIN IMMEDIATE no one else inserts). PostgreSQL: taken from the id sequence.
        self.top = (int(s.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar()
                        or 0) if self.sqlite else 0)
        # A large import into a small table builds its plain indexes once, at the end
        self.indexes = DeferredIndexes(s.connection(), table.name, self.top)

    def _ids(self, n: int) -> list[int]:
        if self.sqlite:
            self.top += n
            return list(range(self.top - n + 1, self.top + 1))
        return sorted(self.s.execute(text(
            "SELECT nextval(pg_get_serial_sequence('time_entry', 'id')) "
            "FROM generate_series(1, :n)"), {"n": n}).scalars())

    def write(self, batch: Sequence[tuple[_Who, _Task, Any, str, int, str]]) -> None:
        """Insert ``batch`` ((person, task, date as the driver takes it, date as JSON,
        minutes, note) each): the entries, then one audit row stating them all
        (storage.records.entry_batch), each entry's record as storage.records.entry_json
        writes it (the same bytes, built here from pieces each person, task and date
        gives once)."""
        if not batch:
            return
        ids = self._ids(len(batch))
        pid, enc = self.project_id, encode_basestring
        values = [(i, pid, p.id, t.id, on, minutes, p.grade_text, note)
                  for i, (p, t, on, _, minutes, note) in zip(ids, batch, strict=True)]
        records = [f'{{"date":{on_json},"grade":{p.grade_json},"id":{i},'
                   f'"minutes":{minutes},"note":{enc(note)},'
                   f'"person":{p.key_json},"task":{t.code_json}}}'
                   for i, (p, t, _, on_json, minutes, note) in zip(ids, batch, strict=True)]
        self.bulk.run(values)
        # one audit row states the whole batch (storage.records.entry_batch)
        self.audit.append(entry_batch.ACTION, entry_batch.ENTITY, [(
            entry_batch.batch_ref(ids[0], ids[-1]), None,
            entry_batch.batch_after(ids[0], ids[-1], records))])
        self.count += len(batch)
        self.indexes.consider(self.count)

    def finish(self) -> None:
        """After the last batch: the deferred indexes built (the transaction still open)."""
        self.indexes.restore()


def _line_number(problem: str) -> int:
    try:
        return int(problem.split(":", 1)[0].removeprefix("line "))
    except ValueError:
        return 0
