"""Issue 13, the import's fast paths: the entry records' JSON built from cached pieces,
PostgreSQL's COPY (and INSERT where row-level security applies), SQLite's larger page
cache for the import, and the CSV reader's one-call check of a common row. Each gives
what the plain path gives: the same rows, the same audit records and hashes (the
existing functions' bytes), nothing written when a row is bad, a ledger that verifies."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Table, func, make_url, select, text

from model.errors import LedgerErrors
from model.usertext import text_problem
from storage import importing, sqlite_import
from storage.audit import row_hash
from storage.bulk import BulkInsert
from storage.db import reading, writing
from storage.importing import BATCH
from storage.orm import AuditEvent, Person, Task, TimeEntry
from storage.records import entry_batch, entry_json
from storage.services import Ledger
from storage.sowfile import load_sow, open_entry_file, parse_entry_csv
from tui.cli import main

from .conftest import EXAMPLE_SOW

CODE = "CLAIMS-AGENT-2026"
PEOPLE = ["zhang.wei", "chen.jing", "liu.yang", "wang.fang"]
FIRST, DAYS = date(2026, 3, 2), 89
ROWS = 2 * importing.BATCH + 700  # three batches: two written before the last is read
#: notes a JSON encoder must escape or keep as they are (quotes, backslashes, non-ASCII)
NOTES = ['say "hi"', "back\\slash", "中文 备注", "emoji 😀", "</script>", "", "  spaced  ",
         "a/b", "\u00e9t\u00e9", "{\"id\":1}"]


def lines(n: int) -> list[str]:
    out = []
    for i in range(n):
        note = f"{NOTES[i % len(NOTES)]} {i}"
        quoted = '"' + note.replace('"', '""') + '"'
        out.append(f"{FIRST + timedelta(days=(i // 4) % DAYS)},{PEOPLE[i % 4]},"
                   f"T{i % 4 + 1},0.05,{quoted}")
    return out


def write(tmp_path: Path, body: list[str]) -> Path:
    path = tmp_path / "entries.csv"
    path.write_text("date,person,task,hours,note\n" + "\n".join(body) + "\n",
                    encoding="utf-8")
    return path


def imported(led: Ledger, path: Path) -> int:
    f = open_entry_file(path)
    return led.import_entries(f.rows, f.problems, source=f)


def audit_count(led: Ledger) -> int:
    with led.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(AuditEvent)).scalar() or 0)


def head(led: Ledger) -> str:
    with led.engine.connect() as conn:
        return str(conn.execute(select(AuditEvent.hash).order_by(AuditEvent.id.desc())
                                .limit(1)).scalar())


def stored(led: Ledger) -> list[tuple[object, ...]]:
    """Every entry as the table holds it (id, date, person, task, minutes, grade, note)."""
    with reading(led.engine) as s:
        return [tuple(r) for r in s.execute(
            select(TimeEntry.id, TimeEntry.on, Person.key, Task.code, TimeEntry.minutes,
                   TimeEntry.grade, TimeEntry.note)
            .join(Person, Person.id == TimeEntry.person_id)
            .join(Task, Task.id == TimeEntry.task_id).order_by(TimeEntry.id))]


def test_each_audit_record_and_hash_is_the_existing_functions_bytes(
        example: Ledger, tmp_path: Path) -> None:
    """The writer builds each entry's record from cached pieces: byte for byte what
    storage.records.entry_json writes of the stored entry, and each hash row_hash's."""
    assert imported(example, write(tmp_path, lines(ROWS))) == ROWS
    entries = {e[0]: e for e in stored(example)}
    assert len(entries) == ROWS
    assert {e[6] for e in entries.values()} >= {f"{n} 0" for n in NOTES[:1]}
    with reading(example.engine) as s:
        rows = s.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    prev = rows[0].prev_hash
    checked = 0
    for ev in rows:
        assert ev.prev_hash == prev
        assert ev.hash == row_hash(ev.prev_hash, ev.project_code, ev.at, ev.actor,
                                   ev.action, ev.entity, ev.ref, ev.before, ev.after)
        prev = ev.hash
        assert (ev.action, ev.entity) != ("import", "entry")  # one row per batch now
        if ev.action == "import" and ev.entity == entry_batch.ENTITY:
            assert ev.before is None
            first, last = entry_batch.batch_range(ev.ref)
            records = list(entry_batch.batch_records(ev.after))
            assert [int(ref) for ref, _ in records] == list(range(first, last + 1))
            assert entry_batch.batch_summary(ev.after) == {
                "count": len(records), "first": first, "last": last}
            for ref, record in records:
                i, on, person, task, minutes, grade, note = entries[int(ref)]
                assert record == entry_json(i, on.isoformat(), person, task, minutes,
                                            grade, note)
                assert json.loads(record) == json.loads(ev.after)["rows"][checked % BATCH]
                checked += 1
    assert checked == ROWS
    assert example.verify()[1] == []


