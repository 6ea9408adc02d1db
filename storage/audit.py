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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from json.encoder import encode_basestring  # what json.dumps(ensure_ascii=False) uses
from typing import Any

from sqlalchemy import Table, bindparam, case, insert, null, select
from sqlalchemy.orm import Session

from model.i18n import _
from storage.bulk import BulkInsert
from storage.orm import AuditEvent

GENESIS = "0" * 64
APPENDED = "sowtrack_audit_appended"  # Session.info: this transaction moved the head
LAST_ROW = "sowtrack_audit_last_row"  # Session.info: the AuditEvent just appended, if one was


def canonical(value: Any) -> str | None:
    """Canonical JSON of a record's state (sorted keys, no spaces), or None."""
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def row_hash(prev_hash: str, project_code: str | None, at: datetime, actor: str, action: str,
             entity: str, ref: str, before: str | None, after: str | None) -> str:
    # json.dumps([...], ensure_ascii=False, separators=(",", ":")), written out: faster
    body = "[" + ",".join(map(json_text, (project_code, at.isoformat(), actor, action, entity,
                                          ref, before, after))) + "]"
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def json_text(value: Any) -> str:
    """A value (a text or None, as the chain's fields are) as json.dumps(ensure_ascii=False)
    writes it."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return encode_basestring(value)
    return json.dumps(value, ensure_ascii=False)


_HEAD_HASH = select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)  # built once
_APPEND = ("project_code", "at", "actor", "action", "entity", "ref", "before", "after",
           "prev_hash", "hash")


class AuditWriter:
    """Appends rows to the chain inside the caller's (write-locked) transaction."""

    def __init__(self, session: Session, project_code: str | None, actor: str):
        self.session = session
        self.project_code = project_code
        self.actor = actor
        self._last: str | None = None
        self._bulk: BulkInsert | None = None  # append's statement (an import's batches)

    def _prev(self) -> str:
        if self._last is None:
            self._last = self.session.execute(_HEAD_HASH).scalar() or GENESIS
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
        row = AuditEvent(**self._row(_now(), action, entity, ref, before, after))
        self.session.add(row)
        self.session.info[LAST_ROW] = row  # the head, once flushed (storage.witness)

    def record_many(self, rows: Iterable[tuple[str, str, str, Any, Any]]) -> None:
        """Append many rows, (action, entity, ref, before, after) each, in one INSERT.

        Rows the session still holds unflushed go first, so ids follow the chain."""
        self.session.flush()
        at = _now()
        values = [self._row(at, *row) for row in rows]
        if values:
            self.session.info.pop(LAST_ROW, None)
            self.session.execute(insert(AuditEvent), values)

    def append(self, action: str, entity: str,
               rows: Iterable[tuple[str, str | None, str | None]]) -> None:
        """Append many rows of one action on one entity in one Core INSERT: (ref, before,
        after) each, before and after canonical JSON already (an import's million rows)."""
        self.chain(action, entity, rows)()

    def ready(self) -> None:
        """What :meth:`chain` reads from the database, read now: unflushed rows flushed
        (their ids go first), the chain's head, the INSERT compiled. After it, chain()
        reads nothing until the session's connection changes."""
        self.session.flush()
        self._prev()
        conn = self.session.connection()
        if self._bulk is None or self._bulk.conn is not conn:  # compiled once per writer
            table = AuditEvent.__table__
            assert isinstance(table, Table)
            self._bulk = BulkInsert(conn, table, _APPEND)

    def chain(self, action: str, entity: str,
              rows: Iterable[tuple[str, str | None, str | None]]) -> Callable[[], None]:
        """:meth:`append`'s rows hashed into the chain (they are its head from now on),
        and the INSERT that writes them returned, to run before the transaction ends
        (an import runs it on the thread that writes its batches: storage.importing).

        Each hash is :func:`row_hash`'s, its JSON body built from the parts that do not
        change from row to row."""
        self.ready()
        bulk = self._bulk
        assert bulk is not None
        at = _now()
        head = "[" + ",".join(json_text(v) for v in (self.project_code, at.isoformat(),
                                                       self.actor, action, entity)) + ","
        prev = self._prev()
        code, when, actor = self.project_code, bulk.value("at", at), self.actor
        values = []
        sha256, enc = hashlib.sha256, encode_basestring
        for ref, b, a in rows:
            # json_text of each, inlined for the common types (a million calls saved)
            after = enc(a) if type(a) is str else json_text(a)
            h = sha256(f"{prev}{head}{enc(ref) if type(ref) is str else json_text(ref)},"
                       f"{'null' if b is None else json_text(b)},{after}]"
                       .encode()).hexdigest()
            values.append((code, when, actor, action, entity, ref, b, a, prev, h))
            prev = h
        if not values:
            return _nothing
        self._last = prev
        self.session.info[APPENDED] = True
        self.session.info.pop(LAST_ROW, None)
        return partial(bulk.run, values)


def _nothing() -> None:
    pass


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


CHUNK = 20_000  # audit rows read at a time by verify (and chain_rows)


