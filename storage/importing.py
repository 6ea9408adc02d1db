"""``import entries`` of a file of any size: rows read as a stream, every one admitted by
the model's one rule (rules.admit_entry) from facts fetched once, written in batches of
Core inserts inside the caller's one transaction: all or nothing, in bounded memory."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from itertools import islice
from json.encoder import encode_basestring  # storage.audit.json_text of a text
from operator import attrgetter, itemgetter, le, or_
from typing import Any, NamedTuple, NoReturn, Protocol

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session, selectinload

from model import locks, rules
from model.errors import FieldError, LedgerError, LedgerErrors
from model.i18n import _
from model.rules.staffing import Staffing
from model.usertext import check_text
from storage import figures
from storage.audit import AuditWriter
from storage.bulk import BulkInsert
from storage.orm import Person, Project, TimeEntry
from storage.records import entry_batch
from storage.sowfile import EntryRow, parse_date
from storage.sowfile.entries import EntryBlock, EntryRows
from storage.sqlite_import import DeferredIndexes, Lane, import_cache

BATCH = 5000  # rows validated, then inserted, at a time
#: time_entry's indexes that lead with the project and the date: a file in date order
#: (a tracker's or a timesheet's export, the usual case) appends to them as it is
#: written, so a large import keeps them instead of building them again at the end
#: (storage.sqlite_import.DeferredIndexes); rows out of order get them all built there.
_DATE_LED = ("ix_time_entry_project_on_id", "ix_time_entry_figures")
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
                          encode_basestring(p.key), encode_basestring(p.grade or ""),
                          p.id << 20)
              for p in project.people}
    tasks = {t.code: _Task(t.id, encode_basestring(t.code), t.id << 20)
             for t in project.tasks}
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
    held = {key & _ORDINAL_BITS for key in days}  # the dates that hold entries already
    writer = _Writer(s, audit, project.id)
    per_day = project.minutes_per_day
    with import_cache(s.connection()):  # a larger page cache on SQLite
        try:
            n = _admit_and_write(s, facts, rows, problems, writer, people, tasks, days)
        except BaseException:
            writer.lane.close(failing=True)
            raise
        writer.lane.close()
        # SQLite, the kept sums' trigger set aside: every date the import wrote is marked
        # dirty as the indexes are built. Those that held no entry before hold the
        # import's alone, whose person-days ``days`` holds: their sums by the rule, not
        # summed again from the table, computed here while SQLite builds.
        new_sums = writer.indexes.restore(
            lambda: _sums_of_new_dates(per_day, days, held, people))
    if new_sums is not None:
        figures.store_clean(s, project.id, new_sums)
    return n


_ORDINAL_BITS = (1 << 20) - 1  # a person-day's key: person id << 20 | the day's ordinal


def _sums_of_new_dates(minutes_per_day: int, days: Mapping[int, int], held: set[int],
                       people: Mapping[str, _Who]) -> tuple[rules.DaySums, ...]:
    """model.rules.day_sums of the person-days in ``days`` on the dates not in ``held``
    (each person-day at its person's grade, as the import writes its entries), a date at
    a time: a date's sums are its own entries' (the rule keys everything by the date),
    and the rule's working memory stays one date's, not a million entries'."""
    who = {w.id: w for w in people.values()}
    per_date: dict[int, list[int]] = {}
    for key in days:
        ordinal = key & _ORDINAL_BITS
        if ordinal not in held:
            keys = per_date.get(ordinal)
            if keys is None:
                per_date[ordinal] = [key]
            else:
                keys.append(key)
    out: list[rules.DaySums] = []
    for ordinal in sorted(per_date):
        on = date.fromordinal(ordinal)
        out += rules.day_sums([rules.DayTotal(on, w.key, w.grade_text, days[key])
                               for key in per_date.pop(ordinal)
                               for w in (who[key >> 20],)], minutes_per_day)
    return tuple(out)


class _Who(NamedTuple):
    id: int
    key: str
    party: str
    grade: str | None
    row: Person
    grade_text: str  # the grade as an entry holds it ("" for none)
    key_json: str  # the key and the grade as JSON texts (the audit's entry record)
    grade_json: str
    shifted: int  # id << 20: a person-day's key is this | the day's ordinal


class _Task(NamedTuple):
    id: int
    code_json: str  # the code as a JSON text
    shifted: int  # id << 20: a task-day's key is this | the day's ordinal


# the columns of a row's parts: a batch's columns are made by map(), not a loop
_ORDINAL, _VALUE, _JSON = itemgetter(2), itemgetter(3), itemgetter(4)  # of a parsed date
_SHIFTED = attrgetter("shifted")
_ID, _GRADE = attrgetter("id"), attrgetter("grade_text")


def _admit_and_write(s: Session, facts: ImportFacts, rows: Iterable[EntryRow],
                     problems: Sequence[str], writer: _Writer, people: dict[str, _Who],
                     tasks: dict[str, _Task], days: dict[int, int]) -> int:
    """The rows admitted by model.rules.admit_entry (the one rule), a batch at a time, and
    written a batch at a time once all so far are good; ``days`` holds each person-day's
    minutes. Each batch is admitted as a whole (:meth:`_Admission.batch`) or, when that
    cannot say it is all good, row by row (:meth:`_Admission.rows`, which names every bad
    row): both admit exactly the rows the rule admits."""
    admission = _Admission(facts, writer, people, tasks, days)
    for block in _blocks(rows, BATCH):
        admitted = admission.batch(block)
        if admitted is None:
            admitted = admission.rows(block)
        if not admission.bad:
            writer.write(admitted)
    if admission.bad or problems:
        raise LedgerErrors(sorted([*problems, *admission.bad], key=_line_number))
    return writer.count


def _blocks(rows: Iterable[EntryRow], size: int) -> Iterator[EntryBlock]:
    """``rows`` a block of (at most) ``size`` at a time: an entry file's as its reader
    reads them, any others gathered."""
    if isinstance(rows, EntryRows):
        yield from rows.blocks(size)
        return
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield EntryBlock(*map(list, zip(*chunk, strict=True)))  # type: ignore[arg-type]


class _Columns(NamedTuple):
    """A batch of admitted entries, column by column."""

    people: Sequence[_Who]
    tasks: Sequence[_Task]
    on_values: Sequence[Any]  # the date as the driver takes it
    on_jsons: Sequence[str]  # the date as a JSON text
    minutes: Sequence[int]
    notes: Sequence[str]


_NO_ROWS = _Columns((), (), (), (), (), ())


class _Admission:
    """The admission of an import's rows, and what it has learnt so far.

    The rule's conditions but the day's total depend on the person and the date, or on
    the task and the date (model.rules.admit_entry says so): a row whose person-date and
    task-date have each passed the whole rule already is admitted by the day's total
    alone (rules.check_day_total), without its EntryFacts."""

    def __init__(self, facts: ImportFacts, writer: _Writer, people: dict[str, _Who],
                 tasks: dict[str, _Task], days: dict[int, int]):
        self.facts, self.people, self.tasks, self.days = facts, people, tasks, days
        self.value = writer.bulk.value
        self.per_person: dict[int, tuple[date, Staffing]] = {}
        # pure parses, cached (a file has few values): the date, its ISO text, its
        # ordinal, as the driver takes it and as JSON; the hours as minutes
        self.dates: dict[str, tuple[date, str, int, Any, str]] = {}
        self.hours: dict[str, int] = {}
        self.person_days: set[int] = set()  # person id << 20 | ordinal: passed the rule
        self.task_days: set[int] = set()  # task id << 20 | ordinal
        self.bad: list[str] = []  # every bad row, as ``line N: reason``

    def _date(self, on: str) -> tuple[date, str, int, Any, str]:
        parsed = self.dates.get(on)
        if parsed is None:
            day = parse_date(on, "date")
            iso = day.isoformat()
            parsed = self.dates[on] = (day, iso, day.toordinal(), self.value("on", day),
                                       encode_basestring(iso))
        return parsed

    def _minutes(self, given: str) -> int:
        minutes = self.hours.get(given)
        if minutes is None:
            minutes = self.hours[given] = self.facts.minutes_of(given, "hours")
        return minutes

    def _refuse_unknown(self, person: str, p: _Who | None, task: str, t: _Task | None,
                        day: date, minutes: int) -> NoReturn:
        """rules.admit_entry's refusal of a row whose person or task the project lacks."""
        f = self.facts
        rules.admit_entry(rules.EntryFacts(
            person, p.party if p else None, p.grade if p else None, task, t is not None,
            day, minutes, f.project.start, f.end, day, 0, f.documents, None,
            f.added.get(task)))
        raise AssertionError("an unknown person or task was admitted")

    def _known(self, p: _Who) -> tuple[date, Staffing]:
        """A person's today and staffing, fetched once."""
        known = self.per_person.get(p.id)
        if known is None:
            f = self.facts
            known = self.per_person[p.id] = (f.today(p.row), f.staffing(p.row))
        return known

    def _whole_rule(self, person: str, p: _Who, task: str, t: _Task, day: date,
                    minutes: int, logged: int) -> None:
        """rules.admit_entry of one row, from its EntryFacts."""
        f, project = self.facts, self.facts.project
        known = self._known(p)
        rules.admit_entry(rules.EntryFacts(
            person, p.party, p.grade, task, True, day, minutes, project.start, f.end,
            known[0], logged, f.documents, known[1], f.added.get(task)))

    def batch(self, block: EntryBlock) -> _Columns | None:
        """The rows of ``block`` admitted as a whole, or None when this cannot tell that
        every one is good (then :meth:`rows` decides, from the state before): nothing is
        learnt from a batch that is not all good.

        Each person-date and task-date new to the import passes the whole rule with one
        of its rows; every person-day's total after the batch passes the day's total
        (minutes are more than 0, so no total before it was larger)."""
        __, ons, persons, codes, given, notes = block
        only = self.facts.only
        if only is not None and persons.count(only) != len(persons):
            return None
        if not "".join(notes).isprintable():  # the fast path of check_text
            return None
        try:
            for on in set(ons).difference(self.dates):
                self._date(on)
            for h in set(given).difference(self.hours):
                self._minutes(h)
        except LedgerError:
            return None
        parsed = list(map(self.dates.__getitem__, ons))
        minutes = list(map(self.hours.__getitem__, given))
        ps = list(map(self.people.get, persons))
        ts = list(map(self.tasks.get, codes))
        if None in ps or None in ts or min(minutes) <= 0:
            return None
        ordinals = list(map(_ORDINAL, parsed))
        pkeys = list(map(or_, map(_SHIFTED, ps), ordinals))
        tkeys = list(map(or_, map(_SHIFTED, ts), ordinals))
        new_people = set(pkeys).difference(self.person_days)
        new_tasks = set(tkeys).difference(self.task_days)
        at = dict(zip(pkeys, range(len(pkeys)), strict=True))  # a row of each person-day
        days, summed = self.days, dict.fromkeys(at, 0)
        for key, m in zip(pkeys, minutes, strict=True):
            summed[key] += m
        try:
            if new_people or new_tasks:
                pick = {at[k] for k in new_people}
                at_task = dict(zip(tkeys, range(len(tkeys)), strict=True))  # a row of each task-day
                pick.update(at_task[k] for k in new_tasks.difference(tkeys[i] for i in pick))
                for i in sorted(pick):
                    self._whole_rule(persons[i], ps[i], codes[i], ts[i], parsed[i][0],
                                     minutes[i], days.get(pkeys[i], 0))
            for key, m in summed.items():
                summed[key] = days.get(key, 0) + m
            worst = max(summed, key=summed.__getitem__)
            i = at[worst]
            rules.check_day_total(persons[i], parsed[i][0], 0, summed[worst])
        except LedgerError:
            return None
        days.update(summed)
        self.person_days.update(new_people)
        self.task_days.update(new_tasks)
        return _Columns(ps, ts, list(map(_VALUE, parsed)), list(map(_JSON, parsed)),
                        minutes, notes)

    def rows(self, block: EntryBlock) -> _Columns:
        """The rows of ``block`` admitted one by one; each bad one is added to ``bad``."""
        facts, days, bad = self.facts, self.days, self.bad
        only = facts.only
        admitted: list[tuple[_Who, _Task, Any, str, int, str]] = []
        for line, on, person, task, given_hours, note in block.rows():
            if only is not None and person != only:
                raise FieldError("actor", _("{who} may not import entries of other people: "
                                            "line {line} is for {person!r}")
                                 .format(who=facts.only_label, line=line, person=person))
            try:
                if not note.isprintable():  # the fast path of check_text
                    check_text(note, "note")  # Core inserts below: no flush checks it
                day, __, ordinal, on_value, on_json = self._date(on)
                minutes = self._minutes(given_hours)
                p = self.people.get(person)
                t = self.tasks.get(task)
                if p is None or t is None:
                    self._refuse_unknown(person, p, task, t, day, minutes)
                key = p.shifted | ordinal
                logged = days.get(key, 0)
                if key in self.person_days and t.shifted | ordinal in self.task_days:
                    rules.check_day_total(person, day, logged, minutes)
                else:
                    self._whole_rule(person, p, task, t, day, minutes, logged)
                    self.person_days.add(key)
                    self.task_days.add(t.shifted | ordinal)
            except LedgerError as exc:
                bad.append(f"line {line}: {exc}")
                continue
            days[key] = logged + minutes
            if not bad:
                admitted.append((p, t, on_value, on_json, minutes, note))
        if not admitted:
            return _NO_ROWS
        return _Columns(*map(list, zip(*admitted, strict=True)))  # type: ignore[arg-type]


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
        # whether every row so far came in date order (see _DATE_LED)
        self.in_order, self.last_on = True, None
        audit.ready()  # from now on, chaining a batch reads nothing from the database
        # Each batch's entries and audit row are written on a second thread (SQLite)
        # while the next batch is read and admitted here
        self.lane = Lane(s.connection())

    def _ids(self, n: int) -> list[int]:
        if self.sqlite:
            self.top += n
            return list(range(self.top - n + 1, self.top + 1))
        return sorted(self.s.execute(text(
            "SELECT nextval(pg_get_serial_sequence('time_entry', 'id')) "
            "FROM generate_series(1, :n)"), {"n": n}).scalars())

    def write(self, batch: _Columns) -> None:
        """Insert ``batch``: the entries, then one audit row stating them all
        (storage.records.entry_batch), each entry's record as storage.records.entry_json
        writes it (the same bytes, built here from pieces each person, task and date
        gives once)."""
        n = len(batch.minutes)
        if not n:
            return
        ids = self._ids(n)
        ps, ts = batch.people, batch.tasks
        columns = (ids, [self.project_id] * n, list(map(_ID, ps)), list(map(_ID, ts)),
                   batch.on_values, batch.minutes, list(map(_GRADE, ps)), batch.notes)
        enc = encode_basestring
        records = [f'{{"date":{on},"grade":{p.grade_json},"id":{i},"minutes":{m},'
                   f'"note":{enc(note)},"person":{p.key_json},"task":{t.code_json}}}'
                   for on, p, t, i, m, note in zip(batch.on_jsons, ps, ts, ids,
                                                   batch.minutes, batch.notes, strict=True)]
        # one audit row states the whole batch (storage.records.entry_batch)
        audit_row = self.audit.chain(entry_batch.ACTION, entry_batch.ENTITY, [(
            entry_batch.batch_ref(ids[0], ids[-1]), None,
            entry_batch.batch_after(ids[0], ids[-1], records))])
        ons = batch.on_values  # the dates as stored (ISO texts on SQLite): in date order?
        self.in_order = (self.in_order and all(map(le, ons, islice(ons, 1, None)))
                         and (self.last_on is None or self.last_on <= ons[0]))
        self.last_on = ons[-1]
        if self.indexes.due(self.count):  # the batches so far are written: defer now
            self.lane.wait()
            self.indexes.defer(_DATE_LED if self.in_order else ())
        self.lane.submit(partial(self._insert, columns, audit_row))
        self.count += n

    def _insert(self, columns: Sequence[Sequence[Any]], audit_row: Callable[[], None]) -> None:
        """A batch's writes (on the lane's thread): its entries, its audit row."""
        self.bulk.run_columns(columns)
        audit_row()


def _line_number(problem: str) -> int:
    try:
        return int(problem.split(":", 1)[0].removeprefix("line "))
    except ValueError:
        return 0
