"""The figures summed in SQL (storage/figures.py) equal the rules' own definition
(model.rules.day_sums, overtime_of_day) on random ledgers, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, insert, select, update

from model import rules
from model.errors import LedgerError
from storage.figures import daily_sums, stored_sum_problems
from storage.orm import DaySum, DaySumDirty, Person, Project, Task, TimeEntry
from storage.services import Ledger

START, END = date(2026, 3, 2), date(2026, 5, 29)
# the example's people; "principal" is on no ladder (the query's second pass)
PEOPLE = ["zhang.wei", "chen.jing", "liu.yang", "wang.fang"]
GRADES = ["senior_expert", "expert", "senior", "intermediate", "junior", "principal"]

entries = st.lists(st.tuples(
    st.sampled_from(PEOPLE),
    st.sampled_from(GRADES),
    # weekends, the example's holidays (2026-04-06, 05-01..05) and its make-up day 05-09
    st.integers(min_value=0, max_value=(END - START).days).map(
        lambda n: START + timedelta(days=n)),
    st.sampled_from([1, 30, 59, 60, 240, 420, 479, 480, 481, 600, 900, 1440]),
), max_size=40)

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _load(led: Ledger, rows: list[tuple[str, str, date, int]]) -> list[rules.DayTotal]:
    """Replace the project's entries by ``rows`` (straight into the table, as a bulk load
    would: the rules' admission is not what is tested) and return them as day totals."""
    with led.engine.begin() as conn:
        project_id = conn.execute(select(Project.id)).scalar_one()
        ids = dict(conn.execute(select(Person.key, Person.id)).all())
        task = conn.execute(select(Task.id).limit(1)).scalar_one()
        conn.execute(delete(TimeEntry))
        if rows:
            conn.execute(insert(TimeEntry), [
                {"project_id": project_id, "person_id": ids[p], "task_id": task, "on": on,
                 "minutes": m, "grade": g, "note": ""} for p, g, on, m in rows])
    return [rules.DayTotal(on, p, g, m) for p, g, on, m in rows]


@SETTINGS
@given(rows=entries, as_of_days=st.integers(min_value=-1, max_value=(END - START).days + 1))
def test_the_sums_in_sql_equal_the_rules(example: Ledger, rows, as_of_days: int) -> None:
    totals = _load(example, rows)
    fresh = Ledger(example.engine, example.project_code)  # no figures kept from before
    with fresh._reading() as s:
        project_id = s.execute(select(Project.id)).scalar_one()
        # the ladder's grades as the app passes them; "principal" only by the second pass
        got = daily_sums(s, project_id, GRADES[:5])
    assert tuple(got) == rules.day_sums(totals, 480)

    facts = fresh.facts()
    by_rule = rules.LedgerFacts(**{**facts.__dict__, "sums": None, "day_totals": totals})
    cal = facts.calendar
    assert (rules.overtime_of_sums(rules.daily(facts), cal, 480)
            == rules.overtime_minutes(totals, cal, 480)
            == sum(rules.overtime_of_day(m, cal.is_working(on), 480) for (on, _), m in
                   _per_person_day(totals).items()))
    as_of = START + timedelta(days=as_of_days)
    assert fresh.summary(as_of) == rules.summarize(by_rule, as_of)
    assert fresh.burndown(as_of) == rules.burndown(by_rule, as_of)


def _per_person_day(totals: list[rules.DayTotal]) -> dict[tuple[date, str], int]:
    out: dict[tuple[date, str], int] = {}
    for t in totals:
        out[(t.on, t.person)] = out.get((t.on, t.person), 0) + t.minutes
    return out


def test_a_day_with_overtime_by_hand(example: Ledger) -> None:
    """Saturday 2026-03-07 (not working): every minute; Monday 03-09: beyond 8 h per
    person, summed over the grades a person's day was charged at."""
    _load(example, [("chen.jing", "expert", date(2026, 3, 7), 120),
                    ("chen.jing", "expert", date(2026, 3, 9), 300),
                    ("chen.jing", "senior", date(2026, 3, 9), 300),   # 600: 120 beyond
                    ("liu.yang", "senior", date(2026, 3, 9), 480)])   # 480: none
    led = Ledger(example.engine, example.project_code)
    days = rules.daily(led.facts())
    assert days == (rules.DaySums(date(2026, 3, 7), {"expert": 120}, 0),
                    rules.DaySums(date(2026, 3, 9), {"expert": 300, "senior": 780}, 120))
    s = led.summary(date(2026, 3, 9))
    assert s.overtime_pd * 480 == 240
    assert {g.grade: g.consumed_pd * 480 for g in s.by_grade if g.consumed_pd} == {
        "expert": 420, "senior": 780}


