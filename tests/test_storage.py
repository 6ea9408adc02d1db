"""The services on a real database: SQLite file and PostgreSQL alike."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from sqlalchemy import func, select, text

from model.errors import LedgerError, LedgerErrors
from storage.db import HEAD_REVISION, current_revision
from storage.orm import AuditEvent, TimeEntry
from storage.services import Ledger
from storage.sowfile import EntryRow, dump_sow, load_sow, parse_entry_csv, parse_sow
from tests.txcount import Statements

from .conftest import EXAMPLE_SOW, as_


def _count(led: Ledger) -> int:
    with led.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(TimeEntry)).scalar_one()


def _sign_cr_both(led: Ledger, number: str, vendor_on: str, client_on: str) -> None:
    as_(led, "zhang.wei").sign_cr(number, on=vendor_on)
    as_(led, "li.na").sign_cr(number, on=client_on)


# ---------------------------------------------------------------- schema


def test_a_new_database_is_at_the_head_revision(ledger: Ledger) -> None:
    assert current_revision(ledger.engine) == HEAD_REVISION


def test_head_revision_constant_matches_alembic() -> None:
    from alembic.script import ScriptDirectory

    from storage.db import _alembic_config

    assert ScriptDirectory.from_config(_alembic_config()).get_current_head() == HEAD_REVISION


def test_migrations_match_the_entities(ledger: Ledger) -> None:
    """Autogenerate finds nothing to do: the shipped migrations build exactly the model."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from storage.orm import Base

    with ledger.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_an_older_ledger_is_migrated_not_lost(db_url: str) -> None:
    """A ledger at the first schema (0001) keeps its data: a SQLite file is upgraded in
    place on open; a PostgreSQL database is refused until `db upgrade` (the owner's job)."""
    from sqlalchemy import inspect

    from storage.db import migrate, run_alembic

    led = Ledger.open(db_url, actor="zhang.wei")
    code = led.init_project(load_sow(EXAMPLE_SOW)).code
    led = led.for_project(code)
    led.log("T1", "8", on="2026-03-02")
    engine = led.engine
    run_alembic(engine, "downgrade", "0001")  # back to the first schema, data kept
    assert current_revision(engine) == "0001"
    if engine.dialect.name == "postgresql":
        with pytest.raises(LedgerError, match=r"^database schema is at 0001, this sowtrack "
                           rf"needs {HEAD_REVISION}: run `sowtrack db upgrade` \(as the "
                           r"database owner\)$"):
            Ledger.open(db_url, code, "zhang.wei")
        assert current_revision(engine) == "0001"  # refused, not touched
        assert migrate(engine, upgrade=True) == ("0001", HEAD_REVISION)
    engine.dispose()
    reopened = Ledger.open(db_url, code, "zhang.wei")
    assert current_revision(reopened.engine) == HEAD_REVISION
    indexes = {ix["name"] for ix in inspect(reopened.engine).get_indexes("time_entry")}
    assert "ix_time_entry_person_on" in indexes
    assert [e.minutes for e in reopened.entries()] == [480]
    assert reopened.verify()[1] == []
    reopened.engine.dispose()


# ---------------------------------------------------------------- SOW round trip


def test_sow_round_trips_through_the_database(example: Ledger) -> None:
    spec = load_sow(EXAMPLE_SOW)
    exported = example.export_sow()
    assert exported == spec
    assert parse_sow(dump_sow(exported)) == spec


def test_seven_and_a_half_hour_days(ledger: Ledger) -> None:
    text_ = EXAMPLE_SOW.read_text(encoding="utf-8").replace("hours_per_day = 8",
                                                           "hours_per_day = 7.5")
    spec = parse_sow(text_)
    assert spec.minutes_per_day == 450
    led = ledger.for_project(ledger.init_project(spec).code).acting_as("liu.yang")
    led.log("T2", "7.5", on="2026-03-02")
    led.log("T2", "9", on="2026-03-03")
    led.log("T2", "2", on="2026-03-07")  # Saturday
    s = led.summary("2026-03-10")
    # 7.5 + 9 + 2 = 18.5 h = 1110 min / 450 = 37/15 PD = 2.4666..
    assert s.consumed_pd == Fraction(1110, 450)
    # overtime: 1.5 h on 03-03 + 2 h on Saturday = 210 min = 7/15 PD
    assert s.overtime_pd == Fraction(210, 450)
    assert s.to_json()["consumed_pd"] == 2.467
    assert parse_sow(dump_sow(led.export_sow())).minutes_per_day == 450


