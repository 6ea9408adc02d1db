"""Issue 13, a large import on SQLite without repeated work: SQLite does not check the
references of the entries an import writes (each is the project's own person and task,
read in the same write transaction), and every other write still has them checked; the
deferred indexes are built on a second thread while the import computes the sums of its
new dates on its own."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from model.errors import LedgerErrors
from storage import importing, sqlite_import
from storage.db import writing
from storage.orm import Project
from storage.services import Ledger
from storage.sowfile import EntryRow

from .test_import_fast import imported, lines, write


class Spy:
    """An import hook that notes, inside the import's transaction, whether SQLite
    checks foreign keys and which DBAPI connection the import runs on."""

    def __init__(self) -> None:
        self.checks: list[int] = []
        self.raw: list[Any] = []

    def before(self, s: Session, project: Project) -> None:
        self.checks.append(int(s.execute(text("PRAGMA foreign_keys")).scalar() or 0))
        self.raw.append(s.connection().connection.driver_connection)

    def after(self, s: Session, project: Project, written: int) -> None:
        pass


def _foreign_keys_on(led: Ledger, raw: Any) -> int:
    """PRAGMA foreign_keys on the pooled connection ``raw`` (the import's)."""
    with led.engine.connect() as conn:
        assert conn.connection.driver_connection is raw  # the pool hands the same one
        return int(conn.exec_driver_sql("PRAGMA foreign_keys").scalar() or 0)


def _bad_reference_refused(led: Ledger) -> None:
    """A write that is not an import still has its references checked."""
    with pytest.raises(IntegrityError, match="FOREIGN KEY"), writing(led.engine) as s:
        s.execute(text('INSERT INTO time_entry (project_id, person_id, task_id, "on", '
                       "minutes, grade, note) VALUES (1, 999999, 999999, '2026-03-02', "
                       "60, 'senior', '')"))


def test_an_import_writes_unchecked_references_and_leaves_them_checked(
        sqlite_example: Ledger, tmp_path: Path) -> None:
    led = sqlite_example
    spy = Spy()
    rows = [EntryRow(1, "2026-03-02", "chen.jing", "T2", "2", "")]
    assert led.import_entries(rows, hook=spy) == 1
    assert spy.checks == [0]
    assert _foreign_keys_on(led, spy.raw[0]) == 1
    _bad_reference_refused(led)
    # a refused import (a row of an unknown person) leaves them checked too
    spy = Spy()
    bad = [EntryRow(1, "2026-03-02", "nobody", "T2", "2", "")]
    with pytest.raises(LedgerErrors, match="line 1: person: unknown person 'nobody'"):
        led.import_entries(bad, hook=spy)
    assert spy.checks == [0]
    assert _foreign_keys_on(led, spy.raw[0]) == 1
    _bad_reference_refused(led)
    assert led.verify()[1] == []


def test_other_writes_check_references(sqlite_example: Ledger) -> None:
    with writing(sqlite_example.engine) as s:
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1


def _deferred(s: Session) -> sqlite_import.DeferredIndexes:
    deferred = sqlite_import.DeferredIndexes(s.connection(), "time_entry", 0)
    deferred.defer()
    assert deferred.dropped and deferred.trigger is not None
    return deferred


def test_the_indexes_are_built_while_the_caller_works(sqlite_example: Ledger) -> None:
    """restore(meanwhile) runs ``meanwhile`` on the caller's thread while another thread
    builds, and returns its result; the indexes and the trigger are back after it. A probe
    index's function holds the build until ``meanwhile`` has run: built on the caller's
    thread, before or after it, the probe would wait in vain."""
    sqlite_example.import_entries([EntryRow(1, "2026-03-02", "chen.jing", "T2", "2", "")])
    go = threading.Event()
    seen: dict[str, Any] = {}

    def hold(x: int) -> int:
        seen.setdefault("builder", threading.get_ident())
        seen.setdefault("waited", go.wait(10))
        return x

    def meanwhile() -> str:
        seen["caller"] = threading.get_ident()
        go.set()
        return "sums"

    with writing(sqlite_example.engine) as s:
        raw = s.connection().connection.driver_connection
        raw.create_function("hold", 1, hold, deterministic=True)
        deferred = _deferred(s)
        deferred.dropped.append(("probe", "CREATE INDEX probe ON time_entry (hold(id))"))
        assert deferred.restore(meanwhile) == "sums"
        assert deferred.marked
        s.execute(text("DROP INDEX probe"))
        names = {r[0] for r in s.execute(text(
            "SELECT name FROM sqlite_master WHERE tbl_name = 'time_entry'"))}
    assert seen["waited"] is True
    assert seen["builder"] != seen["caller"] == threading.get_ident()
    assert {"ix_time_entry_person_on", "ix_time_entry_figures",
            "day_sum_entry_insert"} <= names
    assert sqlite_example.verify()[1] == []


def test_a_failed_build_is_raised_on_the_caller(sqlite_example: Ledger) -> None:
    """An index that cannot be built fails the import's transaction, on the caller's
    thread, after ``meanwhile`` ran; nothing is left half-done (the rollback)."""
    before = sqlite_example.entry_count()
    ran: list[bool] = []
    with pytest.raises(Exception, match="no such column: nowhere"):
        with writing(sqlite_example.engine) as s:
            deferred = _deferred(s)
            name, _sql = deferred.dropped[0]
            deferred.dropped[0] = (name, f'CREATE INDEX "{name}" ON time_entry (nowhere)')
            deferred.restore(lambda: ran.append(True))
    assert ran == [True]
    assert sqlite_example.entry_count() == before
    assert sqlite_example.verify()[1] == []


def test_nothing_to_mark_runs_nothing_meanwhile(tmp_path: Path) -> None:
    """A table without the sums' trigger: the indexes are rebuilt, ``meanwhile`` is not
    called (there are no new dates' sums to store)."""
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{tmp_path / 't.db'}")
    with engine.connect() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, a INT)")
        conn.exec_driver_sql("CREATE INDEX t_a ON t (a)")
        deferred = sqlite_import.DeferredIndexes(conn, "t", 0)
        deferred.defer()
        assert deferred.restore(lambda: pytest.fail("called")) is None
        assert not deferred.marked
        assert conn.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE name = 't_a'").scalar() == 1
    engine.dispose()


