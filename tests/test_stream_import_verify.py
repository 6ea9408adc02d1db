"""Issue 13: the import reads its file as a stream and writes in batches, still admitting
every row by the one rule and writing nothing when one row is bad; verify walks the chain
and the time entries in chunks, and still names a row edited in a later chunk.

How little memory they take is a benchmark matter (bench/import_verify.py), not a test."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from model.errors import LedgerErrors
from model.usertext import text_problem
from storage import audit, importing
from storage.audit import AuditWriter, canonical, row_hash
from storage.orm import AuditEvent
from storage.records import entry_json
from storage.services import Ledger
from storage.sowfile import open_entry_file

CODE = "CLAIMS-AGENT-2026"
PEOPLE = ["zhang.wei", "chen.jing", "liu.yang", "wang.fang"]
FIRST, DAYS = date(2026, 3, 2), 89
ROWS = 2 * importing.BATCH + 1500  # three batches


def lines(n: int) -> list[str]:
    return [f"{FIRST + timedelta(days=(i // 4) % DAYS)},{PEOPLE[i % 4]},T{i % 4 + 1},0.05,"
            f"bulk {i}" for i in range(n)]


def write(tmp_path: Path, body: list[str]) -> Path:
    path = tmp_path / "entries.csv"
    path.write_text("date,person,task,hours,note\n" + "\n".join(body) + "\n",
                    encoding="utf-8")
    return path


def imported(led: Ledger, path: Path) -> int:
    f = open_entry_file(path)
    return led.import_entries(f.rows, f.problems, source=f)


def audit_rows(led: Ledger) -> int:
    with led.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(AuditEvent)).scalar() or 0)


def sql(led: Ledger, statement: str) -> None:
    with led.engine.begin() as conn:
        conn.execute(text(statement))


def test_a_large_file_is_imported_in_batches_and_verifies(example: Ledger,
                                                          tmp_path: Path) -> None:
    before = audit_rows(example)
    assert imported(example, write(tmp_path, lines(ROWS))) == ROWS
    assert example.entry_count() == ROWS
    assert audit_rows(example) == before + 3 + 1  # one per batch, one for the file
    # The ids given in batches are the ones the program goes on from.
    logged = example.log("T1", "1", on="2026-03-02", person="zhang.wei")
    assert logged.id == max(e.id for e in example.entries()) and logged.id > ROWS
    assert example.verify() == (before + 3 + 2, [])


def test_a_bad_row_deep_in_a_large_file_writes_nothing_and_names_its_line(
        example: Ledger, tmp_path: Path) -> None:
    body = lines(ROWS)
    body[ROWS - 10] = "2026-03-05,liu.yang,T9,1,no such task"  # line ROWS - 8 of the file
    body[7000] = "2026-03-05,liu.yang,T2,1"  # malformed: four fields
    before = audit_rows(example)
    with pytest.raises(LedgerErrors, match="unknown task 'T9'") as caught:
        imported(example, write(tmp_path, body))
    assert caught.value.problems == [
        "line 7002: expected 5 fields (date,person,task,hours,note), got 4",
        f"line {ROWS - 8}: task: unknown task 'T9'"]
    assert example.entry_count() == 0
    assert audit_rows(example) == before


def test_a_day_over_24_hours_across_batches_is_refused(example: Ledger,
                                                       tmp_path: Path) -> None:
    body = lines(ROWS)
    # liu.yang's 2026-03-05 already holds the bulk rows' minutes; 20 h in the first batch
    # and 5 h in the last one make more than 24 h.
    body[2] = "2026-03-05,liu.yang,T2,20,long day"
    body[ROWS - 1] = "2026-03-05,liu.yang,T2,5,too long"
    with pytest.raises(LedgerErrors, match=f"line {ROWS + 1}: hours: liu.yang would have"):
        imported(example, write(tmp_path, body))
    assert example.entry_count() == 0


def test_verify_names_rows_edited_in_later_chunks(example: Ledger, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "CHUNK", 1000)  # the chain walk: many chunks
    imported(example, write(tmp_path, lines(ROWS)))
    ids = sorted(e.id for e in example.entries())
    late, gone, near = ids[-3], ids[-2], ids[9]  # near: 2 digits, the merge's order
    sql(example, f"UPDATE time_entry SET minutes = 999 WHERE id = {late}")
    sql(example, f"DELETE FROM time_entry WHERE id = {gone}")
    sql(example, f"UPDATE time_entry SET note = 'x' WHERE id = {near}")
    with example.engine.begin() as conn:
        row, ref = conn.execute(select(AuditEvent.id, AuditEvent.ref)
                                .where(AuditEvent.entity == "entries")
                                .order_by(AuditEvent.id.desc()).limit(1)).one()
        conn.execute(text(f"UPDATE audit_event SET actor = 'mallory' WHERE id = {row}"))
    assert ref == f"{ids[2 * importing.BATCH]}..{ids[-1]}"  # the last batch's entries
    assert example.verify()[1] == [
        f"audit row {row}: content was edited (import entries {ref})",
        f"{CODE} entry {near}: differs from its last audit row (edited behind the "
        f"program's back): note was bulk 9, is x",
        f"{CODE} entry {late}: differs from its last audit row (edited behind the "
        f"program's back): minutes was 3, is 999",
        f"{CODE} entry {gone}: deleted behind the program's back"]


def test_entries_logged_edited_deleted_and_added_by_sql_are_merged(example: Ledger) -> None:
    a = example.log("T1", "2", on="2026-03-02", person="zhang.wei", note="first")
    b = example.log("T1", "3", on="2026-03-03", person="zhang.wei")
    c = example.log("T1", "4", on="2026-03-04", person="zhang.wei")
    example.edit_entry(a.id, hours="5", note="edited")
    example.delete_entry(b.id)
    assert example.verify()[1] == []
    sql(example, f"UPDATE time_entry SET minutes = 60 WHERE id = {a.id}")
    sql(example, "INSERT INTO time_entry (id, project_id, person_id, task_id, \"on\", minutes,"
                 f" grade, note) SELECT {c.id + 10}, project_id, person_id, task_id, \"on\", "
                 f"minutes, grade, note FROM time_entry WHERE id = {c.id}")
    assert example.verify()[1] == [
        f"{CODE} entry {a.id}: differs from its last audit row (edited behind the "
        f"program's back): minutes was 300, is 60",
        f"{CODE} entry {c.id + 10}: not in the audit log (added behind the program's back)"]


@given(st.integers(1, 10**12), st.dates(), st.text(), st.text(), st.integers(1, 1440),
       st.text(), st.text())
def test_entry_json_is_the_canonical_record(i: int, on: date, person: str, task: str,
                                            minutes: int, grade: str, note: str) -> None:
    record = {"id": i, "date": on.isoformat(), "person": person, "task": task,
              "minutes": minutes, "grade": grade, "note": note}
    assert entry_json(i, on.isoformat(), person, task, minutes, grade, note) \
        == canonical(record)


@given(st.one_of(st.none(), st.text()), st.text(), st.text(), st.text(),
       st.one_of(st.none(), st.text()), st.one_of(st.none(), st.text()))
def test_row_hash_is_the_hash_of_the_json_body(code: str | None, actor: str, ref: str,
                                               action: str, before: str | None,
                                               after: str | None) -> None:
    import hashlib
    import json

    at = datetime(2026, 3, 2, 9, 30)
    body = json.dumps([code, at.isoformat(), actor, action, "entry", ref, before, after],
                      ensure_ascii=False, separators=(",", ":"))
    assert row_hash("ab" * 32, code, at, actor, action, "entry", ref, before, after) \
        == hashlib.sha256(("ab" * 32 + body).encode("utf-8")).hexdigest()


def test_appended_rows_chain_like_recorded_ones(example: Ledger) -> None:
    with example.engine.begin() as conn:
        from sqlalchemy.orm import Session

        s = Session(bind=conn)
        writer = AuditWriter(s, CODE, "zhang.wei")
        writer.append("import", "entry", [("1", None, '{"a":"é\\u2028"}'), ("2", "{}", None)])
        s.flush()
        rows = s.execute(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(2)).scalars()
        newest, previous = list(rows)
        assert newest.prev_hash == previous.hash
        for ev in (previous, newest):
            assert ev.hash == row_hash(ev.prev_hash, ev.project_code, ev.at, ev.actor,
                                       ev.action, ev.entity, ev.ref, ev.before, ev.after)
        s.rollback()


@given(st.text())
def test_the_fast_path_of_text_problem_keeps_the_rule(value: str) -> None:
    refused = any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in value)
    assert (text_problem(value) is not None) == refused