# ---------------------------------------------------------------- entries


def test_an_entry_is_charged_at_the_grade_held_when_recorded(example: Ledger) -> None:
    led = as_(example, "wang.fang")
    led.log("T1", "8", on="2026-03-02")
    example.change_grade("wang.fang", "senior")
    led.log("T1", "8", on="2026-03-03")
    assert [e.grade for e in led.entries()] == ["intermediate", "senior"]
    s = led.summary("2026-03-03")
    by = {g.grade: g.consumed_pd for g in s.by_grade}
    assert by["intermediate"] == 1 and by["senior"] == 1
    # 1 PD x 1800 + 1 PD x 2800
    assert s.consumed_cost == 4600


def test_a_day_holds_at_most_24_hours(example: Ledger) -> None:
    led = as_(example, "liu.yang")
    led.log("T2", "16", on="2026-03-02")
    led.log("T3", "8", on="2026-03-02")
    with pytest.raises(LedgerError, match="^hours: .*24 h"):
        led.log("T2", "0.25", on="2026-03-02")
    assert _count(example) == 2


def test_edit_and_delete_an_entry(example: Ledger) -> None:
    led = as_(example, "liu.yang")
    e = led.log("T2", "8", on="2026-03-02")
    edited = led.edit_entry(e.id, hours="6.5", note="fixed", task="T3")
    assert (edited.minutes, edited.note, edited.task) == (390, "fixed", "T3")
    with pytest.raises(LedgerError, match="^date: 2026-06-01 is outside the SOW"):
        led.edit_entry(e.id, on="2026-06-01")
    assert led.entries()[0].on == date(2026, 3, 2)
    led.delete_entry(e.id)
    assert led.entries() == []
    assert led.verify()[1] == []


def test_a_signed_period_locks_its_entries(example: Ledger) -> None:
    inside = as_(example, "liu.yang").log("T2", "8", on="2026-03-10")
    outside = as_(example, "liu.yang").log("T2", "8", on="2026-04-01")
    view = as_(example, "zhang.wei").sign_period("2026-03-01", "2026-03-31", on="2026-04-02")
    assert (view.number, view.status) == ("TS-001", "signing")
    # Frozen from its first signature: its content is what the client will sign.
    with pytest.raises(LedgerError, match="TS-001"):
        as_(example, "liu.yang").log("T2", "1", on="2026-03-11")
    view = as_(example, "li.na").sign_period("2026-03-01", "2026-03-31", on="2026-04-03")
    assert (view.status, view.effective_on) == ("effective", date(2026, 4, 3))
    for attempt in (lambda: example.edit_entry(inside.id, hours="7"),
                    lambda: example.delete_entry(inside.id),
                    lambda: example.edit_entry(outside.id, on="2026-03-12"),
                    lambda: as_(example, "liu.yang").log("T2", "1", on="2026-03-31")):
        with pytest.raises(LedgerError, match="TS-001"):
            attempt()
    rows = [EntryRow(2, "2026-03-20", "liu.yang", "T2", "4", ""),
            EntryRow(3, "2026-04-20", "liu.yang", "T2", "4", "")]
    with pytest.raises(LedgerErrors, match=r"^line 2: date: 2026-03-20 lies in period "
                                           r"TS-001 \(2026-03-01\.\.2026-03-31\), "
                                           r"which is signed$") as info:
        example.import_entries(rows)
    assert info.value.problems == ["line 2: date: 2026-03-20 lies in period TS-001 "
                                   "(2026-03-01..2026-03-31), which is signed"]
    assert _count(example) == 2
    example.edit_entry(outside.id, hours="7")  # outside the period: fine


