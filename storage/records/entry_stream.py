"""The time entries' side of ``verify``, streamed: a ledger holds millions of entries, so
their audit rows and their table rows are read in the same order (the entry id: refs by
length, then text) as raw chunks (storage.records.scan) and merged a row at a time,
holding one entry's state, never all.

The rule is :func:`storage.records.replay`'s and :func:`storage.records.compare`'s for
every other kind: an entry's state is its audit rows' ``after`` merged oldest first
(:func:`storage.records.sides.merged_after`), and the table's row must be that state. An
entry written once (nearly all of them) is compared without parsing its audit row: the
row's canonical text (:func:`storage.records.entry_json`) must be that row's ``after``."""

from __future__ import annotations

import heapq
import itertools
import json
from collections.abc import Callable, Iterator
from json.encoder import encode_basestring  # json.dumps(ensure_ascii=False)'s
from typing import Any

from sqlalchemy import case, func, null, select
from sqlalchemy.orm import Session

from model.i18n import _
from storage.audit import json_text
from storage.orm import AuditEvent, Person, Project, Task, TimeEntry
from storage.records import scan
from storage.records.entry_batch import ENTITY as BATCH
from storage.records.entry_batch import batch_records
from storage.records.kinds import Key, label
from storage.records.scan import converter, raw_chunks
from storage.records.sides import changes, merged_after

FIELDS = ("id", "date", "person", "task", "minutes", "grade", "note")


#: entries whose audit rows are not all in the chain's ascending order (edited, deleted or
#: created out of order) beyond which the streams are merged the sorted way throughout
IRREGULAR_LIMIT = 50_000


def entry_problems(s: Session, project: Project, chunk: int | None = None,
                   check: EntryCheck | None = None) -> list[tuple[Key, str]]:
    """(key, problem) of every entry whose table row is not what its audit rows state,
    reading ``chunk`` rows at a time (:data:`storage.records.scan.CHUNK`).

    The audit rows are taken in the chain's order, which needs no sort: ``check`` has
    been given them by the chain walk (storage.audit.verify_chain, which reads every row
    anyway), else they are read here. An entry whose only audit row comes after every
    earlier entry's (nearly all of them: ids grow as entries are written) is merged with
    its table row at once. An entry seen again, or first seen after a larger one, is
    *irregular*: whatever was concluded of it is set aside, and its audit rows and its
    table row are merged again at the end, whole (one more pass over the audit rows, its
    table row by id). Past :data:`IRREGULAR_LIMIT` irregular entries, both sides are read
    sorted by ref instead (:func:`_logged`)."""
    code, chunk = project.code, chunk or scan.CHUNK
    if check is None:
        check = EntryCheck(s, project, chunk)
        for ref, after in _in_chain_order(s, code, chunk):
            check.audit_row(ref, after)
    out = check.finish()
    irregular = check.irregular
    if not irregular:
        return out
    if len(irregular) > IRREGULAR_LIMIT:
        return _merge(code, _logged(s, code, chunk), _found(s, project, chunk))
    out = [p for p in out if p[0][1] not in irregular]
    return out + _merge(code, _logged_of(s, code, chunk, irregular),
                        _found(s, project, chunk, irregular))


Logged = tuple[tuple[int, str], str, list[str | None]]  # (order, ref, afters oldest first)
TableRow = tuple[tuple[int, str], str, str | None, tuple[Any, ...]]  # _found's


class _Merge:
    """Every difference between an entry's audit rows and its table row: the audit side
    pushed in the merge's order (refs by length, then text), the table side pulled."""

    def __init__(self, code: str, found: Iterator[TableRow]):
        self.code, self.found = code, found
        self.table = next(found, None)
        self.out: list[tuple[Key, str]] = []

    def logged(self, key: tuple[int, str], ref: str, afters: list[str | None]) -> None:
        table, found = self.table, self.found
        while table is not None and table[0] < key:
            self._compare(table, None)
            table = next(found, None)
        if table is not None and table[0] == key:
            self.table = next(found, None)
            self._compare(table, afters)
            return
        self.table = table
        if _state(afters) is not None:
            self.out.append((("entry", ref), _("{record}: deleted behind the program's back")
                             .format(record=label(self.code, ("entry", ref)))))

    def finish(self) -> list[tuple[Key, str]]:
        """The differences, once every audit row is in (the table's rest compared)."""
        while self.table is not None:
            self._compare(self.table, None)
            self.table = next(self.found, None)
        return self.out

    def _compare(self, table: TableRow, afters: list[str | None] | None) -> None:
        __, ref, text, row = table
        if afters is not None and text is not None and len(afters) == 1 and afters[0] == text:
            return  # the one audit row states exactly the row: no parse needed
        code, key = self.code, ("entry", ref)
        recorded = _state(afters or ())
        if recorded is None:
            self.out.append((key, _("{record}: not in the audit log (added behind the "
                                    "program's back)").format(record=label(code, key))))
            return
        now = json.loads(json.dumps(dict(zip(FIELDS, row, strict=True)), default=str))
        diff = changes(recorded, now)
        if diff:
            self.out.append((key, _("{record}: differs from {source} (edited behind the "
                                    "program's back): {diff}")
                             .format(record=label(code, key), source=_("its last audit row"),
                                     diff=diff)))


