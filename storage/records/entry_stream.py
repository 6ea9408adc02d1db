"""The time entries' side of ``verify``, streamed: a ledger holds millions of entries, so
their audit rows and their table rows are read in the same order (the entry id: refs by
length, then text) and merged a row at a time, holding one entry's state, never all.

The rule is :func:`storage.records.replay`'s and :func:`storage.records.compare`'s for
every other kind: an entry's state is its audit rows' ``after`` merged oldest first (an
empty ``after`` deletes it), and the table's row must be that state."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.orm import AuditEvent, Person, Project, Task, TimeEntry
from storage.records.kinds import Key, entry_json, label
from storage.records.sides import changes

CHUNK = 20_000  # rows fetched at a time from each side


def entry_problems(s: Session, project: Project) -> list[tuple[Key, str]]:
    """(key, problem) of every entry whose table row is not what its audit rows state."""
    code = project.code
    out: list[tuple[Key, str]] = []
    logged = _logged(s, code)
    found = _found(s, project)
    log_item, table_item = next(logged, None), next(found, None)
    while log_item is not None or table_item is not None:
        if table_item is None or (log_item is not None and _order(log_item[0])
                                  < _order(table_item[0])):
            assert log_item is not None
            ref, recorded, _ = log_item
            log_item = next(logged, None)
            if recorded is not None:
                out.append((("entry", ref), f"{label(code, ('entry', ref))}: deleted "
                                            f"behind the program's back"))
            continue
        ref, row = table_item
        table_item = next(found, None)
        recorded, text = None, None
        if log_item is not None and log_item[0] == ref:
            _, recorded, text = log_item
            log_item = next(logged, None)
        key: Key = ("entry", ref)
        if recorded is None:
            out.append((key, f"{label(code, key)}: not in the audit log (added behind the "
                             f"program's back)"))
            continue
        if text is not None and _json(row) == text:
            continue  # the one audit row states exactly the row: no parse needed
        now = {"id": row[0], "date": row[1], "person": row[2], "task": row[3],
               "minutes": row[4], "grade": row[5], "note": row[6]}
        diff = changes(recorded, json.loads(json.dumps(now, default=str)))
        if diff:
            out.append((key, f"{label(code, key)}: differs from its last audit row (edited "
                             f"behind the program's back): {diff}"))
    return out


def _order(ref: str) -> tuple[int, str]:
    """The merge's order: a ref's length, then its text (numeric order for ids)."""
    return len(ref), ref


def _json(row: tuple[Any, ...]) -> str | None:
    try:
        return entry_json(*row)
    except (TypeError, ValueError):  # a NULL behind the program's back: compared in full
        return None


def _logged(s: Session, code: str) -> Iterator[tuple[str, dict[str, Any] | None, str | None]]:
    """Per entry ref, in the merge's order: (ref, its state by the log or None when
    deleted, the ``after`` text when one audit row alone gives the state)."""
    q = (select(AuditEvent.ref, AuditEvent.after)
         .where(AuditEvent.project_code == code, AuditEvent.entity == "entry")
         .order_by(func.length(AuditEvent.ref), AuditEvent.ref, AuditEvent.id)
         .execution_options(yield_per=CHUNK))
    ref: str | None = None
    state: dict[str, Any] | None = None
    text: str | None = None
    rows = 0
    for r in s.execute(q):
        if r.ref != ref:
            if ref is not None:
                yield ref, state, text if rows == 1 else None
            ref, state, text, rows = r.ref, None, None, 0
        rows += 1
        if r.after is None:
            state, text = None, None
            continue
        try:
            after = json.loads(r.after)
        except ValueError:
            continue  # the chain check names an edited row
        if isinstance(after, dict):
            state, text = {**(state or {}), **after}, r.after
    if ref is not None:
        yield ref, state, text if rows == 1 else None


def _found(s: Session, project: Project) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """(ref, (id, date, person, task, minutes, grade, note)) of every entry row, by id."""
    people = {i: k for i, k in s.execute(select(Person.id, Person.key)
                                         .where(Person.project_id == project.id))}
    tasks = {i: c for i, c in s.execute(select(Task.id, Task.code)
                                        .where(Task.project_id == project.id))}
    e = TimeEntry
    q = (select(e.id, e.on, e.person_id, e.task_id, e.minutes, e.grade, e.note)
         .where(e.project_id == project.id).order_by(e.id)
         .execution_options(yield_per=CHUNK))
    days: dict[Any, str | None] = {}
    for r in s.execute(q):
        if r.on not in days:
            days[r.on] = r.on.isoformat() if r.on is not None else None
        yield str(r.id), (r.id, days[r.on], people.get(r.person_id, f"#{r.person_id}"),
                          tasks.get(r.task_id, f"#{r.task_id}"), r.minutes, r.grade, r.note)