@pytest.mark.parametrize("grades", [[], ["senior"]])
def test_grades_off_the_list_are_still_summed(example: Ledger, grades: list[str]) -> None:
    _load(example, [("liu.yang", "senior", date(2026, 3, 9), 60),
                    ("liu.yang", "principal", date(2026, 3, 9), 30)])
    led = Ledger(example.engine, example.project_code)
    with led._reading() as s:
        got = daily_sums(s, s.execute(select(Project.id)).scalar_one(), grades)
    assert got == [rules.DaySums(date(2026, 3, 9), {"senior": 60, "principal": 30}, 0)]


# --- the sums kept per date (day_sum, migration 0015) ----------------------------------

#: one write of the ledger: ("log", person, day, hours), ("edit", which, day, hours),
#: ("delete", which), ("grade", person, grade), ("note", which): "which" picks an entry
#: among those there are
writes = st.lists(st.one_of(
    st.tuples(st.just("log"), st.sampled_from(PEOPLE), st.integers(0, 20),
              st.sampled_from(["0.5", "4", "8", "8.5", "12"])),
    st.tuples(st.just("edit"), st.integers(0, 99), st.integers(0, 20),
              st.sampled_from(["1", "8", "10"])),
    st.tuples(st.just("delete"), st.integers(0, 99)),
    st.tuples(st.just("grade"), st.sampled_from(PEOPLE), st.sampled_from(GRADES[:5])),
    st.tuples(st.just("note"), st.integers(0, 99)),
), min_size=1, max_size=10)


def _write(led: Ledger, step: tuple) -> None:
    ids = [e.id for e in led.entries()]
    kind = step[0]
    try:
        if kind == "log":
            led.log("T2", step[3], on=START + timedelta(days=step[2]), person=step[1])
        elif kind == "grade":
            led.change_grade(step[1], step[2])
        elif ids and kind == "edit":
            led.edit_entry(ids[step[1] % len(ids)], hours=step[3],
                           on=START + timedelta(days=step[2]))
        elif ids and kind == "delete":
            led.delete_entry(ids[step[1] % len(ids)])
        elif ids and kind == "note":
            led.edit_entry(ids[step[1] % len(ids)], note="kept sums")
    except LedgerError:
        pass  # refused (over 24 h in a day ...): nothing written, and the sums say so


def _kept(led: Ledger) -> tuple[list[rules.DaySums], int, list[str]]:
    """(the sums as the figures read them, the dirty dates, verify's recomputation)."""
    with led._reading() as s:
        project_id = s.execute(select(Project.id)).scalar_one()
        return (daily_sums(s, project_id, GRADES[:5]),
                s.execute(select(func.count()).select_from(DaySumDirty)).scalar_one(),
                stored_sum_problems(s))


def _by_rule(led: Ledger) -> tuple[rules.DaySums, ...]:
    with led.engine.connect() as conn:
        rows = conn.execute(select(TimeEntry.on, Person.key, TimeEntry.grade, TimeEntry.minutes)
                            .join(Person, Person.id == TimeEntry.person_id)).all()
    return rules.day_sums([rules.DayTotal(*r) for r in rows], 480)


@SETTINGS
@given(steps=writes)
def test_the_kept_sums_follow_every_write(example: Ledger, steps: list[tuple]) -> None:
    """Logs, edits (of the hours, the date, the note), deletes and grade changes, in any
    order: after each write the kept sums are clean and equal the rules' definition."""
    for step in steps:
        _write(example, step)
        sums, dirty, problems = _kept(example)
        assert dirty == 0 and problems == []
        assert tuple(sums) == _by_rule(example)


