"""Issue 13: verify reads the entries' audit rows in the chain's order (no sort) and merges
at once each entry whose one audit row comes after every earlier entry's; an entry edited,
deleted, or first logged after a larger one is set aside and merged whole at the end
(records.entry_stream). Whichever way an entry goes, the problems named are those of the
sorted merge of both sides, and every kind of damage is still named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import audit
from storage.orm import AuditEvent, Project
from storage.records import entry_stream, scan
from storage.records.entry_stream import _found, _logged, _merge, entry_problems
from storage.services import Ledger

from .bulk_entries import import_rows, sql

CODE = "CLAIMS-AGENT-2026"
BEHIND = "differs from its last audit row (edited behind the program's back)"




def three_ways(led: Ledger, monkeypatch: pytest.MonkeyPatch) -> list[tuple[tuple[str, str],
                                                                           str]]:
    """The entries' problems in the chain's order, with every entry set aside (the sorted
    way past the limit), and by the sorted merge itself: they must agree."""
    with led._reading() as s:
        project = s.scalars(select(Project).where(Project.code == CODE)).one()
        fast = entry_problems(s, project, 7)
        whole = _merge(CODE, _logged(s, CODE, 7), _found(s, project, 7))
        monkeypatch.setattr(entry_stream, "IRREGULAR_LIMIT", 0)
        past_limit = entry_problems(s, project, 7)
        monkeypatch.undo()
    key = sorted  # the fast way names the set-aside entries last; verify sorts them
    assert key(fast) == key(whole) == key(past_limit)
    return key(fast)


def append_entry_row(led: Ledger, ref: str, after: dict[str, object]) -> None:
    """An audit row the program could have written (chained), for entry ``ref``."""
    with led.engine.begin() as conn:
        s = Session(bind=conn)
        audit.AuditWriter(s, CODE, "zhang.wei").record("log", "entry", ref, after=after)
        s.flush()
        s.commit()


def test_entries_edited_deleted_and_logged_again_verify_clean(
        example: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "CHUNK", 9)
    monkeypatch.setattr(scan, "CHUNK", 9)
    ids = import_rows(example, tmp_path, 40, hours="0.5")
    example.edit_entry(ids[3], note="edited once")
    example.edit_entry(ids[3], hours="2")
    example.edit_entry(ids[20], note="edited")
    example.delete_entry(ids[10])
    example.delete_entry(ids[-1])  # SQLite gives its id to the next entry: logged again
    again = example.log("T1", "1", on="2026-03-02", person="zhang.wei", note="again")
    assert three_ways(example, monkeypatch) == []
    assert example.verify()[1] == []
    # damage to an edited entry, to a plain one, and a row added: all named
    sql(example, f"UPDATE time_entry SET note = 'sql' WHERE id = {ids[3]}")
    sql(example, f"UPDATE time_entry SET minutes = 7 WHERE id = {ids[5]}")
    sql(example, f"DELETE FROM time_entry WHERE id = {ids[20]}")
    sql(example, f"DELETE FROM time_entry WHERE id = {again.id}")
    sql(example, "INSERT INTO time_entry (id, project_id, person_id, task_id, \"on\", "
                 f"minutes, grade, note) SELECT {ids[10]}, project_id, person_id, task_id, "
                 f"\"on\", minutes, grade, note FROM time_entry WHERE id = {ids[0]}")
    expected = [
        f"{CODE} entry {ids[3]}: {BEHIND}: note was edited once, is sql",
        f"{CODE} entry {ids[5]}: {BEHIND}: minutes was 30, is 7",
        f"{CODE} entry {ids[10]}: not in the audit log (added behind the program's back)",
        f"{CODE} entry {ids[20]}: deleted behind the program's back",
        f"{CODE} entry {again.id}: deleted behind the program's back"]
    assert sorted(p for _, p in three_ways(example, monkeypatch)) == sorted(expected)
    assert example.verify()[1] == expected


def test_an_entry_first_logged_after_a_larger_one_is_merged_whole(
        example: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = import_rows(example, tmp_path, 12, hours="0.5")
    # an audit row for a far larger entry, which the table never held: every entry logged
    # after it comes out of the chain's order
    append_entry_row(example, "1000000", {"id": 1000000, "date": "2026-03-02"})
    late = [example.log("T2", "1", on="2026-03-03", person="liu.yang", note=f"late {i}")
            for i in range(3)]
    assert all(e.id < 1000000 for e in late) and late[0].id > ids[-1]
    gone = f"{CODE} entry 1000000: deleted behind the program's back"
    assert [p for _, p in three_ways(example, monkeypatch)] == [gone]
    assert example.verify()[1] == [gone]
    sql(example, f"UPDATE time_entry SET note = 'sql' WHERE id = {late[1].id}")
    with example.engine.connect() as conn:
        row = conn.execute(select(AuditEvent.id, AuditEvent.after).where(
            AuditEvent.entity == "entry", AuditEvent.ref == str(late[2].id))).one()
    after = json.loads(row.after)
    sql(example, f"UPDATE audit_event SET \"after\" = "
                 f"'{json.dumps({**after, 'note': 'rewritten'})}' WHERE id = {row.id}")
    assert example.verify()[1] == [
        f"audit row {row.id}: content was edited (log entry {late[2].id})",
        f"{CODE} entry {late[1].id}: {BEHIND}: note was late 1, is sql",
        f"{CODE} entry {late[2].id}: {BEHIND}: note was rewritten, is late 2",
        gone]
    assert len(three_ways(example, monkeypatch)) == 3