def _merge(code: str, logged: Iterator[Logged], found: Iterator[TableRow]
           ) -> list[tuple[Key, str]]:
    """:class:`_Merge` of two streams in the merge's order."""
    merge = _Merge(code, found)
    for key, ref, afters in logged:
        merge.logged(key, ref, afters)
    return merge.finish()


class EntryCheck:
    """A project's entries checked as their audit rows come, in the chain's order
    (:func:`entry_problems`): its table read alongside, by id."""

    def __init__(self, s: Session, project: Project, chunk: int | None = None):
        self.irregular: set[str] = set()
        self._top: tuple[int, str] = (-1, "")
        self._merge = _Merge(project.code, _found(s, project, chunk or scan.CHUNK))

    def audit_row(self, ref: Any, after: str | None) -> None:
        """The next audit row of one of the project's entries, in the chain's order."""
        if type(ref) is not str:
            return  # not a ref the program writes: ref IS NULL, found by the chain
        key = (len(ref), ref)
        if key > self._top:
            self._top = key
            self._merge.logged(key, ref, [after])
        else:
            self.irregular.add(ref)

    def finish(self) -> list[tuple[Key, str]]:
        return self._merge.finish()


def _in_chain_order(s: Session, code: str, chunk: int) -> Iterator[tuple[Any, str | None]]:
    """(ref, after) of every audit row of one of the project's entries, in the chain's
    order: an import's batch row (storage.records.entry_batch) gives each of its entries,
    its text read alone (hundreds of KB: never a chunk of them)."""
    a = AuditEvent
    q = (select(a.id, a.entity, a.ref, case((a.entity == BATCH, null()), else_=a.after))
         .where(a.project_code == code, a.entity.in_(("entry", BATCH))).order_by(a.id))
    for rows in raw_chunks(s, q, chunk):
        for row_id, entity, ref, after in rows:
            if entity == BATCH:
                yield from batch_records(_batch_text(s, row_id))
            else:
                yield ref, after


def _batch_text(s: Session, row_id: int) -> str | None:
    return s.execute(select(AuditEvent.after).where(AuditEvent.id == row_id)).scalar()


def _logged_of(s: Session, code: str, chunk: int, refs: set[str]) -> Iterator[Logged]:
    """:func:`_logged` for ``refs`` alone: one pass over the audit rows in the chain's
    order, their rows held."""
    afters: dict[str, list[str | None]] = {ref: [] for ref in refs}
    for ref, after in _in_chain_order(s, code, chunk):
        held = afters.get(ref)
        if held is not None:
            held.append(after)
    for ref in sorted(refs, key=lambda r: (len(r), r)):
        yield (len(ref), ref), ref, afters[ref]


def _state(afters: Any) -> dict[str, Any] | None:
    """An entry's state by its audit rows' ``after``, oldest first (None: deleted)."""
    state: dict[str, Any] | None = None
    for after in afters:
        state = merged_after(state, after)
    return state