def test_postgresql_copies_and_sqlite_inserts_the_same_rows(example: Ledger,
                                                            tmp_path: Path) -> None:
    """COPY on PostgreSQL for the database's owner, executemany on SQLite: the same
    entries (ids included, from the ledger's own ids) and the same audit records."""
    postgres = example.engine.dialect.name == "postgresql"
    with writing(example.engine) as s:
        table = TimeEntry.__table__
        assert isinstance(table, Table)
        bulk = BulkInsert(s.connection(), table, ("id", "note"))
        assert (bulk.copy is not None) == postgres
        if postgres:
            assert bulk.copy == 'COPY time_entry (id, note) FROM STDIN'
    first_id = (max((e[0] for e in stored(example)), default=0))
    body = lines(600)
    assert imported(example, write(tmp_path, body)) == 600
    got = stored(example)
    assert [g[0] for g in got[-600:]] == sorted(g[0] for g in got[-600:])
    if not postgres:  # SQLite: max + 1 on, as SQLite itself would choose
        assert got[-600][0] == first_id + 1
    expected = []
    for row in csv.reader(io.StringIO("\n".join(body))):
        d, person, task, _, note = row
        expected.append((date.fromisoformat(d), person, task, 3, note))
    assert [(g[1], g[2], g[3], g[4], g[6]) for g in got[-600:]] == expected
    assert {g[5] for g in got[-600:]} <= {"senior", "intermediate", "junior", "expert",
                                          "senior_expert"}
    assert example.verify()[1] == []


@pytest.mark.parametrize("where", ["last", "after two batches"])
def test_a_bad_row_after_batches_were_written_writes_nothing(example: Ledger,
                                                             tmp_path: Path,
                                                             where: str) -> None:
    """Batches already written (COPY on PostgreSQL) go with the transaction: nothing."""
    body = lines(ROWS)
    n = ROWS - 1 if where == "last" else 2 * importing.BATCH + 5
    body[n] = f"2026-03-05,liu.yang,T2,25,too long {n}"  # line n + 2 of the file
    before, entries, top = audit_count(example), example.entry_count(), head(example)
    with pytest.raises(LedgerErrors, match=rf"line {n + 2}: .*hours") as caught:
        imported(example, write(tmp_path, body))
    assert len(caught.value.problems) == 1
    assert (audit_count(example), example.entry_count(), head(example)) == (
        before, entries, top)
    assert example.verify()[1] == []
    # and the file, mended, imports whole
    body[n] = f"2026-03-05,liu.yang,T2,1,mended {n}"
    assert imported(example, write(tmp_path, body)) == ROWS
    assert example.verify()[1] == []


def test_sqlite_gets_a_larger_page_cache_for_the_import_only(tmp_path: Path) -> None:
    led = Ledger.open(f"sqlite:///{tmp_path / 'ledger.db'}")
    try:
        with writing(led.engine) as s:
            conn = s.connection()
            own = conn.exec_driver_sql("PRAGMA cache_size").scalar()
            with sqlite_import.import_cache(conn):
                assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == \
                    -sqlite_import.IMPORT_CACHE_KIB
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == own
            assert own != -sqlite_import.IMPORT_CACHE_KIB
    finally:
        led.engine.dispose()


def _show_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["date", "person", "task", "hours", "note"])
    w.writerows(rows)
    return out.getvalue()


FIELD = st.text(alphabet=st.sampled_from(["a", " ", "\t", "\x1b", "\x00", '"', ",", "é",
                                          "\u3000", "\u2028", "\x85", "1"]), max_size=4)


@given(st.lists(st.lists(FIELD, min_size=5, max_size=5), max_size=6))
def test_the_readers_quick_check_keeps_the_one_rule(rows: list[list[str]]) -> None:
    """A row is read iff it is not blank and every field (the first four stripped) is
    text the one rule (model.usertext) allows; the rest are named by their line."""
    got, problems = parse_entry_csv(_show_csv(rows))
    # what the rule expects, row by row (csv may span a quoted line break over lines)
    wanted, refused = [], 0
    for fields in rows:
        values = [*(f.strip() for f in fields[:4]), fields[4]]
        if all(not f.strip() for f in fields):
            continue
        if any(text_problem(v) is not None for v in values):
            refused += 1
            continue
        wanted.append(tuple(values))
    assert [tuple(r)[1:] for r in got] == wanted
    assert len(problems) == refused
    assert all(p.startswith("line ") for p in problems)


# Login roles exist on PostgreSQL only.
@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_login_role_under_row_level_security_imports_by_insert(
        db_url: str, roles: Callable[[str], str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """COPY FROM is refused where row-level security applies: the lead's own login role
    imports through INSERT, whose policies the server checks row by row."""
    monkeypatch.delenv("SOWTRACK_USER", raising=False)
    owner = Ledger.open(db_url)
    try:
        owner = owner.for_project(owner.init_project(load_sow(EXAMPLE_SOW)).code)
        lead = roles("lead")
        owner.bind_role("zhang.wei", str(make_url(lead).username))
        path = write(tmp_path, lines(importing.BATCH + 10))
        as_lead = Ledger.open(lead)
        try:
            with writing(as_lead.engine) as s:
                table = TimeEntry.__table__
                assert isinstance(table, Table)
                assert BulkInsert(s.connection(), table, ("id",)).copy is None
                assert s.execute(text("SELECT row_security_active('time_entry')")).scalar()
        finally:
            as_lead.engine.dispose()
        assert main(["--db", lead, "import", "entries", str(path)]) == 0
        assert f"imported {importing.BATCH + 10} entries" in capsys.readouterr().out
        assert owner.entry_count() == importing.BATCH + 10
        assert owner.verify()[1] == []
        with reading(owner.engine) as s:
            actors = set(s.execute(select(AuditEvent.actor).where(
                AuditEvent.entity == entry_batch.ENTITY)).scalars())
        assert actors == {"zhang.wei"}
    finally:
        owner.engine.dispose()
