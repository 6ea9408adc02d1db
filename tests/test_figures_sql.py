"""The figures summed in SQL (storage/figures.py) equal the rules' own definition
(model.rules.day_sums, overtime_of_day) on random ledgers, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select

from model import rules
from storage.figures import daily_sums
from storage.orm import Person, Project, Task, TimeEntry
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
