"""Issue 13: verify reads the chain and the time entries as raw chunks and compares an entry
written once by its canonical text; every check stays. A row edited in the middle of a late
chunk, or on a chunk's boundary, is still named; the fast forms write exactly what the
writers wrote (the chain's hash body, an entry's canonical text)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text

from storage import audit, importing
from storage.orm import AuditEvent, Project
from storage.records import entry_batch, entry_json, scan
from storage.records.entry_stream import _found, entry_problems
from storage.services import Ledger

from .bulk_entries import import_rows, sql

CODE = "CLAIMS-AGENT-2026"
ODD = ['say "hi" \\ back', "中文 备注 🎉", "‮rtl ​zero width", "</script> & <b>", "é\u00a0ü",
       "x" * 300]




def entry_audit_rows(led: Ledger) -> list[int]:
    """The imported entries' audit rows (one batch row per entry: see small_chunks)."""
    with led.engine.connect() as conn:
        return list(conn.execute(select(AuditEvent.id).where(
            AuditEvent.entity == entry_batch.ENTITY).order_by(AuditEvent.id)).scalars())


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(audit, "CHUNK", 100)  # the chain walk
    monkeypatch.setattr(scan, "CHUNK", 100)  # the entries' two sides
    # an import's batch of one entry: its audit rows span the chain walk's chunks as the
    # entries' own rows would (storage.records.entry_batch)
    monkeypatch.setattr(importing, "BATCH", 1)
    return 100