def _logged(s: Session, code: str,
            chunk: int) -> Iterator[tuple[tuple[int, str], str, list[str | None]]]:
    """Per entry ref, in the merge's order: (its order, ref, its audit rows' ``after``
    oldest first). The entries' own rows come sorted by the database; each import batch
    row's entries are in id order already, and the streams are merged by (order, the
    audit row's id). The batches are held while they are merged (this path is taken
    only when tens of thousands of entries were edited out of order)."""
    a = AuditEvent
    q = (select(func.length(a.ref), a.ref, a.id, a.after)
         .where(a.project_code == code, a.entity == "entry")
         .order_by(func.length(a.ref), a.ref, a.id))

    def singles() -> Iterator[tuple[tuple[int, str], int, str, str | None]]:
        for rows in raw_chunks(s, q, chunk):
            for __, r, row_id, after in rows:
                if type(r) is str:
                    yield (len(r), r), row_id, r, after

    def batch(row_id: int) -> Iterator[tuple[tuple[int, str], int, str, str | None]]:
        for r, record in batch_records(_batch_text(s, row_id)):
            yield (len(r), r), row_id, r, record

    ids = s.scalars(select(a.id).where(a.project_code == code, a.entity == BATCH)
                    .order_by(a.id)).all()
    ref: str | None = None
    afters: list[str | None] = []
    for __, ___, r, after in heapq.merge(singles(), *(batch(i) for i in ids),
                                      key=lambda item: item[:2]):
        if r == ref:
            afters.append(after)
            continue
        if ref is not None:
            yield (len(ref), ref), ref, afters
        ref, afters = r, [after]
    if ref is not None:
        yield (len(ref), ref), ref, afters


def _found(s: Session, project: Project, chunk: int, refs: set[str] | None = None
           ) -> Iterator[tuple[tuple[int, str], str, str | None, tuple[Any, ...]]]:
    """(its order, ref, its canonical text or None, (id, date, person, task, minutes,
    grade, note)) of every entry row (those of ``refs`` alone if given), by id."""
    people = {i: k for i, k in s.execute(select(Person.id, Person.key)
                                         .where(Person.project_id == project.id))}
    tasks = {i: c for i, c in s.execute(select(Task.id, Task.code)
                                        .where(Task.project_id == project.id))}
    e = TimeEntry
    columns = (e.id, e.on, e.person_id, e.task_id, e.minutes, e.grade, e.note)
    if refs is None:
        # SQLite: `project_id + 0` steps through the table in id order (its rowid), where
        # the project's index would be read and then sorted by id
        mine = (e.project_id + 0 if s.get_bind().dialect.name == "sqlite"
                else e.project_id) == project.id
        chunks = raw_chunks(s, select(*columns).where(mine).order_by(e.id), chunk)
    else:
        ids = sorted({int(r) for r in refs if r.isdigit() and str(int(r)) == r})
        chunks = itertools.chain.from_iterable(
            raw_chunks(s, select(*columns).where(e.project_id == project.id,
                                                 e.id.in_(ids[i:i + 500])).order_by(e.id),
                       chunk) for i in range(0, len(ids), 500))
    day = converter(s, e.__table__.c.on, lambda d: d.isoformat() if d is not None else None)
    days: dict[Any, Any] = {}  # day's own cache, read without a call for each row
    text, texts = _encoder()
    got, enc = texts.get, encode_basestring  # an encoded text is never empty
    for rows in chunks:
        if len(days) >= 65_536:
            days.clear()
        for entry_id, on, person_id, task_id, minutes, grade, note in rows:
            try:
                on = days.get(on) or days.setdefault(on, day(on))
            except (TypeError, ValueError):  # not a date: compared in full, as found
                pass
            person = people.get(person_id) or f"#{person_id}"
            task = tasks.get(task_id) or f"#{task_id}"
            ref = str(entry_id)
            canonical = None
            if type(entry_id) is int and type(minutes) is int and type(note) is str:
                # entry_json(...) with the texts that repeat encoded once
                canonical = (f'{{"date":{got(on) or text(on)},'
                             f'"grade":{got(grade) or text(grade)},"id":{entry_id},'
                             f'"minutes":{minutes},"note":{enc(note)},'
                             f'"person":{got(person) or text(person)},'
                             f'"task":{got(task) or text(task)}}}')
            yield ((len(ref), ref), ref, canonical,
                   (entry_id, on, person, task, minutes, grade, note))


def _encoder() -> tuple[Callable[[Any], str], dict[Any, str]]:
    """json_text, once per distinct value (dates, grades, people, tasks repeat), and its
    cache (``cache.get(v) or encode(v)`` spares a call for a value seen before)."""
    cache: dict[Any, str] = {}

    def encode(value: Any) -> str:
        try:
            return cache[value]
        except KeyError:
            if len(cache) >= 65_536:
                cache.clear()
            out = cache[value] = json_text(value)
            return out
        except TypeError:  # not hashable: never from a column
            return json_text(value)
    return encode, cache