def test_a_period_cannot_overlap_another(example: Ledger) -> None:
    as_(example, "zhang.wei").sign_period("2026-03-01", "2026-03-31")
    with pytest.raises(LedgerError, match="overlaps period TS-001"):
        as_(example, "zhang.wei").sign_period("2026-03-15", "2026-04-15")


def test_an_engineer_cannot_sign_a_period(example: Ledger) -> None:
    with pytest.raises(LedgerError, match=r"^actor: liu.yang \(vendor engineer\) may not sign"):
        as_(example, "liu.yang").sign_period("2026-03-01", "2026-03-31")


def test_acceptance_makes_the_project_read_only(example: Ledger) -> None:
    as_(example, "liu.yang").log("T2", "8", on="2026-03-02")
    first = as_(example, "zhao.min").sign_acceptance(on="2026-05-29")
    assert first.status == "signing"
    with pytest.raises(LedgerError, match="frozen"):
        as_(example, "liu.yang").log("T2", "8", on="2026-03-03")
    done = as_(example, "li.na").sign_acceptance(on="2026-06-01")
    assert (done.status, done.effective_on) == ("effective", date(2026, 6, 1))
    assert example.project().accepted_on == date(2026, 6, 1)
    writes = [lambda: as_(example, "liu.yang").log("T2", "8", on="2026-03-03"),
              lambda: example.add_blocker("x", "client", on="2026-03-03"),
              lambda: example.new_cr("x"),
              lambda: example.use_quota("research-meetings"),
              lambda: example.change_grade("liu.yang", "expert"),
              lambda: as_(example, "zhang.wei").sign_period("2026-03-01", "2026-03-31"),
              lambda: as_(example, "zhang.wei").sign_acceptance()]
    for write in writes:
        with pytest.raises(LedgerError, match="read-only"):
            write()
    assert example.summary("2026-06-01").consumed_pd == 1


def test_acceptance_can_be_withdrawn_before_the_client_signs(example: Ledger) -> None:
    as_(example, "zhang.wei").sign_acceptance(on="2026-05-29")
    as_(example, "zhang.wei").withdraw_signoff("ACC-001")
    as_(example, "liu.yang").log("T2", "8", on="2026-03-02")  # writable again
    again = as_(example, "zhang.wei").sign_acceptance(on="2026-06-01")
    assert (again.number, again.status) == ("ACC-002", "signing")
    assert [(s.person, s.on) for s in again.signatures] == [("zhang.wei", date(2026, 6, 1))]
    assert [(v.number, v.status) for v in example.signoffs()] == [
        ("ACC-001", "withdrawn"), ("ACC-002", "signing")]


# ---------------------------------------------------------------- change requests


def test_a_cr_takes_effect_on_its_second_signature(example: Ledger) -> None:
    cr = example.new_cr("More senior time", deltas={"senior": "5"}, on="2026-03-04")
    assert cr.number == "CR-001" and cr.status == "open"
    after_vendor = as_(example, "zhang.wei").sign_cr("CR-001", on="2026-03-05")
    assert after_vendor.status == "signing"
    assert example.summary("2026-03-10").budget_pd == 90
    after_client = as_(example, "li.na").sign_cr("CR-001", on="2026-03-06")
    assert (after_client.status, after_client.effective_on) == ("effective", date(2026, 3, 6))
    assert example.summary("2026-03-05").budget_pd == 90
    assert example.summary("2026-03-06").budget_pd == 95
    assert len({s.digest for s in after_client.signatures}) == 1


