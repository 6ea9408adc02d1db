"""Issue 13, a large import on SQLite (storage/sqlite_import.py): once it has written more
rows than the table held, time_entry's plain indexes are dropped and built again before
the transaction ends. The committed schema is the one before (each index from its own
SQL), a failed import leaves the indexes as they were, unique constraints are never
dropped, and PostgreSQL (COPY) is left as it was: the same entries on both."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert, make_url, select, text

from model.errors import LedgerErrors
from storage import importing, sqlite_import
from storage.db import writing
from storage.orm import AuditEvent
from storage.services import Ledger

from .test_import_fast import audit_count, head, imported, lines, stored, write

ROWS = 2 * importing.BATCH + 700  # three batches


def schema(led: Ledger) -> list[tuple[object, ...]]:
    """Every index and table of the ledger as sqlite_master states it (SQLite), or as
    pg_indexes does (PostgreSQL); with SQLite's root page, which a rebuilt index changes."""
    with led.engine.connect() as conn:
        if led.engine.dialect.name == "sqlite":
            return [tuple(r) for r in conn.execute(text(
                "SELECT type, name, tbl_name, sql, rootpage FROM sqlite_master "
                "ORDER BY name"))]
        return [tuple(r) for r in conn.execute(text(
            "SELECT tablename, indexname, indexdef, 0 FROM pg_indexes "
            "WHERE schemaname = current_schema() ORDER BY indexname"))]


def without_pages(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    return [r[:-1] for r in rows]


def entry_indexes(rows: list[tuple[object, ...]]) -> dict[object, object]:
    """time_entry's indexes and their root pages (SQLite)."""
    return {r[1]: r[4] for r in rows if r[0] == "index" and r[2] == "time_entry"}


@pytest.fixture
def defer_small(monkeypatch: pytest.MonkeyPatch) -> None:
    """Defer the indexes after the first batch, as a million-row import would."""
    monkeypatch.setattr(sqlite_import, "DEFER_AT", importing.BATCH)


def test_a_large_import_leaves_the_schema_it_found(example: Ledger, tmp_path: Path,
                                                   defer_small: None) -> None:
    """The indexes were built again (SQLite: new root pages) from their own SQL: the
    same names, tables and statements; the rows and the chain are the plain path's."""
    before = schema(example)
    assert imported(example, write(tmp_path, lines(ROWS))) == ROWS
    after = schema(example)
    assert without_pages(after) == without_pages(before)
    if example.engine.dialect.name == "sqlite":
        old, new = entry_indexes(before), entry_indexes(after)
        assert set(old) == {"ix_time_entry_project_on_id", "ix_time_entry_person_on",
                            "ix_time_entry_figures"}
        assert set(new) == set(old)
        assert all(new[name] != old[name] for name in old), (old, new)  # rebuilt
        with example.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            # the 24-hour check and the reports read by these indexes again
            plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT sum(minutes) FROM time_entry "
                "WHERE person_id = 1 AND \"on\" = '2026-03-05'"))
            assert "ix_time_entry_person_on" in plan
    assert len(stored(example)) >= ROWS
    assert example.verify()[1] == []


def test_a_small_import_keeps_its_indexes(example: Ledger, tmp_path: Path) -> None:
    """Below DEFER_AT rows every row goes into the indexes as it is written."""
    before = schema(example)
    assert imported(example, write(tmp_path, lines(ROWS))) == ROWS
    assert schema(example) == before  # root pages too: nothing was rebuilt


@pytest.mark.parametrize("where", ["last", "after two batches"])
def test_a_failed_large_import_leaves_the_indexes_in_place(
        example: Ledger, tmp_path: Path, defer_small: None, where: str) -> None:
    """A bad row found after the indexes were dropped: the transaction, the drops with
    it, rolls back; the schema is the one before, root pages included."""
    body = lines(ROWS)
    n = ROWS - 1 if where == "last" else 2 * importing.BATCH + 5
    body[n] = f"2026-03-05,liu.yang,T2,25,too long {n}"  # line n + 2 of the file
    before = schema(example)
    counts = (audit_count(example), example.entry_count(), head(example))
    with pytest.raises(LedgerErrors, match=rf"line {n + 2}: .*hours"):
        imported(example, write(tmp_path, body))
    assert schema(example) == before
    assert (audit_count(example), example.entry_count(), head(example)) == counts
    assert example.verify()[1] == []


def test_the_audit_hash_stays_unique_while_indexes_are_deferred(
        sqlite_example: Ledger) -> None:
    """Deferring audit_event's indexes drops none (its one index is the UNIQUE hash):
    a second row with an existing hash is refused in the same transaction."""
    example = sqlite_example
    with pytest.raises(Exception, match="UNIQUE constraint failed: audit_event.hash"):
        with writing(example.engine) as s:
            conn = s.connection()
            deferred = sqlite_import.DeferredIndexes(conn, "audit_event", 0)
            deferred.defer()
            assert deferred.dropped == []
            row = s.execute(select(AuditEvent).limit(1)).scalars().one()
            s.execute(insert(AuditEvent).values(
                project_code=row.project_code, at=row.at, actor=row.actor,
                action=row.action, entity=row.entity, ref=row.ref, before=row.before,
                after=row.after, prev_hash=row.hash, hash=row.hash))
    assert example.verify()[1] == []


def test_unique_indexes_are_kept_and_plain_ones_rebuilt(tmp_path: Path) -> None:
    """On any SQLite table: a UNIQUE index stays (a duplicate is refused at once), plain
    ones are dropped and created again with the very statement sqlite_master held."""
    path = tmp_path / "t.db"
    with sqlite3.connect(path) as raw:
        raw.executescript(
            'CREATE TABLE t (id INTEGER PRIMARY KEY, a INT, "b c" TEXT, d INT UNIQUE);'
            "CREATE UNIQUE INDEX t_a ON t (a);"
            'CREATE INDEX "t b" ON t ("b c", a) WHERE a > 0;'
            "create index t_lower on t (lower(\"b c\"));")
    engine = create_engine(make_url(f"sqlite:///{path}"))
    master = "SELECT type, name, sql FROM sqlite_master ORDER BY name"
    with engine.connect() as conn:
        before = conn.exec_driver_sql(master).all()
        deferred = sqlite_import.DeferredIndexes(conn, "t", 0)
        assert not deferred.due(sqlite_import.DEFER_AT - 1)
        assert deferred.dropped == []
        assert deferred.due(sqlite_import.DEFER_AT)
        deferred.defer()
        assert sorted(n for n, _ in deferred.dropped) == ["t b", "t_lower"]
        left = {r[1] for r in conn.exec_driver_sql(master) if r[0] == "index"}
        assert left == {"t_a", "sqlite_autoindex_t_1"}
        conn.exec_driver_sql("INSERT INTO t (a, \"b c\", d) VALUES (1, 'x', 1)")
        with pytest.raises(Exception, match="UNIQUE constraint failed: t.a"):
            conn.exec_driver_sql("INSERT INTO t (a, \"b c\", d) VALUES (1, 'y', 2)")
        with pytest.raises(Exception, match="UNIQUE constraint failed: t.d"):
            conn.exec_driver_sql("INSERT INTO t (a, \"b c\", d) VALUES (2, 'y', 1)")
        deferred.restore()
        assert conn.exec_driver_sql(master).all() == before
        conn.commit()
    engine.dispose()
