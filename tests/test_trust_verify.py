"""SPEC §7 "Every record is covered" and "The chain's head leaves the database".

Each attack of issue 9 that `verify` once let through is reproduced here with plain
SQL on SQLite and PostgreSQL, and must now be named. The ledger is the worked
example carried to its end: entries, an effective and a pending CR, a blocker,
quota uses, a dual-signed period and a dual-signed acceptance.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import text

from storage import witness
from storage.services import Ledger
from tests.conftest import as_

CODE = "CLAIMS-AGENT-2026"


def sql(led: Ledger, statement: str) -> None:
    """An edit behind the program's back: its own connection, committed."""
    with led.engine.begin() as conn:
        conn.execute(text(statement))


def build(led: Ledger, *, accept: bool = True) -> Ledger:
    eng = as_(led, "liu.yang")
    for day in ("2026-03-02", "2026-03-03", "2026-03-04", "2026-03-09"):
        eng.log("T2", "8", on=day, note=f"work {day}")
    lead, client, vendor_sig = as_(led, "zhang.wei"), as_(led, "li.na"), as_(led, "zhao.min")
    lead.new_cr("Fraud hints", deltas={"senior": 5}, quota_deltas={"prompt-rounds": 1},
                on="2026-03-04")
    lead.sign_cr("CR-001", on="2026-03-05")
    client.sign_cr("CR-001", on="2026-03-06")
    lead.new_cr("Second OCR engine", deltas={"expert": 3}, on="2026-03-09")
    vendor_sig.sign_cr("CR-002", on="2026-03-10")
    lead.add_blocker("Test environment access not granted", "client", on="2026-03-03")
    lead.resolve_blocker("B-001", on="2026-03-05")
    lead.use_quota("research-meetings", on="2026-03-02")
    lead.use_quota("prompt-rounds", on="2026-03-05")
    lead.add_task("T9", "Knowledge transfer", "2", assignees=["liu.yang"])
    lead.set_allocation("T9", "liu.yang", "1.5")
    lead.change_grade("wang.fang", "senior")
    lead.sign_period("2026-03-02", "2026-03-08", on="2026-03-09")
    client.sign_period("2026-03-02", "2026-03-08", on="2026-03-10")
    if accept:
        lead.sign_acceptance(on="2026-06-01")
        client.sign_acceptance(on="2026-06-02")
    assert led.verify()[1] == []
    return led


@pytest.fixture
def done(example: Ledger) -> Ledger:
    return build(example)


def problems(led: Ledger) -> list[str]:
    return led.verify()[1]


def test_a_dual_signed_period_set_to_withdrawn_is_named(done: Ledger) -> None:
    sql(done, "UPDATE period SET status = 'withdrawn' WHERE number = 'TS-001'")
    assert problems(done) == [
        f"{CODE} TS-001: differs from its last audit row (edited behind the program's back): "
        f"status was effective, is withdrawn",
        # what follows from it: the acceptance lists the signed periods
        f"{CODE} ACC-001 signature of zhang.wei: the document no longer matches what was "
        f"signed on 2026-06-01",
        f"{CODE} ACC-001 signature of li.na: the document no longer matches what was "
        f"signed on 2026-06-02"]


def test_the_acceptance_withdrawn_is_named(done: Ledger) -> None:
    sql(done, "UPDATE acceptance SET status = 'withdrawn', effective_on = NULL")
    sql(done, "UPDATE project SET accepted_on = NULL")
    found = problems(done)
    assert (f"{CODE}: differs from the SOW and its audit rows (edited behind the program's "
            f"back): accepted_on was 2026-06-02, is null") in found
    assert (f"{CODE} ACC-001: differs from its last audit row (edited behind the program's "
            f"back): effective_on was 2026-06-02, is null; status was effective, is "
            f"withdrawn") in found


