"""The audit log read back, page by page, in words (the History view, ``sowtrack history``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from model.errors import Ref
from model.history import AuditRow, HistoryLine, RecordFilter, line, parse_record, state, utc_bound
from model.rules import check_period
from storage.orm import AuditEvent, Person, Project
from storage.records import entry_batch
from storage.records.entry_batch import ENTITY as BATCH
from storage.services.core import LedgerBase, parse_on

#: rows read per page
HISTORY_PAGE = 200


class HistoryMixin(LedgerBase):
    """The audit log, filtered by record, person and date, newest first."""

    def history(self, record: str | RecordFilter | None = None, person: str | None = None,
                first: str | date | None = None, last: str | date | None = None,
                before: int | None = None, limit: int = HISTORY_PAGE) -> list[HistoryLine]:
        """The next ``limit`` audit rows of this project, newest first, older than the row
        id ``before`` (keyset paging: a million rows are never read at once), each in words
        (:func:`model.history.describe`).

        ``record``: one record's rows (``entry:13``, ``CR-002`` with its signatures, see
        :func:`model.history.parse_record`). ``person``: the rows by that person, and those
        about them (their person record, staff changes, signatures). ``first``/``last``:
        the days, in the project's time zone, the rows were recorded on."""
        wanted = parse_record(record) if isinstance(record, str) else record
        with self._reading() as s:
            project = self._project(s)
            q = self._history_query(s, project, wanted, person, first, last)
            if before is not None:
                q = q.where(AuditEvent.id < before)
            rows = s.execute(q.order_by(AuditEvent.id.desc()).limit(limit)).all()
            names = {key: name for key, name in s.execute(
                select(Person.key, Person.name).where(Person.project_id == project.id))}
            zone = project.timezone
            return [line(_audit_row(s, r, wanted), names, zone) for r in rows]

    def history_all(self, record: str | None = None, person: str | None = None,
                    first: str | date | None = None, last: str | date | None = None,
                    limit: int | None = None) -> Iterator[HistoryLine]:
        """Every row :meth:`history` selects (at most ``limit``), a page at a time."""
        wanted = parse_record(record) if record is not None else None
        before: int | None = None
        left = limit
        while left is None or left > 0:
            size = HISTORY_PAGE if left is None else min(HISTORY_PAGE, left)
            page = self.history(wanted, person, first, last, before, size)
            yield from page
            if len(page) < size:
                return
            before = page[-1].id
            if left is not None:
                left -= len(page)

    def _history_query(self, s: Session, project: Project, wanted: RecordFilter | None,
                       person: str | None, first: str | date | None,
                       last: str | date | None):  # type: ignore[no-untyped-def]
        e = AuditEvent
        # an import's batch row: its head alone (count, first, last), not its entries
        after = case((e.entity == BATCH, func.substr(e.after, 1, 200)), else_=e.after)
        q = select(e.id, e.at, e.actor, e.action, e.entity, e.ref, e.before,
                   after.label("after")).where(e.project_code == project.code)
        if wanted is not None:
            same = e.ref == wanted.ref
            if wanted.entity == "entry":  # an imported entry: the batch row stating it
                same = or_(same, e.id.in_(_batches_of(s, project, wanted.ref)))
            if wanted.children:  # a document's signatures, a quota's uses: "REF/..."
                same = or_(same, e.ref.startswith(wanted.ref + "/", autoescape=True))
            if wanted.entity is not None:
                kinds = {"quota": ("quota", "quota_use"),
                         "person": ("person", "staff_change")}.get(wanted.entity,
                                                                    (wanted.entity,))
                if wanted.children:
                    kinds = (*kinds, "signature")
                if wanted.entity == "entry":
                    kinds = (*kinds, BATCH)
                same = and_(same, e.entity.in_(kinds))
            q = q.where(same)
        if person:
            key = person.strip()
            if not key.startswith(("os:", "db:")):
                self._person(s, project, key, Ref("person"))
            q = q.where(or_(e.actor == key,
                            and_(e.entity.in_(("person", "staff_change")), e.ref == key),
                            and_(e.entity == "signature",
                                 e.ref.endswith("/" + key, autoescape=True))))
        d1 = parse_on(first, date.min, Ref("first")) if first is not None else None
        d2 = parse_on(last, date.max, Ref("last")) if last is not None else None
        check_period(d1, d2)
        if d1 is not None:
            q = q.where(e.at >= utc_bound(d1, project.timezone))
        if d2 is not None and d2 < date.max:
            q = q.where(e.at < utc_bound(d2 + timedelta(days=1), project.timezone))
        return q


def _batches_of(s: Session, project: Project, ref: str) -> list[int]:
    """The ids of the import batch rows (storage.records.entry_batch) that state entry
    ``ref``: the batches whose range holds it, then their text asked (a few rows)."""
    if not ref.isdigit():
        return []
    e, n = AuditEvent, int(ref)
    out = []
    for row_id, batch in s.execute(select(e.id, e.ref).where(
            e.project_code == project.code, e.entity == BATCH)):
        span = entry_batch.batch_range(batch)
        if span is not None and span[0] <= n <= span[1] and entry_batch.batch_record(
                s.scalar(select(e.after).where(e.id == row_id)), ref) is not None:
            out.append(row_id)
    return out


def _audit_row(s: Session, r: Any, wanted: RecordFilter | None) -> AuditRow:
    """An audit row read for the history. An import's batch row is described by its
    head, or, when one entry's history is asked, as that entry's own import."""
    if r.entity != BATCH:
        return AuditRow(r.id, r.at, r.actor, r.action, r.entity, r.ref, state(r.before),
                        state(r.after))
    if wanted is not None and wanted.entity == "entry":
        record = entry_batch.batch_record(
            s.scalar(select(AuditEvent.after).where(AuditEvent.id == r.id)), wanted.ref)
        if record is not None:
            return AuditRow(r.id, r.at, r.actor, r.action, "entry", wanted.ref, None,
                            state(record))
    return AuditRow(r.id, r.at, r.actor, r.action, r.entity, r.ref, state(r.before),
                    entry_batch.batch_summary(r.after))
