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

import json
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.audit import json_text
from storage.orm import AuditEvent, Person, Project, Task, TimeEntry
from storage.records import scan
from storage.records.kinds import Key, label
from storage.records.scan import converter, raw_chunks
from storage.records.sides import changes, merged_after

FIELDS = ("id", "date", "person", "task", "minutes", "grade", "note")


def entry_problems(s: Session, project: Project,
                   chunk: int | None = None) -> list[tuple[Key, str]]:
    """(key, problem) of every entry whose table row is not what its audit rows state,
    reading ``chunk`` rows at a time (:data:`storage.records.scan.CHUNK`)."""
    code, chunk = project.code, chunk or scan.CHUNK
    out: list[tuple[Key, str]] = []
    logged, found = _logged(s, code, chunk), _found(s, project, chunk)
    log_item, table_item = next(logged, None), next(found, None)
    while log_item is not None or table_item is not None:
        if table_item is None or (log_item is not None and log_item[0] < table_item[0]):
            assert log_item is not None
            _, ref, afters = log_item
            log_item = next(logged, None)
            if _state(afters) is not None:
                out.append((("entry", ref), f"{label(code, ('entry', ref))}: deleted "
                                            f"behind the program's back"))
            continue
        _, ref, text, row = table_item
        table_item = next(found, None)
        afters = None
        if log_item is not None and log_item[1] == ref:
            afters = log_item[2]
            log_item = next(logged, None)
            if text is not None and len(afters) == 1 and afters[0] == text:
                continue  # the one audit row states exactly the row: no parse needed
        key: Key = ("entry", ref)
        recorded = _state(afters or ())
        if recorded is None:
            out.append((key, f"{label(code, key)}: not in the audit log (added behind the "
                             f"program's back)"))
            continue
        now = json.loads(json.dumps(dict(zip(FIELDS, row, strict=True)), default=str))
        diff = changes(recorded, now)
        if diff:
            out.append((key, f"{label(code, key)}: differs from its last audit row (edited "
                             f"behind the program's back): {diff}"))
    return out


def _state(afters: Any) -> dict[str, Any] | None:
    """An entry's state by its audit rows' ``after``, oldest first (None: deleted)."""
    state: dict[str, Any] | None = None
    for after in afters:
        state = merged_after(state, after)
    return state


def _logged(s: Session, code: str,
            chunk: int) -> Iterator[tuple[tuple[int, str], str, list[str | None]]]:
    """Per entry ref, in the merge's order: (its order, ref, its audit rows' ``after``
    oldest first)."""
    q = (select(AuditEvent.ref, AuditEvent.after)
         .where(AuditEvent.project_code == code, AuditEvent.entity == "entry")
         .order_by(func.length(AuditEvent.ref), AuditEvent.ref, AuditEvent.id))
    ref: str | None = None
    afters: list[str | None] = []
    for rows in raw_chunks(s, q, chunk):
        for r, after in rows:
            if r == ref:
                afters.append(after)
                continue
            if ref is not None:
                yield (len(ref), ref), ref, afters
            ref, afters = r, [after]
    if ref is not None:
        yield (len(ref), ref), ref, afters


def _found(s: Session, project: Project,
           chunk: int) -> Iterator[tuple[tuple[int, str], str, str | None, tuple[Any, ...]]]:
    """(its order, ref, its canonical text or None, (id, date, person, task, minutes,
    grade, note)) of every entry row, by id."""
    people = {i: k for i, k in s.execute(select(Person.id, Person.key)
                                         .where(Person.project_id == project.id))}
    tasks = {i: c for i, c in s.execute(select(Task.id, Task.code)
                                        .where(Task.project_id == project.id))}
    e = TimeEntry
    q = (select(e.id, e.on, e.person_id, e.task_id, e.minutes, e.grade, e.note)
         .where(e.project_id == project.id).order_by(e.id))
    day = converter(s, e.__table__.c.on, lambda d: d.isoformat() if d is not None else None)
    text = _encoder()
    for rows in raw_chunks(s, q, chunk):
        for entry_id, on, person_id, task_id, minutes, grade, note in rows:
            try:
                on = day(on)
            except (TypeError, ValueError):  # not a date: compared in full, as found
                pass
            person = people.get(person_id, f"#{person_id}")
            task = tasks.get(task_id, f"#{task_id}")
            ref = str(entry_id)
            canonical = None
            if type(entry_id) is int and type(minutes) is int and type(note) is str:
                # entry_json(...) with the texts that repeat encoded once
                canonical = (f'{{"date":{text(on)},"grade":{text(grade)},"id":{entry_id},'
                             f'"minutes":{minutes},"note":{json_text(note)},'
                             f'"person":{text(person)},"task":{text(task)}}}')
            yield ((len(ref), ref), ref, canonical,
                   (entry_id, on, person, task, minutes, grade, note))


def _encoder() -> Callable[[Any], str]:
    """json_text, once per distinct value (dates, grades, people, tasks repeat)."""
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
    return encode