def test_a_large_import_stores_its_new_dates_sums(sqlite_example: Ledger, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole path: indexes deferred, built on the second thread, the new dates'
    sums stored by the rule meanwhile: every kept sum is the entries' (verify)."""
    monkeypatch.setattr(sqlite_import, "DEFER_AT", importing.BATCH)
    called: list[int] = []
    real = importing._sums_of_new_dates

    def sums(*args: Any) -> Any:
        called.append(threading.get_ident())
        return real(*args)

    monkeypatch.setattr(importing, "_sums_of_new_dates", sums)
    rows = 2 * importing.BATCH + 300
    before = sqlite_example.entry_count()
    assert imported(sqlite_example, write(tmp_path, lines(rows))) == rows
    assert sqlite_example.entry_count() == before + rows
    assert called == [threading.get_ident()]  # by the rule, on the import's thread
    assert sqlite_example.verify()[1] == []


# ---------------------------------------------------------------------------------------
# A file in date order keeps the indexes that lead with the date


def _entry_roots(led: Ledger) -> dict[str, int]:
    with led.engine.connect() as conn:
        return {r[0]: r[1] for r in conn.exec_driver_sql(
            "SELECT name, rootpage FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = 'time_entry'")}


def _dated(n: int, in_order: bool) -> list[str]:
    people = ["zhang.wei", "chen.jing", "liu.yang", "wang.fang"]
    first = date(2026, 3, 2)
    out = [f"{first + timedelta(days=i * 80 // n)},{people[i % 4]},T{i % 2 + 1},0.25,n{i}"
           for i in range(n)]
    if not in_order:  # one row out of its place, in the first batch
        out[0], out[1000] = out[1000], out[0]
    return out


@pytest.mark.parametrize("in_order", [True, False])
def test_a_file_in_date_order_appends_to_the_date_led_indexes(
        sqlite_example: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        in_order: bool) -> None:
    """Rows in date order: the indexes that lead with the date are kept (the same root
    pages: appended to, not built again), the others built at the end. One row out of
    order before the indexes are deferred: every plain index is built at the end. The
    same entries, the same checks either way."""
    monkeypatch.setattr(sqlite_import, "DEFER_AT", importing.BATCH)
    led = sqlite_example
    assert set(importing._DATE_LED) < set(_entry_roots(led))  # names the schema's indexes
    before = _entry_roots(led)
    rows = 3 * importing.BATCH
    body = _dated(rows, in_order)
    assert imported(led, write(tmp_path, body)) == rows
    after = _entry_roots(led)
    assert set(after) == set(before)
    rebuilt = {name for name in before if after[name] != before[name]}
    if in_order:
        assert rebuilt == set(before) - set(importing._DATE_LED)
    else:
        assert rebuilt == set(before)
    with led.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    assert led.verify()[1] == []


# ---------------------------------------------------------------------------------------
# The lane: a batch's writes on a second thread


def test_the_lane_runs_jobs_in_order_elsewhere_and_raises_their_failure_here(
        sqlite_example: Ledger) -> None:
    order: list[tuple[int, bool]] = []
    here = threading.get_ident()
    with writing(sqlite_example.engine) as s:
        lane = sqlite_import.Lane(s.connection())
        for i in range(3):
            lane.submit(lambda i=i: order.append((i, threading.get_ident() != here)))
        lane.wait()
        assert order == [(0, True), (1, True), (2, True)]

        def fail() -> None:
            raise ValueError("disk full")

        lane.submit(fail)
        with pytest.raises(ValueError, match="disk full"):
            lane.wait()
        lane.submit(fail)
        lane.close(failing=True)  # the caller's own exception is the one raised
        assert lane.pool is None


def test_postgresql_runs_the_lane_s_jobs_at_once(example: Ledger) -> None:
    here = threading.get_ident()
    ran: list[bool] = []
    with writing(example.engine) as s:
        lane = sqlite_import.Lane(s.connection())
        lane.submit(lambda: ran.append(threading.get_ident() == here))
        lane.close()
    # on the caller's thread on PostgreSQL, on the lane's on SQLite
    assert ran == [example.engine.dialect.name == "postgresql"]


# ---------------------------------------------------------------------------------------
# SQLite's multi-row statements


def test_sqlite_inserts_many_rows_a_statement(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import Column, Integer, MetaData, Table, Text, create_engine

    from storage.bulk import BulkInsert

    engine = create_engine(f"sqlite:///{tmp_path / 'b.db'}")
    table = Table("t", MetaData(), Column("id", Integer, primary_key=True),
                  Column("a", Text), Column("b", Integer))
    table.metadata.create_all(engine)
    statements: list[str] = []
    with engine.begin() as conn:
        bulk = BulkInsert(conn, table, ("id", "a", "b"))
        assert bulk.per == conn.connection.driver_connection.getlimit(
            sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // 3
        bulk.per = 4
        conn.connection.driver_connection.set_trace_callback(statements.append)
        bulk.run([(i, f"x{i}", i * 2) for i in range(1, 11)])
        conn.connection.driver_connection.set_trace_callback(None)
        with pytest.raises(ValueError, match="wrong width"):
            bulk.run([(11, "y")])
        # the same rows given column by column
        bulk.run_columns([[11, 12, 13], ["a", "b", "c"], [1, 2, 3]])
        with pytest.raises(ValueError, match="wrong length"):
            bulk.run_columns([[14, 15], ["d"], [4, 5]])
        assert conn.exec_driver_sql("SELECT * FROM t ORDER BY id").all() == [
            *[(i, f"x{i}", i * 2) for i in range(1, 11)],
            (11, "a", 1), (12, "b", 2), (13, "c", 3)]
    # three statements: 4 rows, 4 rows, the last 2 (then the columns' 3)
    assert [st.count("(") - 1 for st in statements if st.startswith("INSERT")] == [4, 4, 2]
    engine.dispose()



def test_an_in_memory_database_keeps_the_lane_s_jobs_on_its_thread() -> None:
    """SQLite's in-memory database is its thread's alone: the jobs run at once, there."""
    from sqlalchemy import create_engine

    engine = create_engine("sqlite://")
    here = threading.get_ident()
    ran: list[tuple[bool, object]] = []
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        lane = sqlite_import.Lane(conn)
        assert lane.pool is None
        lane.submit(lambda: ran.append((threading.get_ident() == here,
                                        raw.execute("SELECT 1").fetchone())))
        lane.close()
    assert ran == [(True, (1,))]
    engine.dispose()


def test_a_batch_the_database_refuses_is_one_line_and_nothing_is_written(
        sqlite_example: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The database refuses a batch on the lane's thread (a trigger standing for a full
    disk or a constraint): the user reads one line, exit 1, and nothing is written."""
    from .life_support import cli, sql

    led = sqlite_example
    sql(led, "CREATE TRIGGER boom BEFORE INSERT ON time_entry WHEN NEW.note = 'boom' "
             "BEGIN SELECT RAISE(ABORT, 'the disk is full'); END")
    body = _dated(2 * importing.BATCH, True)
    body[-1] = body[-1].rsplit(",", 1)[0] + ",boom"
    rc, _out, err = cli(capsys, led, "--project", led.project_code or "",
                        "--as", "zhang.wei", "import", "entries",
                        str(write(tmp_path, body)))
    assert rc == 1
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "the disk is full" in err
    assert led.entry_count() == 0
    assert led.verify()[1] == []