def test_a_signed_cr_is_frozen_and_a_withdrawn_one_cannot_be_signed(example: Ledger) -> None:
    example.new_cr("A", deltas={"expert": "3"}, on="2026-03-09")
    example.edit_cr("CR-001", deltas={"expert": "4"})  # unsigned: editable
    as_(example, "zhao.min").sign_cr("CR-001", on="2026-03-10")
    with pytest.raises(LedgerError, match="^deltas: CR-001 carries a signature; .*frozen"):
        example.edit_cr("CR-001", deltas={"expert": "5"})
    example.withdraw_cr("CR-001")
    with pytest.raises(LedgerError, match="withdrawn"):
        as_(example, "li.na").sign_cr("CR-001", on="2026-03-11")
    assert example.summary("2026-03-20").budget_pd == 90
    assert example.change_request("CR-001").deltas == (("expert", 4000),)


def test_an_effective_cr_cannot_be_withdrawn(example: Ledger) -> None:
    example.new_cr("A", deltas={"expert": "3"}, on="2026-03-09")
    _sign_cr_both(example, "CR-001", "2026-03-09", "2026-03-10")
    with pytest.raises(LedgerError, match="cannot be withdrawn"):
        example.withdraw_cr("CR-001")


def test_a_cr_new_end_moves_the_end_and_the_entry_window(example: Ledger) -> None:
    led = as_(example, "liu.yang")
    with pytest.raises(LedgerError, match="outside the SOW"):
        led.log("T2", "8", on="2026-06-02")
    example.new_cr("Two more weeks", new_end="2026-06-12", deltas={"senior": 10},
                   on="2026-05-20")
    _sign_cr_both(example, "CR-001", "2026-05-21", "2026-05-22")
    led.log("T2", "8", on="2026-06-02")
    s = example.summary("2026-06-02")
    assert s.end == date(2026, 6, 12)
    assert s.working_days_total == 62 + 10
    assert len(example.burndown("2026-06-02")) == 72


# ---------------------------------------------------------------- quotas, blockers


def test_quota_limit_follows_effective_crs(example: Ledger) -> None:
    for day in ("2026-03-02", "2026-03-03", "2026-03-04"):
        example.use_quota("research-meetings", on=day)
    with pytest.raises(LedgerError, match="limit is 3"):
        example.use_quota("research-meetings", on="2026-03-05")
    example.new_cr("One more meeting", quota_deltas={"research-meetings": 1}, on="2026-03-05")
    _sign_cr_both(example, "CR-001", "2026-03-05", "2026-03-06")
    with pytest.raises(LedgerError, match="limit is 3 on 2026-03-05"):
        example.use_quota("research-meetings", on="2026-03-05")
    assert example.use_quota("research-meetings", on="2026-03-06").used == 4
    assert {q.key: (q.used, q.limit) for q in example.quotas(date(2026, 3, 10))}[
        "research-meetings"] == (4, 4)


def test_blocker_ids_and_resolution(example: Ledger) -> None:
    assert example.add_blocker("VPN", "client", on="2026-03-03").number == "B-001"
    assert example.add_blocker("Laptop", "vendor", on="2026-03-04").number == "B-002"
    b = example.resolve_blocker("b-001", on="2026-03-09")
    # 03-03, 03-04, 03-05, 03-06 (the weekend does not count; 03-09 is the day it was solved)
    assert b.age_days == 4
    with pytest.raises(LedgerError, match="already resolved"):
        example.resolve_blocker("B-001", on="2026-03-10")
    assert example.summary("2026-03-10").blocked_days == {"client": 4, "vendor": 5}


# ---------------------------------------------------------------- import


def test_import_is_all_or_nothing(example: Ledger) -> None:
    rows, problems = parse_entry_csv(
        "date,person,task,hours,note\n"
        "2026-03-02,liu.yang,T2,8,ok\n"
        "2026-03-02,nobody,T2,8,bad person\n"
        "2026-03-02,liu.yang,T2,8,ok\n"
        "2026-03-02,liu.yang,T2,9,over 24 h with the two rows above\n"
        "2026-13-02,liu.yang,T2,8,bad date\n"
        "2026-03-03,li.na,T2,8,client\n"
        "2026-03-03,liu.yang,T2\n")
    with pytest.raises(LedgerErrors, match=r"^line 3: ") as info:
        example.import_entries(rows, problems)
    assert [p.split(":")[0] for p in info.value.problems] == [
        "line 3", "line 5", "line 6", "line 7", "line 8"]
    assert _count(example) == 0
    with example.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == 1


