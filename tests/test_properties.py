"""Properties over many generated ledgers (hypothesis), on a real SQLite file."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from model.errors import LedgerError, LedgerErrors
from storage.orm import AuditEvent, TimeEntry
from storage.services import Ledger
from storage.sowfile import load_sow, parse_entry_csv

from .conftest import EXAMPLE_SOW

GRADE_OF = {"zhang.wei": "senior_expert", "chen.jing": "expert", "liu.yang": "senior",
            "wang.fang": "intermediate"}
PEOPLE = [*GRADE_OF, "zhao.min", "li.na", "ghost"]  # a signatory, a client, a stranger
TASKS = ["T1", "T2", "T3", "T4", "T9"]
START, END = date(2026, 3, 2), date(2026, 5, 29)

attempts = st.lists(st.tuples(
    st.sampled_from(PEOPLE),
    st.sampled_from(TASKS),
    st.integers(min_value=-3, max_value=(END - START).days + 3).map(
        lambda n: START + timedelta(days=n)),
    st.sampled_from(["0", "-1", "0.25", "1", "7.5", "8", "10", "13", "16", "x", "7.333"]),
), min_size=1, max_size=25)

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _fresh() -> tuple[Ledger, tempfile.TemporaryDirectory]:
    tmp = tempfile.TemporaryDirectory()
    led = Ledger.open(f"sqlite:///{Path(tmp.name) / 'p.db'}", actor="zhang.wei")
    led = led.for_project(led.init_project(load_sow(EXAMPLE_SOW)).code)
    return led, tmp


@SETTINGS
@given(attempts)
def test_consumed_equals_the_sum_of_accepted_entries(tries) -> None:
    led, tmp = _fresh()
    try:
        accepted: dict[str, int] = defaultdict(int)
        for person, task, on, hours in tries:
            try:
                e = led.log(task, hours, on=on, person=person)
            except LedgerError:
                continue
            accepted[GRADE_OF[person]] += e.minutes
        s = led.summary(END)
        assert s.consumed_pd == Fraction(sum(accepted.values()), 480)
        assert {g.grade: g.consumed_pd for g in s.by_grade if g.consumed_pd} == {
            g: Fraction(m, 480) for g, m in accepted.items() if m}
        assert led.verify()[1] == []
    finally:
        led.engine.dispose()
        tmp.cleanup()


rows = st.lists(st.tuples(
    st.sampled_from(PEOPLE), st.sampled_from(TASKS),
    st.integers(min_value=-3, max_value=(END - START).days + 3).map(
        lambda n: (START + timedelta(days=n)).isoformat()),
    st.sampled_from(["8", "7.5", "0", "abc", "13", "2"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"),
            max_size=12),
), min_size=1, max_size=30)


def _csv(data) -> str:
    def q(v: str) -> str:
        return '"' + v.replace('"', '""') + '"'
    lines = ["date,person,task,hours,note"]
    lines += [",".join([d, p, t, h, q(n)]) for p, t, d, h, n in data]
    return "\n".join(lines) + "\n"


def _state(led: Ledger) -> tuple:
    with led.engine.connect() as conn:
        entries = conn.execute(select(TimeEntry.id, TimeEntry.on, TimeEntry.minutes)
                               .order_by(TimeEntry.id)).all()
        audit = conn.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    return tuple(entries), audit


@SETTINGS
@given(rows, rows)
def test_a_failed_import_changes_nothing(before, data) -> None:
    led, tmp = _fresh()
    try:
        # Some earlier history, itself imported all-or-nothing.
        try:
            led.import_entries(*parse_entry_csv(_csv(before)))
        except LedgerErrors:
            pass
        snapshot = _state(led)
        summary = led.summary(END)
        parsed, problems = parse_entry_csv(_csv(data))
        try:
            n = led.import_entries(parsed, problems)
        except LedgerErrors as exc:
            assert exc.problems and all(p.startswith("line ") for p in exc.problems)
            assert _state(led) == snapshot
            assert led.summary(END) == summary
        else:
            assert n == len(data)
            assert len(_state(led)[0]) == len(snapshot[0]) + n
    finally:
        led.engine.dispose()
        tmp.cleanup()