def test_a_client_signature_deleted_is_named(done: Ledger) -> None:
    sql(done, "DELETE FROM signature WHERE doc_kind = 'cr' AND person_id = "
              "(SELECT id FROM person WHERE key = 'li.na')")
    assert problems(done) == [f"{CODE} CR-001 signature of li.na: deleted behind the "
                              f"program's back"]


def test_a_whole_effective_cr_deleted_is_named(done: Ledger) -> None:
    assert done.summary("2026-03-10").budget_pd == 95
    sql(done, "DELETE FROM signature WHERE doc_kind = 'cr' AND doc_id = "
              "(SELECT id FROM change_request WHERE number = 'CR-001')")
    sql(done, "DELETE FROM change_request WHERE number = 'CR-001'")
    fresh = Ledger(done.engine, done.project_code)  # a new process: no cached figures
    assert fresh.summary("2026-03-10").budget_pd == 90  # what the attack gained
    found = problems(done)
    assert f"{CODE} CR-001: deleted behind the program's back" in found
    assert f"{CODE} CR-001 signature of li.na: deleted behind the program's back" in found
    assert f"{CODE} CR-001 signature of zhang.wei: deleted behind the program's back" in found


def test_a_blocker_deleted_is_named(done: Ledger) -> None:
    sql(done, "DELETE FROM blocker")
    found = problems(done)
    assert found[0] == f"{CODE} B-001: deleted behind the program's back"
    assert found[1:] == [  # the acceptance covers the blockers
        f"{CODE} ACC-001 signature of {who}: the document no longer matches what was signed "
        f"on {on}" for who, on in (("zhang.wei", "2026-06-01"), ("li.na", "2026-06-02"))]


def test_quota_uses_changed_or_deleted_are_named(done: Ledger) -> None:
    sql(done, "UPDATE quota_use SET n = 3 WHERE quota_id = "
              "(SELECT id FROM quota WHERE key = 'research-meetings')")
    sql(done, "DELETE FROM quota_use WHERE quota_id = "
              "(SELECT id FROM quota WHERE key = 'prompt-rounds')")
    found = problems(done)
    assert len(found) == 4  # the two uses, then the acceptance's signatures (it covers them)
    assert any(re.fullmatch(rf"{CODE} quota use research-meetings/\d+: differs from its last "
                            r"audit row \(edited behind the program's back\): n was 1, is 3",
                            line) for line in found[:2])
    assert any(re.fullmatch(rf"{CODE} quota use prompt-rounds/\d+: deleted behind the "
                            r"program's back", line) for line in found[:2])
    assert all("ACC-001 signature of" in line for line in found[2:])


def test_a_record_added_with_sql_is_named(done: Ledger) -> None:
    sql(done, "INSERT INTO calendar_day (project_id, \"on\", kind) "
              "SELECT id, '2026-04-15', 'holiday' FROM project")
    assert problems(done) == [f"{CODE} calendar 2026-04-15: not in the audit log (added "
                              f"behind the program's back)"]


def test_the_newest_audit_rows_deleted_with_their_records_are_found(example: Ledger) -> None:
    """The attack: the newest rows go together with what they describe; the chain that
    is left is well formed, and every record matches it. The witness still knows."""
    led = build(example, accept=False)
    as_(led, "liu.yang").log("T2", "4", on="2026-03-10", note="to be erased")
    newest = led.entries()[-1]
    assert newest.note == "to be erased"
    with led.engine.begin() as conn:
        top = conn.execute(text("SELECT max(id) FROM audit_event")).scalar()
        conn.execute(text(f"DELETE FROM time_entry WHERE id = {newest.id}"))
        conn.execute(text(f"DELETE FROM audit_event WHERE id = {top}"))
    assert problems(led) == [
        f"audit log: the chain ends at audit row {top - 1}, before the head witnessed in "
        f"{_where(led)} (audit row {top} ({_witnessed(led).hash[:12]}…)): its newest rows "
        f"were removed"]


