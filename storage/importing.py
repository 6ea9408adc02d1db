"""``import entries`` of a file of any size: rows read as a stream, every one admitted by
the model's one rule (rules.admit_entry) from facts fetched once, written in batches of
Core inserts inside the caller's one transaction: all or nothing, in bounded memory."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session

from model import locks, rules
from model.errors import FieldError, LedgerError, LedgerErrors
from model.rules.staffing import Staffing
from model.usertext import check_text
from storage.audit import AuditWriter
from storage.bulk import BulkInsert
from storage.orm import Person, Project, TimeEntry
from storage.records import entry_json
from storage.sowfile import EntryRow, parse_date

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


def import_rows(s: Session, facts: ImportFacts, rows: Iterable[EntryRow],
                problems: Sequence[str], audit: AuditWriter) -> int:
    """Admit and write ``rows``; raise LedgerErrors (every bad row as ``line N: reason``,
    with ``problems``, the file's malformed lines, read once the rows are read) and the
    caller's transaction writes nothing. Returns the number of entries written."""
    project = facts.project
    # Plain copies of the rows' people and tasks: an ORM attribute read costs a million
    people = {p.key: _Who(p.id, p.key, p.party, p.grade, p) for p in project.people}
    tasks = {t.code: (t.id, t.code) for t in project.tasks}
    per_person: dict[int, tuple[date, Staffing]] = {}
    # Each person-day's minutes, keyed person id << 20 | the day's ordinal (one int: a
    # million person-days fit in tens of MB).
    days: dict[int, int] = {}
    for pid, on, minutes in s.execute(
            select(TimeEntry.person_id, TimeEntry.on, func.sum(TimeEntry.minutes))
            .where(TimeEntry.project_id == project.id)
            .group_by(TimeEntry.person_id, TimeEntry.on)):
        days[pid << 20 | on.toordinal()] = int(minutes)
    dates: dict[str, tuple[date, str]] = {}  # pure parses, cached: a file has few values
    hours: dict[str, int] = {}
    bad: list[str] = []
    batch: list[tuple[_Who, tuple[int, str], date, str, int, str]] = []
    writer = _Writer(s, audit, project.id)
    for row in rows:
        if facts.only is not None and row.person != facts.only:
            raise FieldError("actor", f"{facts.only_label} may not import entries of other "
                             f"people: line {row.line} is for {row.person!r}")
        try:
            check_text(row.note, "note")  # Core inserts below: no flush checks it
            parsed = dates.get(row.on)
            if parsed is None:
                day = parse_date(row.on, "date")
                parsed = dates[row.on] = (day, day.isoformat())
            day = parsed[0]
            minutes = hours.get(row.hours)
            if minutes is None:
                minutes = hours[row.hours] = rules.hours_to_minutes(row.hours, "hours")
            p = people.get(row.person)
            t = tasks.get(row.task)
            key = logged = 0
            today, staffing = day, None
            if p is not None:
                if p.id not in per_person:
                    per_person[p.id] = (facts.today(p.row), facts.staffing(p.row))
                today, staffing = per_person[p.id]
                key = p.id << 20 | day.toordinal()
                logged = days.get(key, 0)
            rules.admit_entry(rules.EntryFacts(
                row.person, p.party if p else None, p.grade if p else None, row.task,
                t is not None, day, minutes, project.start, facts.end, today, logged,
                facts.documents, staffing, facts.added.get(row.task)))
            assert p is not None and t is not None  # admitted: both the project's
        except LedgerError as exc:
            bad.append(f"line {row.line}: {exc}")
            continue
        days[key] = logged + minutes
        if bad:
            continue  # nothing will be written: the rest is only checked
        batch.append((p, t, day, parsed[1], minutes, row.note))
        if len(batch) == BATCH:
            writer.write(batch)
            batch.clear()
    if bad or problems:
        raise LedgerErrors(sorted([*problems, *bad], key=_line_number))
    writer.write(batch)
    return writer.count


class _Who(NamedTuple):
    id: int
    key: str
    party: str
    grade: str | None
    row: Person


class _Writer:
    """Batches of admitted entries into the table, each with its audit row."""

    def __init__(self, s: Session, audit: AuditWriter, project_id: int):
        self.s, self.audit, self.count = s, audit, 0
        table = TimeEntry.__table__
        assert isinstance(table, Table)
        self.bulk = BulkInsert(s.connection(), table, _COLUMNS)
        self.project_id = project_id
        self.days: dict[str, Any] = {}  # each date as the driver takes it
        self.sqlite = s.get_bind().dialect.name == "sqlite"
        # SQLite: the ids are given, max + 1 on (what SQLite itself would choose; under
        # BEGIN IMMEDIATE no one else inserts). PostgreSQL: taken from the id sequence.
        self.top = (int(s.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar()
                        or 0) if self.sqlite else 0)

    def _ids(self, n: int) -> list[int]:
        if self.sqlite:
            self.top += n
            return list(range(self.top - n + 1, self.top + 1))
        return sorted(self.s.execute(text(
            "SELECT nextval(pg_get_serial_sequence('time_entry', 'id')) "
            "FROM generate_series(1, :n)"), {"n": n}).scalars())

    def write(self, batch: Sequence[tuple[_Who, tuple[int, str], date, str, int, str]]
              ) -> None:
        if not batch:
            return
        ids = self._ids(len(batch))
        day = self.days
        values = []
        for i, (p, (tid, _), on, iso, minutes, note) in zip(ids, batch, strict=True):
            if iso not in day:
                day[iso] = self.bulk.value("on", on)
            values.append((i, self.project_id, p.id, tid, day[iso], minutes, p.grade or "",
                           note))
        self.bulk.run(values)
        self.audit.append("import", "entry", (
            (str(i), None, entry_json(i, iso, p.key, code, minutes, p.grade or "", note))
            for i, (p, (_, code), _, iso, minutes, note) in zip(ids, batch, strict=True)))
        self.count += len(batch)


def _line_number(problem: str) -> int:
    try:
        return int(problem.split(":", 1)[0].removeprefix("line "))
    except ValueError:
        return 0