def test_a_row_edited_in_the_middle_of_the_third_chunk_is_named(
        example: Ledger, tmp_path: Path, small_chunks: int) -> None:
    ids = import_rows(example, tmp_path, 5 * small_chunks)
    assert example.verify()[1] == []
    third = ids[2 * small_chunks + small_chunks // 2]  # the middle of the third chunk
    chained = entry_audit_rows(example)[2 * small_chunks + 40]  # an entry before `third`
    with example.engine.connect() as conn:
        batch = conn.execute(select(AuditEvent.ref).where(AuditEvent.id == chained)
                             ).scalar_one()
        ref = batch.split("..")[0]
        note = conn.execute(text(f"SELECT note FROM time_entry WHERE id = {ref}")).scalar_one()
    sql(example, f"UPDATE time_entry SET minutes = 7 WHERE id = {third}")
    sql(example, f"UPDATE audit_event SET \"after\" = replace(\"after\", 'bulk', 'bulK') "
                 f"WHERE id = {chained}")
    assert batch == f"{ref}..{ref}"
    assert example.verify()[1] == [
        f"audit row {chained}: content was edited (import entries {batch})",
        # the edited audit row states a note the table does not hold: named too
        f"{CODE} entry {ref}: differs from its last audit row (edited behind the "
        f"program's back): note was {note.replace('bulk', 'bulK')}, is {note}",
        f"{CODE} entry {third}: differs from its last audit row (edited behind the "
        f"program's back): minutes was 3, is 7"]


def test_rows_on_the_chunks_boundaries_deleted_added_and_edited_are_named(
        example: Ledger, tmp_path: Path, small_chunks: int) -> None:
    ids = import_rows(example, tmp_path, 3 * small_chunks)
    last_of_first, first_of_second = ids[small_chunks - 1], ids[small_chunks]
    last = ids[-1]
    sql(example, f"DELETE FROM time_entry WHERE id = {last_of_first}")
    sql(example, f"UPDATE time_entry SET note = 'moved' WHERE id = {first_of_second}")
    sql(example, f"DELETE FROM time_entry WHERE id = {last}")
    sql(example, "INSERT INTO time_entry (id, project_id, person_id, task_id, \"on\", "
                 f"minutes, grade, note) SELECT {last + 1}, project_id, person_id, task_id, "
                 f"\"on\", minutes, grade, note FROM time_entry WHERE id = {ids[0]}")
    assert example.verify()[1] == [
        f"{CODE} entry {last_of_first}: deleted behind the program's back",
        f"{CODE} entry {first_of_second}: differs from its last audit row (edited behind "
        f"the program's back): note was bulk {small_chunks}, is moved",
        f"{CODE} entry {last}: deleted behind the program's back",
        f"{CODE} entry {last + 1}: not in the audit log (added behind the program's back)"]


def test_the_chain_walk_names_a_row_in_each_chunk_and_counts_them_all(
        example: Ledger, tmp_path: Path, small_chunks: int) -> None:
    import_rows(example, tmp_path, 3 * small_chunks)
    rows = entry_audit_rows(example)
    edited = [rows[small_chunks - 1], rows[small_chunks], rows[2 * small_chunks + 7]]
    for row in edited:
        sql(example, f"UPDATE audit_event SET actor = 'mallory' WHERE id = {row}")
    with example.engine.connect() as conn:
        total = len(conn.execute(select(AuditEvent.id)).all())
    count, problems = example.verify()
    assert count == total
    assert [p.split(":")[0] for p in problems] == [f"audit row {r}" for r in edited]


def test_a_removed_audit_row_in_a_late_chunk_breaks_the_chain_there(
        example: Ledger, tmp_path: Path, small_chunks: int) -> None:
    import_rows(example, tmp_path, 3 * small_chunks)
    rows = entry_audit_rows(example)
    gone = rows[2 * small_chunks + 3]
    with example.engine.connect() as conn:
        gone_entry = conn.execute(select(AuditEvent.ref).where(AuditEvent.id == gone)
                                  ).scalar_one().split("..")[0]
    sql(example, f"DELETE FROM audit_event WHERE id = {gone}")
    problems = example.verify()[1]
    assert problems[0] == (f"audit row {gone + 1}: does not follow the previous row (a row "
                           f"was removed or reordered)")
    assert problems[1:] == [f"{CODE} entry {gone_entry}: not in the audit log (added behind "
                            f"the program's back)"]


def test_odd_texts_chain_and_compare_exactly(example: Ledger) -> None:
    logged = [example.log("T1", "1", on="2026-03-02", person="zhang.wei", note=n) for n in ODD]
    example.edit_entry(logged[0].id, note=ODD[1] + " edited")
    assert example.verify()[1] == []
    with example._reading() as s:
        project = s.scalars(select(Project)).one()
        seen = 0
        for _, _ref, canonical, row in _found(s, project, 2):
            assert canonical == entry_json(*row)  # the fast text is the writer's, byte for byte
            seen += 1
        assert seen == len(ODD)
        assert entry_problems(s, project, 2) == []
    sql(example, f"UPDATE time_entry SET note = 'plain' WHERE id = {logged[0].id}")
    assert example.verify()[1] == [
        f"{CODE} entry {logged[0].id}: differs from its last audit row (edited behind the "
        f"program's back): note was 中文 备注 🎉 edited, is plain"]


def test_odd_actors_and_texts_in_the_chain_hash_like_the_writer(example: Ledger) -> None:
    for actor in ('o"brien\\', "张伟", "é\u2028x"):
        with example.engine.begin() as conn:
            from sqlalchemy.orm import Session

            s = Session(bind=conn)
            writer = audit.AuditWriter(s, CODE, actor)
            writer.record("note", "file", 'ref "1"', before='{"a":"\\u2028"}', after=None)
            s.flush()
            s.commit()
    assert example.verify()[1] == []
    with example.engine.connect() as conn:
        newest = conn.execute(select(AuditEvent.id).order_by(AuditEvent.id.desc())
                              .limit(1)).scalar_one()
    sql(example, f"UPDATE audit_event SET ref = 'ref \"2\"' WHERE id = {newest}")
    assert example.verify()[1] == [
        f"audit row {newest}: content was edited (note file ref \"2\")"]


def test_a_time_sqlite_cannot_read_is_an_edited_row_not_a_crash(sqlite_example: Ledger) -> None:
    with sqlite_example.engine.connect() as conn:
        first = conn.execute(select(AuditEvent.id).order_by(AuditEvent.id).limit(1)).scalar_one()
    sql(sqlite_example, f"UPDATE audit_event SET at = 'not a time' WHERE id = {first}")
    assert sqlite_example.verify()[1][0].startswith(f"audit row {first}: content was edited")


def test_minutes_stored_as_a_fraction_are_named(sqlite_example: Ledger) -> None:
    e = sqlite_example.log("T1", "2", on="2026-03-02", person="zhang.wei")
    sql(sqlite_example, f"UPDATE time_entry SET minutes = 120.5 WHERE id = {e.id}")
    assert sqlite_example.verify()[1] == [
        f"{CODE} entry {e.id}: differs from its last audit row (edited behind the program's "
        f"back): minutes was 120, is 120.5"]