def test_an_audit_row_rewritten_at_the_witnessed_head_is_found(done: Ledger) -> None:
    """Rewriting the newest row with a well-formed hash of its own still differs from
    the witnessed hash."""
    from sqlalchemy import select

    from storage.audit import row_hash
    from storage.db import reading
    from storage.orm import AuditEvent

    with reading(done.engine) as s:
        row = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    forged = row_hash(row.prev_hash, row.project_code, row.at, "zhao.min", row.action,
                      row.entity, row.ref, row.before, row.after)
    sql(done, f"UPDATE audit_event SET actor = 'zhao.min', hash = '{forged}' WHERE id = {row.id}")
    assert problems(done) == [
        f"audit row {row.id}: its hash is not the one witnessed in {_where(done)} "
        f"(audit row {row.id} ({row.hash[:12]}…)): the chain was rewritten"]


def _witnessed(led: Ledger) -> witness.Head:
    from storage.db import reading

    with reading(led.engine) as s:
        head, _ = witness.read(led.engine, s)
    assert head is not None
    return head


def _where(led: Ledger) -> str:
    path = witness.sqlite_path(led.engine)
    return path.name if path is not None else "audit_witness"


def test_the_witness_follows_every_write_and_only_writes(example: Ledger) -> None:
    from storage.audit import chain_head
    from storage.db import reading

    def head() -> tuple[int, str]:
        with reading(example.engine) as s:
            h = chain_head(s)
        assert h is not None
        return h

    as_(example, "liu.yang").log("T2", "8", on="2026-03-02")
    assert (_witnessed(example).audit_id, _witnessed(example).hash) == head()
    before = _witnessed(example)
    example.summary("2026-03-10")
    example.verify()
    assert _witnessed(example) == before  # reading moves nothing
    example.add_blocker("VPN down", "client", on="2026-03-03")
    assert (_witnessed(example).audit_id, _witnessed(example).hash) == head()
    assert _witnessed(example).audit_id > before.audit_id


def test_the_sqlite_witness_never_moves_back_and_ignores_a_planted_link(tmp_path: Path) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{tmp_path / 'ledger.db'}")
    path = witness.sqlite_path(engine)
    assert path == tmp_path / "ledger.db.head"
    witness.after_commit(engine, witness.Head(7, "b" * 64))
    witness.after_commit(engine, witness.Head(5, "a" * 64))  # a slower writer, committed earlier
    assert path.read_text() == f"sowtrack audit head 7 {'b' * 64}\n"
    path.unlink()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    path.symlink_to(victim)
    witness.after_commit(engine, witness.Head(8, "c" * 64))  # O_NOFOLLOW: not written through
    assert victim.read_text() == "keep me"


def test_a_writer_from_before_a_restore_cannot_move_its_witness(sqlite_example: Ledger
                                                                 ) -> None:
    """A restore sets the witness back in a new epoch. A writer that committed before it
    (its rows since removed by the restore) and writes the witness after it must not put
    the witness ahead of the restored chain: verify would report the chain's newest rows
    removed (seen once in test_backup's restore-while-logging, under load)."""
    from storage.audit import chain_head
    from storage.db import reading

    engine = sqlite_example.engine
    path = witness.sqlite_path(engine)
    assert path is not None
    with reading(engine) as s:
        head = chain_head(s)
    assert head is not None
    late = witness.Head(head[0] + 200, "d" * 64, witness._epoch(path))  # read before
    witness.write_file(engine, head)  # the restore, back to the chain's head
    restored = witness._parse(path.read_text())
    assert restored is not None and restored.epoch and restored.audit_id == head[0]
    witness.after_commit(engine, late)  # the late writer: dropped
    assert witness._parse(path.read_text()) == restored
    assert sqlite_example.verify()[1] == []
    # writers after the restore read its epoch, and move the witness on as before
    as_(sqlite_example, "liu.yang").log("T2", "8", on="2026-03-02")
    moved = witness._parse(path.read_text())
    assert moved is not None and moved.epoch == restored.epoch
    assert moved.audit_id > restored.audit_id
    assert sqlite_example.verify()[1] == []