def chain_rows(session: Session, *columns: Any, chunk: int | None = None) -> Iterator[Any]:
    """Every audit row (``columns`` of it) in chain order, read ``chunk`` rows at a time
    (:data:`CHUNK`) by keyset (id > the last seen): memory holds one chunk, whatever the
    log's size."""
    chunk = chunk or CHUNK
    last = 0
    cols = (AuditEvent.id, *columns)
    while True:
        rows = session.execute(select(*cols).where(AuditEvent.id > last)
                               .order_by(AuditEvent.id).limit(chunk)).all()
        yield from rows
        if len(rows) < chunk:
            return
        last = rows[-1].id


def verify_chain(session: Session, chunk: int | None = None,
                 entries: Mapping[str | None, Callable[[Any, Any], None]] | None = None
                 ) -> tuple[int, list[ChainProblem]]:
    """Walk the chain, a chunk of raw rows at a time (storage.records.scan): (rows checked,
    problems). What the rows say of the records is storage.records' business: each row
    of a time entry, and each entry of an import's batch row (storage.records.entry_batch),
    is handed, as (ref, after), to ``entries[its project]`` if there is one
    (storage.records.entry_stream.EntryCheck: the log is read once).

    Each row's hash is :func:`row_hash`'s, its body written out here with the texts that
    repeat (the project, the time, the actor, the action, the kind) encoded once: a
    ledger holds millions of rows. A row the fast form cannot write (a value that is not
    a text) is hashed by :func:`row_hash` itself."""
    from storage.records.entry_batch import ENTITY as BATCH
    from storage.records.entry_batch import batch_records
    from storage.records.scan import converter, raw_chunks

    c = AuditEvent
    # An import's batch rows (storage.records.entry_batch: hundreds of KB each) are read
    # one at a time, never a chunk of them at once: memory stays bounded.
    query = select(c.id, c.prev_hash, c.project_code, c.at, c.actor, c.action, c.entity,
                   c.ref, c.before, case((c.entity == BATCH, null()), else_=c.after),
                   c.hash).order_by(c.id)
    batch_after = select(c.after).where(c.id == bindparam("id"))
    at_value = converter(session, c.__table__.c.at)  # as the ORM reads it
    at_text = converter(session, c.__table__.c.at,
                        lambda at: encode_basestring(at.isoformat()))
    texts: dict[Any, str] = {None: "null"}  # the repeated fields, encoded
    sha256, enc = hashlib.sha256, encode_basestring
    got = texts.get  # an encoded text is never empty: `or` encodes one not seen yet
    times: dict[Any, str] = {}  # at_text's values, read without a call for each row
    got_time = times.get
    problems: list[ChainProblem] = []
    prev = GENESIS
    count = 0
    for rows in raw_chunks(session, query, chunk or CHUNK):
        count += len(rows)
        if len(times) >= 65_536:  # a ledger written a second at a time: stay bounded
            times.clear()
        for row_id, prev_hash, code, at, actor, action, entity, ref, before, after, h in rows:
            if entity == BATCH:
                after = session.execute(batch_after, {"id": row_id}).scalar()
            if prev_hash != prev:
                problems.append(ChainProblem(row_id, _("does not follow the previous row (a row "
                                                       "was removed or reordered)")))
            try:
                body = (f"{prev_hash}[{got(code) or _text(texts, code)},"
                        f"{got_time(at) or times.setdefault(at, at_text(at))},"
                        f"{got(actor) or _text(texts, actor)},"
                        f"{got(action) or _text(texts, action)},"
                        f"{got(entity) or _text(texts, entity)},{enc(ref)},"
                        f"{'null' if before is None else enc(before)},"
                        f"{'null' if after is None else enc(after)}]")
                expected = sha256(body.encode("utf-8")).hexdigest()
            except (TypeError, ValueError, AttributeError):  # not texts: the one definition
                expected = _row_hash(prev_hash, code, at_value, at, actor, action, entity,
                                     ref, before, after)
            if expected != h:
                problems.append(ChainProblem(row_id, _("content was edited ({action} {entity} "
                                                       "{ref})")
                                                     .format(action=action, entity=entity,
                                                             ref=ref)))
            prev = h
            if entity == "entry" and entries:
                tap = entries.get(code)
                if tap is not None:
                    tap(ref, after)
            elif entity == BATCH and entries:
                tap = entries.get(code)
                if tap is not None:
                    for entry_ref, record in batch_records(after):
                        tap(entry_ref, record)
    return count, problems


def _text(texts: dict[Any, str], value: Any) -> str:
    if len(texts) >= 4096:  # many actors or projects: stay bounded
        texts.clear()
        texts[None] = "null"
    out = texts[value] = encode_basestring(value)
    return out


def _row_hash(prev_hash: str, code: Any, at_value: Any, at: Any, *rest: Any) -> str | None:
    """:func:`row_hash` of a raw row (its time read by ``at_value`` as the ORM reads it),
    or None when it cannot be hashed at all (a field of no type the chain writes)."""
    try:
        return row_hash(prev_hash, code, at_value(at), *rest)
    except (TypeError, ValueError, AttributeError):
        return None
