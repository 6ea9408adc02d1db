"""The hash-chained audit log.

Every change appends one row (who, when, what, before, after) whose hash is
SHA-256 over the previous row's hash and this row's canonical content. The
``after`` of a record's rows is its state as the program wrote it
(storage/records.py), so ``verify`` can replay the log alone into every table
and name a row edited behind the program's back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from storage.orm import AuditEvent

GENESIS = "0" * 64
APPENDED = "sowtrack_audit_appended"  # Session.info: this transaction moved the head


def canonical(value: Any) -> str | None:
    """Canonical JSON of a record's state (sorted keys, no spaces), or None."""
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def row_hash(prev_hash: str, project_code: str | None, at: datetime, actor: str, action: str,
             entity: str, ref: str, before: str | None, after: str | None) -> str:
    body = json.dumps([project_code, at.isoformat(), actor, action, entity, ref, before, after],
                      ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


class AuditWriter:
    """Appends rows to the chain inside the caller's (write-locked) transaction."""

    def __init__(self, session: Session, project_code: str | None, actor: str):
        self.session = session
        self.project_code = project_code
        self.actor = actor
        self._last: str | None = None

    def _prev(self) -> str:
        if self._last is None:
            self._last = self.session.execute(
                select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
            ).scalar() or GENESIS
        return self._last

    def _row(self, at: datetime, action: str, entity: str, ref: str, before: Any,
             after: Any) -> dict[str, Any]:
        """The next row of the chain, as column values; it becomes the chain's head."""
        b, a = canonical(before), canonical(after)
        prev = self._prev()
        h = row_hash(prev, self.project_code, at, self.actor, action, entity, ref, b, a)
        self._last = h
        self.session.info[APPENDED] = True  # storage.witness records the new head
        return {"project_code": self.project_code, "at": at, "actor": self.actor,
                "action": action, "entity": entity, "ref": ref, "before": b, "after": a,
                "prev_hash": prev, "hash": h}

    def record(self, action: str, entity: str, ref: str, before: Any = None,
               after: Any = None) -> None:
        self.session.add(AuditEvent(**self._row(_now(), action, entity, ref, before, after)))

    def record_many(self, rows: Iterable[tuple[str, str, str, Any, Any]]) -> None:
        """Append many rows, (action, entity, ref, before, after) each, in one INSERT.

        Rows the session still holds unflushed go first, so ids follow the chain."""
        self.session.flush()
        at = _now()
        values = [self._row(at, *row) for row in rows]
        if values:
            self.session.execute(insert(AuditEvent), values)


def chain_head(session: Session) -> tuple[int, str] | None:
    """The newest audit row's (id, hash): the chain's head, or None for an empty log."""
    row = session.execute(select(AuditEvent.id, AuditEvent.hash)
                          .order_by(AuditEvent.id.desc()).limit(1)).first()
    return (int(row.id), str(row.hash)) if row is not None else None


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True)
class ChainProblem:
    row_id: int
    problem: str

    def __str__(self) -> str:
        return f"audit row {self.row_id}: {self.problem}"


def verify_chain(session: Session) -> tuple[int, list[ChainProblem]]:
    """Walk the chain: (rows checked, problems). What the rows say of the records is
    storage.records' business."""
    problems: list[ChainProblem] = []
    prev = GENESIS
    count = 0
    for ev in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        count += 1
        if ev.prev_hash != prev:
            problems.append(ChainProblem(ev.id, "does not follow the previous row "
                                                "(a row was removed or reordered)"))
        expected = row_hash(ev.prev_hash, ev.project_code, ev.at, ev.actor, ev.action,
                            ev.entity, ev.ref, ev.before, ev.after)
        if expected != ev.hash:
            problems.append(ChainProblem(ev.id, f"content was edited ({ev.action} {ev.entity} "
                                                f"{ev.ref})"))
        prev = ev.hash
    return count, problems