# ---------------------------------------------------------------- audit and verify


def _tamper(led: Ledger, sql: str) -> None:
    with led.engine.begin() as conn:
        conn.execute(text(sql))


@pytest.fixture
def signed(example: Ledger) -> Ledger:
    led = as_(example, "liu.yang")
    led.log("T2", "8", on="2026-03-02")
    led.log("T2", "8", on="2026-03-03")
    example.new_cr("A", deltas={"senior": 5}, on="2026-03-04")
    _sign_cr_both(example, "CR-001", "2026-03-05", "2026-03-06")
    assert example.verify()[1] == []
    return example


def test_verify_names_an_entry_edited_with_sql(signed: Ledger) -> None:
    entry = signed.entries()[1]
    _tamper(signed, f"UPDATE time_entry SET minutes = 600 WHERE id = {entry.id}")
    problems = signed.verify()[1]
    assert problems == [f"CLAIMS-AGENT-2026 entry {entry.id}: differs from its last audit row "
                        f"(edited behind the program's back): minutes was 480, is 600"]


def test_verify_names_people_tasks_and_rates_edited_with_sql(signed: Ledger) -> None:
    """The permission matrix rests on a person's party and role: an engineer who makes
    himself lead with SQL is named, as are a grade, a day rate and a task's estimate.
    Changes made through the program (a grade, an allocation) are not."""
    signed.change_grade("wang.fang", "senior")
    signed.set_allocation("T2", "liu.yang", "12")
    assert signed.verify()[1] == []
    _tamper(signed, "UPDATE person SET role = 'lead' WHERE key = 'liu.yang'")
    _tamper(signed, "UPDATE person SET grade = 'expert' WHERE key = 'wang.fang'")
    _tamper(signed, "UPDATE rate SET day_rate_minor = day_rate_minor + 100 "
                    "WHERE grade = 'senior'")
    _tamper(signed, "UPDATE task SET estimate_milli = 1000 WHERE code = 'T3'")
    edited = "differs from the SOW and its audit rows (edited behind the program's back)"
    code = "CLAIMS-AGENT-2026"
    assert signed.verify()[1] == [
        f"{code} rate senior: {edited}: day_rate_minor was 280000, is 280100",
        f"{code} person liu.yang: {edited}: role was engineer, is lead",
        f"{code} person wang.fang: {edited}: grade was senior, is expert",
        f"{code} task T3: {edited}: estimate_milli was 24000, is 1000",
    ]


def test_verify_names_a_cr_delta_edited_with_sql(signed: Ledger) -> None:
    _tamper(signed, "UPDATE change_delta SET pd_milli = 50000")
    problems = signed.verify()[1]
    assert "CLAIMS-AGENT-2026 CR-001: differs from its last audit row (edited behind the " \
           "program's back): deltas was [[\"senior\",5000]], is [[\"senior\",50000]]" in problems
    assert any("CR-001 signature of li.na: the document no longer matches" in p
               for p in problems)


def test_verify_names_a_signature_edited_with_sql(signed: Ledger) -> None:
    _tamper(signed, "UPDATE signature SET signed_on = '2026-03-01' WHERE party = 'client'")
    assert signed.verify()[1] == ["CLAIMS-AGENT-2026 CR-001 signature of li.na: differs from "
                                  "its last audit row (edited behind the program's back): "
                                  "on was 2026-03-06, is 2026-03-01"]


def test_verify_names_an_edited_or_removed_audit_row(signed: Ledger) -> None:
    _tamper(signed, "UPDATE audit_event SET actor = 'mallory' WHERE id = 2")
    assert signed.verify()[1] == ["audit row 2: content was edited (log entry 1)"]
    _tamper(signed, "UPDATE audit_event SET actor = 'liu.yang' WHERE id = 2")
    assert signed.verify()[1] == []
    _tamper(signed, "DELETE FROM audit_event WHERE id = 3")
    assert signed.verify()[1][0] == ("audit row 4: does not follow the previous row (a row was "
                                     "removed or reordered)")


