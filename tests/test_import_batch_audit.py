"""Issue 13: an import audited by one row per batch of entries (storage.records.entry_batch)
instead of one row per entry. The batch rows state every entry exactly, so ``verify``
still names each imported entry changed, removed or added behind the program's back, on
both backends; later edits and deletes are audited per entry; the history describes an
import in words and finds an imported entry's own import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text

from model.errors import LedgerErrors
from storage import importing, sqlite_import
from storage.orm import AuditEvent
from storage.records import entry_batch, entry_json, entry_stream
from storage.services import Ledger
from storage.sowfile import open_entry_file
from tui.cli import main

CODE = "CLAIMS-AGENT-2026"
PEOPLE = ["zhang.wei", "chen.jing", "liu.yang", "wang.fang"]
#: notes that look like the batch form's own marks: they must stay data
NOTES = ['x,"id":99,y', '},\n{"date":"2026-03-02"', "\\", '"rows":[', "中文", "plain"]


def write_csv(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "entries.csv"
    body = []
    for i in range(n):
        note = NOTES[i % len(NOTES)].replace("\n", " ")  # a note is one line
        body.append(f"2026-03-{2 + (i // 4) % 20:02d},{PEOPLE[i % 4]},T{i % 4 + 1},0.25,"
                    + '"' + note.replace('"', '""') + f' {i}"')
    path.write_text("date,person,task,hours,note\n" + "\n".join(body) + "\n",
                    encoding="utf-8")
    return path


def imported(led: Ledger, path: Path) -> list[int]:
    f = open_entry_file(path)
    led.import_entries(f.rows, f.problems, source=f)
    return sorted(e.id for e in led.entries())


def sql(led: Ledger, statement: str) -> None:
    with led.engine.begin() as conn:
        conn.execute(text(statement))


def batch_rows(led: Ledger) -> list[tuple[int, str, str]]:
    with led.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(AuditEvent.id, AuditEvent.ref, AuditEvent.after)
            .where(AuditEvent.entity == entry_batch.ENTITY).order_by(AuditEvent.id))]


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "BATCH", 7)


def test_one_audit_row_per_batch_states_every_entry(example: Ledger, tmp_path: Path,
                                                    small_batches: None) -> None:
    ids = imported(example, write_csv(tmp_path, 30))
    rows = batch_rows(example)
    assert [ref for _, ref, _ in rows] == [f"{ids[i]}..{ids[min(i + 6, 29)]}"
                                          for i in range(0, 30, 7)]
    stated = {}
    for _, _, after in rows:
        for ref, record in entry_batch.batch_records(after):
            stated[int(ref)] = record
        assert json.loads(after)["count"] == len(json.loads(after)["rows"])
    assert sorted(stated) == ids
    for e in example.entries():
        assert stated[e.id] == entry_json(e.id, e.on.isoformat(), e.person, e.task,
                                          e.minutes, e.grade, e.note)
    with example.engine.connect() as conn:  # no row per entry any more
        assert not conn.execute(select(AuditEvent.id).where(
            AuditEvent.entity == "entry")).first()
    assert example.verify()[1] == []


def test_verify_names_each_imported_entry_changed_removed_or_added(
        example: Ledger, tmp_path: Path, small_batches: None) -> None:
    ids = imported(example, write_csv(tmp_path, 30))
    with example.engine.connect() as conn:
        other_person = conn.execute(text(
            "SELECT id FROM person WHERE key = 'wang.fang'")).scalar()
        other_task = conn.execute(text("SELECT id FROM task WHERE code = 'T4'")).scalar()
    minutes, note, day, person, task, gone = ids[0], ids[8], ids[15], ids[16], ids[21], ids[29]
    sql(example, f"UPDATE time_entry SET minutes = 999 WHERE id = {minutes}")
    sql(example, f"UPDATE time_entry SET note = 'forged' WHERE id = {note}")
    sql(example, f"UPDATE time_entry SET \"on\" = '2026-03-31' WHERE id = {day}")
    sql(example, f"UPDATE time_entry SET person_id = {other_person} WHERE id = {person}")
    sql(example, f"UPDATE time_entry SET task_id = {other_task} WHERE id = {task}")
    sql(example, f"DELETE FROM time_entry WHERE id = {gone}")
    added = ids[-1] + 5
    sql(example, "INSERT INTO time_entry (id, project_id, person_id, task_id, \"on\", minutes,"
                 f" grade, note) SELECT {added}, project_id, person_id, task_id, \"on\", "
                 f"minutes, grade, note FROM time_entry WHERE id = {ids[3]}")
    edited = "differs from its last audit row (edited behind the program's back)"
    problems = [p for p in example.verify()[1] if "day sum" not in p and "sums" not in p]
    assert problems[:7] == [
        f"{CODE} entry {minutes}: {edited}: minutes was 15, is 999",
        f"{CODE} entry {note}: {edited}: note was {NOTES[8 % 6]} 8, is forged",
        f"{CODE} entry {day}: {edited}: date was 2026-03-05, is 2026-03-31",
        f"{CODE} entry {person}: {edited}: person was zhang.wei, is wang.fang",
        f"{CODE} entry {task}: {edited}: task was T2, is T4",
        f"{CODE} entry {gone}: deleted behind the program's back",
        f"{CODE} entry {added}: not in the audit log (added behind the program's back)"]


def test_a_batch_row_edited_is_named_and_its_entries_are_not_taken_from_it(
        example: Ledger, tmp_path: Path, small_batches: None) -> None:
    ids = imported(example, write_csv(tmp_path, 14))
    (row, ref, after), _ = batch_rows(example)
    forged = after.replace('"minutes":15', '"minutes":999', 1)
    with example.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET after = :a WHERE id = :i"),
                     {"a": forged, "i": row})
    problems = example.verify()[1]
    assert problems[0] == f"audit row {row}: content was edited (import entries {ref})"
    # the batch's text still states the entries: the table's entry now differs from it
    assert f"{CODE} entry {ids[0]}: differs from its last audit row (edited behind the " \
           f"program's back): minutes was 999, is 15" in problems


def test_imported_entries_edited_and_deleted_later_are_audited_each(
        example: Ledger, tmp_path: Path, small_batches: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    ids = imported(example, write_csv(tmp_path, 30))
    example.edit_entry(ids[3], hours="2", note="moved")
    example.delete_entry(ids[10])
    example.log("T1", "1", on="2026-03-20", person="zhang.wei", note="after")
    with example.engine.connect() as conn:
        assert [tuple(r) for r in conn.execute(
            select(AuditEvent.action, AuditEvent.entity, AuditEvent.ref)
            .where(AuditEvent.entity == "entry").order_by(AuditEvent.id))][:2] == [
            ("edit", "entry", str(ids[3])), ("delete", "entry", str(ids[10]))]
    assert example.verify()[1] == []
    sql(example, f"UPDATE time_entry SET note = 'again' WHERE id = {ids[3]}")
    sql(example, f"UPDATE time_entry SET minutes = 1 WHERE id = {ids[4]}")
    expected = [
        f"{CODE} entry {ids[3]}: differs from its last audit row (edited behind the "
        f"program's back): note was moved, is again",
        f"{CODE} entry {ids[4]}: differs from its last audit row (edited behind the "
        f"program's back): minutes was 15, is 1"]
    assert [p for p in example.verify()[1] if "entry" in p] == expected
    # the same when the streams are merged the sorted way throughout (many irregular
    # entries): the batch rows' entries are merged with the entries' own rows
    monkeypatch.setattr(entry_stream, "IRREGULAR_LIMIT", 0)
    assert [p for p in example.verify()[1] if "entry" in p] == expected
    sql(example, f"DELETE FROM time_entry WHERE id = {ids[20]}")
    assert f"{CODE} entry {ids[20]}: deleted behind the program's back" in \
        example.verify()[1]


def test_the_history_describes_an_import_and_finds_an_imported_entry(
        example: Ledger, tmp_path: Path, small_batches: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    ids = imported(example, write_csv(tmp_path, 30))
    lines = example.history(limit=6)
    assert lines[0].text.startswith("张伟 imported 30 entries from “entries.csv”")
    assert [h.text.split(" on ")[0] for h in lines[1:3]] == [
        f"张伟 imported entries {ids[28]}..{ids[29]}",
        f"张伟 imported entries {ids[21]}..{ids[27]}"]
    assert lines[1].text.endswith(": 2 entries in one batch")
    example.edit_entry(ids[9], hours="1")
    mine = example.history(f"entry:{ids[9]}")
    assert [h.text.split(" on ")[0] for h in mine] == [
        f"张伟 edited entry {ids[9]}", f"张伟 imported entry {ids[9]}"]
    assert mine[1].ref == str(ids[9]) and mine[1].entity == "entry"
    assert f"T2, 0.25 h, note “{NOTES[9 % 6]} 9”" in mine[1].text
    assert example.history(f"entry:{ids[-1] + 100}") == []
    assert main(["--db", str(example.engine.url.render_as_string(hide_password=False)),
                 "--project", CODE, "history", "--record", str(ids[0])]) == 0
    out = capsys.readouterr().out
    assert f"imported entry {ids[0]}" in out and "in one batch" not in out


def test_sqlite_sets_the_kept_sums_trigger_aside_for_a_large_import(
        sqlite_example: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "BATCH", 50)
    monkeypatch.setattr(sqlite_import, "DEFER_AT", 100)  # deferred after two batches

    def schema() -> list[tuple[str, str]]:
        with sqlite_example.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(
                "SELECT name, sql FROM sqlite_master ORDER BY name"))]

    before = schema()
    dropped: list[str] = []
    real = sqlite_import.DeferredIndexes._defer_trigger

    def spy(self: sqlite_import.DeferredIndexes) -> None:
        real(self)
        dropped.append(self.trigger or "")
    monkeypatch.setattr(sqlite_import.DeferredIndexes, "_defer_trigger", spy)
    imported(sqlite_example, write_csv(tmp_path, 400))
    assert dropped and dropped[0].startswith("CREATE TRIGGER day_sum_entry_insert")
    assert schema() == before  # the trigger and the indexes as they were
    with sqlite_example.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM day_sum_dirty")).scalar() == 0
    # the kept sums are the entries' own (verify recomputes every one) ...
    assert sqlite_example.verify()[1] == []
    # ... and the trigger is back: an entry inserted after the import marks its date
    sql(sqlite_example, "INSERT INTO time_entry (id, project_id, person_id, task_id, \"on\","
                        " minutes, grade, note) SELECT id + 1, project_id, person_id, task_id,"
                        " '2026-06-01', minutes, grade, note FROM time_entry WHERE id = "
                        "(SELECT max(id) FROM time_entry)")
    with sqlite_example.engine.connect() as conn:
        assert conn.execute(text('SELECT "on" FROM day_sum_dirty')).scalars().all() == [
            "2026-06-01"]


def test_the_admission_memo_refuses_what_the_whole_rule_refuses(example: Ledger,
                                                                 tmp_path: Path) -> None:
    """A row whose person-date and task-date passed the whole rule is admitted by the day's
    total alone; any other row goes through the whole rule: each refusal is the rule's."""
    rows = [
        "2026-03-02,zhang.wei,T1,1,first",  # the whole rule: passes
        "2026-03-02,zhang.wei,T1,1,again",  # the memo: the day's total only
        "2026-03-02,zhang.wei,T9,1,no such task",  # a new task-date: the whole rule
        "2026-03-02,zhang.wei,T1,23,too long",  # the memo: 25 h refused by the total
        "2026-03-02,liu.yang,T1,1,other person",  # a new person-date: the whole rule
        "2026-03-02,li.na,T1,1,client",  # the whole rule: the client party
        "2026-03-02,zhao.min,T1,1,no grade",  # the whole rule: no grade
        "2026-06-01,zhang.wei,T1,1,outside",  # a new person-date: outside the SOW
        "2026-03-02,zhang.wei,T2,22.5,still too long",  # a new task-date: 24.5 h refused
    ]
    path = tmp_path / "memo.csv"
    path.write_text("date,person,task,hours,note\n" + "\n".join(rows) + "\n", encoding="utf-8")
    f = open_entry_file(path)
    with pytest.raises(LedgerErrors) as caught:
        example.import_entries(f.rows, f.problems, source=f)
    problems = caught.value.problems
    assert [p.split(":")[0] for p in problems] == [
        "line 4", "line 5", "line 7", "line 8", "line 9", "line 10"]
    assert "unknown task 'T9'" in problems[0]
    assert "zhang.wei would have 25 h on 2026-03-02" in problems[1]
    assert "only vendor people log hours" in problems[2]
    assert "has no grade" in problems[3]
    assert "outside the SOW" in problems[4]
    assert "zhang.wei would have 24.5 h on 2026-03-02" in problems[5]  # the refused rows
    # do not count: 1 + 1 + 22.5
    assert example.entry_count() == 0