def test_a_write_outside_sowtrack_is_summed_until_the_next_write(example: Ledger) -> None:
    """Entries changed by plain SQL: the triggers mark their dates (old and new) dirty,
    the figures sum those dates from the entries, and the next write of sowtrack keeps
    their sums."""
    e = example.log("T2", "10", on="2026-03-09", person="liu.yang")
    example.log("T2", "3", on="2026-03-10", person="chen.jing")
    with example.engine.begin() as conn:
        conn.execute(update(TimeEntry).where(TimeEntry.id == e.id)
                     .values(on=date(2026, 3, 10), minutes=660))
        dirty = sorted(conn.execute(select(DaySumDirty.on)).scalars())
    assert dirty == [date(2026, 3, 9), date(2026, 3, 10)]
    expected = (rules.DaySums(date(2026, 3, 10), {"expert": 180, "senior": 660}, 180),)
    assert tuple(_kept(example)[0]) == expected == _by_rule(example)
    with example.engine.begin() as conn:  # a change of nothing a sum reads: not dirty
        conn.execute(delete(DaySumDirty))
        conn.execute(update(TimeEntry).where(TimeEntry.id == e.id).values(note="x"))
        assert conn.execute(select(DaySumDirty.on)).all() == []
        conn.execute(insert(DaySumDirty).values(project_id=e_project(conn), on=date(2026, 3, 9)))
        conn.execute(insert(DaySumDirty).values(project_id=e_project(conn), on=date(2026, 3, 10)))
    example.log("T2", "1", on="2026-03-11", person="chen.jing")  # any write
    sums, dirty_left, problems = _kept(example)
    assert dirty_left == 0 and problems == []
    assert tuple(sums) == _by_rule(example) == (
        *expected, rules.DaySums(date(2026, 3, 11), {"expert": 60}, 0))
    with example.engine.begin() as conn:  # deleted by SQL too
        conn.execute(delete(TimeEntry))
    assert _kept(example)[0] == [] and _kept(example)[2] == []


def e_project(conn) -> int:  # type: ignore[no-untyped-def]
    return conn.execute(select(Project.id)).scalar_one()


def test_verify_names_a_kept_sum_edited_behind_the_programs_back(example: Ledger) -> None:
    """The table of sums edited directly (as the file's or the database's owner): verify
    names each sum that differs from the entries, and nothing else."""
    example.log("T2", "10", on="2026-03-09", person="liu.yang")
    assert example.verify()[1] == []
    with example.engine.begin() as conn:
        conn.execute(update(DaySum).where(DaySum.grade == "senior").values(minutes=6000))
        conn.execute(insert(DaySum).values(project_id=e_project(conn), on=date(2026, 3, 12),
                                           grade="", minutes=30))
    code = example.project_code
    assert example.verify()[1] == [
        f"{code} day_sum 2026-03-09 grade 'senior': holds 6000 minutes, its entries give 600 "
        f"(changed behind the program's back)",
        f"{code} day_sum 2026-03-12 overtime: holds 30 minutes, its entries give none "
        f"(changed behind the program's back)"]


def test_a_projects_day_changed_by_sql_marks_its_dates(example: Ledger) -> None:
    """The overtime depends on the day's hours: a change of them (only the owner can)
    marks every kept date of the project, so the overtime follows."""
    example.log("T2", "9", on="2026-03-09", person="liu.yang")
    assert _kept(example)[0] == [rules.DaySums(date(2026, 3, 9), {"senior": 540}, 60)]
    with example.engine.begin() as conn:
        conn.execute(update(Project).values(minutes_per_day=420))
    sums, dirty, problems = _kept(example)
    assert sums == [rules.DaySums(date(2026, 3, 9), {"senior": 540}, 120)]
    assert dirty == 1 and problems == []


def test_the_migration_sums_the_existing_entries(example: Ledger) -> None:
    """A ledger of entries at 0014 (no sums, no triggers): 0015 fills the sums, clean."""
    from storage.db import run_alembic

    rows = [("liu.yang", "senior", date(2026, 3, 9), 600),
            ("chen.jing", "expert", date(2026, 3, 9), 300),
            ("chen.jing", "principal", date(2026, 3, 14), 45)]
    run_alembic(example.engine, "downgrade", "0014")
    _load(example, rows)
    run_alembic(example.engine, "upgrade", "head")
    led = Ledger(example.engine, example.project_code)
    sums, dirty, problems = _kept(led)
    assert dirty == 0 and problems == []
    assert tuple(sums) == rules.day_sums([rules.DayTotal(on, p, g, m) for p, g, on, m in rows],
                                         480)
    with led.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(DaySum)).scalar() == 4