def test_verify_notices_an_entry_deleted_with_sql(signed: Ledger) -> None:
    entry = signed.entries()[0]
    _tamper(signed, f"DELETE FROM time_entry WHERE id = {entry.id}")
    assert signed.verify()[1] == [f"CLAIMS-AGENT-2026 entry {entry.id}: deleted behind the "
                                  f"program's back"]


# ---------------------------------------------------------------- demo


def test_the_demo_is_what_the_issue_asks_for(ledger: Ledger) -> None:
    from storage.demo import DEMO_CODE, build_demo

    assert build_demo(ledger, "2026-11-21") == (DEMO_CODE, True)
    assert build_demo(ledger, "2026-11-21") == (DEMO_CODE, False)
    led = Ledger(ledger.engine, DEMO_CODE)
    people = led.people()
    assert {p.grade for p in people if p.grade} == {
        "junior", "intermediate", "senior", "expert", "senior_expert"}
    entries = led.entries()
    assert (entries[-1].on - entries[0].on).days >= 85  # three months
    s = led.summary("2026-11-21")
    assert s.overtime_pd > 0
    facts = led.facts()
    makeup = next(iter(facts.calendar.workdays))
    assert makeup.weekday() >= 5 and any(e.on == makeup for e in entries)  # 调休
    blockers = led.blockers()
    assert sum(b.party == "client" for b in blockers) == 1
    # the project's life (SPEC §9): the late test environment is the other client blocker
    assert [(b.number, b.party, b.age_days) for b in led.obligation_blockers()] == [
        ("ENV-ACCESS", "client", 4)]
    wu = next(p for p in people if p.key == "wu.lei")
    assert (wu.replaces, wu.grade) == ("sun.lei", "senior")
    assert max(e.on for e in entries if e.person == "sun.lei") < wu.first_day
    assert min(e.on for e in entries if e.person == "wu.lei") >= wu.first_day
    assert [d.key for d in led.deliverables() if d.training] == ["KT"]
    assert any(p.away for p in people)
    crs = {c.number: c.status for c in led.change_requests()}
    assert crs == {"CR-001": "effective", "CR-002": "signing"}
    assert {s.party for s in led.change_request("CR-002").signatures} == {"vendor"}
    assert any(q.used for q in led.quotas())
    periods = [v for v in led.signoffs() if v.kind == "period"]
    assert [p.status for p in periods] == ["effective"]
    assert (periods[0].first.day, (periods[0].last.month != (periods[0].last.replace(
        day=periods[0].last.day) + __import__("datetime").timedelta(days=1)).month)) == (1, True)
    assert led.verify()[1] == []


# ---------------------------------------------------------------- concurrency


def _log_many(url: str, person: str, n: int) -> list[str]:
    led = Ledger.open(url, "CLAIMS-AGENT-2026", person)
    errors = []
    for i in range(n):
        try:
            led.log("T2", "0.25", on=date(2026, 3, 2) + __import__("datetime").timedelta(
                days=i % 50))
        except Exception as exc:  # noqa: BLE001 - any error here is a failure of the test
            errors.append(f"{type(exc).__name__}: {exc}")
    led.engine.dispose()
    return errors


def test_processes_logging_at_once_lose_nothing(example: Ledger, db_url: str) -> None:
    import multiprocessing

    people = ["zhang.wei", "chen.jing", "liu.yang", "wang.fang"]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(len(people)) as pool:
        results = pool.starmap(_log_many, [(db_url, p, 25) for p in people])
    assert results == [[]] * len(people)
    assert _count(example) == 100
    count, problems = example.verify()
    assert problems == [] and count == 101  # init + 100 entries, one unbroken chain


# ---------------------------------------------------------------- tasks


def test_tasks_and_allocations(example: Ledger) -> None:
    t = example.add_task("T5", "Hand-over", "10", "low", ["liu.yang"])
    assert (t.code, t.estimate_milli, t.assignees) == ("T5", 10_000, (("liu.yang", None),))
    t = example.set_allocation("T5", "liu.yang", "6.5")
    t = example.set_allocation("T5", "wang.fang", "2")
    assert t.assignees == (("liu.yang", 6500), ("wang.fang", 2000)) and t.allocated_milli == 8500
    with pytest.raises(LedgerError, match="person: zhao.min is not a vendor person with a grade"):
        example.set_allocation("T5", "zhao.min", "1")
    with pytest.raises(LedgerError, match="person: chen.jing is not assigned to T5"):
        example.set_allocation("T5", "chen.jing", None)
    assert example.set_allocation("T5", "wang.fang", None).assignees == (("liu.yang", 6500),)
    with pytest.raises(LedgerError, match="code: a task 'T5' already exists"):
        example.add_task("T5", "again", "1")
    as_(example, "liu.yang").log("T5", "4", on="2026-03-02")
    edited = example.edit_task("T5", status="in_progress", estimate="12.5")
    assert (edited.status, edited.estimate_milli, edited.consumed_minutes) == (
        "in_progress", 12_500, 240)
    with pytest.raises(LedgerError, match="status: 'later' is not one of"):
        example.edit_task("T5", status="later")
    assert example.verify()[1] == []


def test_the_acceptance_content_covers_what_the_report_prints(example: Ledger) -> None:
    """Blockers, deliverables and the end date are on the acceptance report: a change to
    any of them changes the digest its signatures (and the printed report) carry."""
    from model.rules import digest

    seen = {digest(example.acceptance_content())}
    example.add_blocker("VPN", "client", on="2026-03-03")
    seen.add(digest(example.acceptance_content()))
    example.edit_task("T1", estimate="7")
    seen.add(digest(example.acceptance_content()))
    example.new_cr("Later end", new_end="2026-06-12", on="2026-03-04")
    _sign_cr_both(example, "CR-001", "2026-03-05", "2026-03-06")
    seen.add(digest(example.acceptance_content()))
    assert len(seen) == 4


def test_text_with_a_nul_is_refused_naming_the_field(example: Ledger) -> None:
    """PostgreSQL cannot store a NUL; the app's forms can type one. One line, nothing written."""
    with pytest.raises(LedgerError, match=r"^note: contains a NUL character$"):
        example.log("T2", "2", on="2026-03-02", person="liu.yang", note="a\x00b")
    with pytest.raises(LedgerError, match=r"^title: contains a NUL character$"):
        example.add_blocker("VPN\x00", "client", on="2026-03-02")
    e = example.log("T2", "2", on="2026-03-02", person="liu.yang", note="fine")
    with pytest.raises(LedgerError, match=r"^note: contains a NUL character$"):
        example.edit_entry(e.id, note="x\x00")
    assert [x.note for x in example.entries()] == ["fine"]
    assert example.blockers() == []
    assert example.verify()[1] == []


def test_figures_kept_between_reads_follow_every_change(example: Ledger) -> None:
    """The summary's facts are kept while the ledger is unchanged (the sums per date are
    read once); a change made through another Ledger (another process, another
    engineer) is seen at the next read."""
    # the statements that read the sums kept per date, as the database got them
    with Statements(example.engine, "day_sum.minutes") as sums:
        grouped = sums.seen
        other = as_(example, "liu.yang")
        first = example.summary("2026-03-31")
        assert len(grouped) == 1
        assert example.summary("2026-03-31") == first  # served again, unchanged ledger
        assert example.summary("2026-04-30").budget_pd == first.budget_pd  # another day too
        assert len(grouped) == 1, "the facts were read again from an unchanged ledger"
        other.log("T2", "8", on="2026-03-02")
        assert example.summary("2026-03-31").consumed_pd == first.consumed_pd + 1
        assert len(grouped) == 2
        example.new_cr("More", deltas={"senior": 5}, on="2026-03-03")
        _sign_cr_both(example, "CR-001", "2026-03-04", "2026-03-05")
        assert example.summary("2026-03-31").budget_pd == first.budget_pd + 5
