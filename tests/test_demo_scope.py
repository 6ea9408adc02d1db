"""The demo's signed scope (SPEC §9, issue 12): both parties sign SCOPE-001 in the first
week, within the demo's plan_confirm_days; CR-001, effective after the sign-off, raises
T3's estimate from the signed 90 PD to 105. On the signed demo a lead changes tasks
through a change request; ``sign_scope=False`` builds the demo before its sign-off."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot

from model.errors import LedgerError
from model.rules import Calendar
from storage.demo import PLAN_CONFIRM, demo_spec
from tests.tui_support import TODAY, demo_ledger, drive, screen_text, settle
from tui.screens.tasks import TasksScreen

START = demo_spec(TODAY).start


def test_both_parties_sign_the_demo_scope_within_plan_confirm_days(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    spec = demo_spec(TODAY)
    scope = led.scope_signoff()
    assert scope is not None
    assert (scope.number, scope.status) == ("SCOPE-001", "effective")
    assert [(s.person, s.party, s.on) for s in scope.signatures] == [
        ("zhang.wei", "vendor", START + timedelta(days=2)),
        ("li.na", "client", START + timedelta(days=4))]
    assert scope.effective_on == START + timedelta(days=4)
    # within the five working days the service packages give: no scope_unsigned alert,
    # on the deadline nor today
    cal = Calendar(frozenset(spec.holidays), frozenset(spec.workdays))
    deadline = cal.nth_working_day_after(START, PLAN_CONFIRM)
    assert scope.effective_on <= deadline
    for day in (deadline + timedelta(days=1), TODAY):
        assert [a for a in led.alerts(led.summary(day)) if a.kind == "scope_unsigned"] == []
    assert led.export_sow().plan_confirm_days == PLAN_CONFIRM
    assert led.verify()[1] == []


def test_cr_001_changes_the_signed_estimate_after_the_sign_off(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    confirmed = {t[0]: t[2] for t in led.scope_content()["tasks"]}
    current = {t.code: t.estimate_milli for t in led.tasks()}
    assert confirmed == {"T1": 45_000, "T2": 160_000, "T3": 90_000, "T4": 80_000,
                         "T5": 85_000}
    assert current == {**confirmed, "T3": 105_000}
    cr1 = next(c for c in led.change_requests() if c.number == "CR-001")
    assert cr1.status == "effective" and cr1.task_deltas == (("T3", 15_000, None),)
    scope = led.scope_signoff()
    assert scope is not None and scope.effective_on is not None
    assert cr1.raised_on > scope.effective_on
    assert cr1.effective_on is not None
    assert led.estimates_as_of(cr1.effective_on - timedelta(days=1))["T3"] == 90_000
    assert led.estimates_as_of(cr1.effective_on)["T3"] == 105_000
    assert led.estimates_as_of(TODAY) == current


def test_the_signed_demo_refuses_direct_task_changes(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path, "zhang.wei")
    before = (led.tasks(), led.ledger_version())
    with pytest.raises(LedgerError, match=re.escape(
            "estimate: the scope SCOPE-001 is signed: change it with a change request "
            "(cr new estimates …)")):
        led.edit_task("T3", estimate="110")
    with pytest.raises(LedgerError, match=re.escape(
            "code: the scope SCOPE-001 is signed: change it with a change request "
            "(cr new add_tasks …)")):
        led.add_task("T9", "Load testing", "20")
    assert (led.tasks(), led.ledger_version()) == before


def test_on_the_signed_demo_a_cr_adds_the_task_then_it_is_allocated(tmp_path: Path) -> None:
    """What a lead does once the scope is signed: a change request adds the task (and
    changes an estimate); once both parties sign it, the task is allocated in the app."""
    led = demo_ledger(tmp_path, "zhang.wei")
    cr = led.new_cr("压测 Load testing", reason="p95 target", deltas={"senior": 20.5},
                    estimates={"T5": "-5"}, add_tasks={"T9": "Load testing [p95]:20.5"},
                    on=TODAY)
    assert "T9" not in {t.code for t in led.tasks()}  # not before both parties sign
    led.sign_cr(cr.number, on=TODAY)
    led.acting_as("li.na").sign_cr(cr.number, on=TODAY)
    tasks = {t.code: t for t in led.tasks()}
    assert (tasks["T9"].title, tasks["T9"].estimate_milli) == ("Load testing [p95]", 20_500)
    assert tasks["T5"].estimate_milli == 80_000
    assert {t[0]: t[2] for t in led.scope_content()["tasks"]}["T5"] == 85_000  # as signed
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("4")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TasksScreen)
        seen["tasks"] = screen_text(pilot.app)

    drive(led, scenario)
    row = next(line for line in seen["tasks"].splitlines() if line.strip().startswith("T9"))
    assert "Load testing [p95]" in row and "20.5" in row
    led.set_allocation("T9", "chen.jing", "10")
    assert dict(next(t for t in led.tasks() if t.code == "T9").assignees)["chen.jing"] == 10_000
    assert led.verify()[1] == []


def test_the_demo_before_its_sign_off(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path, "zhang.wei", sign_scope=False)
    assert led.scope_signoff() is None
    assert {t.code: t.estimate_milli for t in led.tasks()}["T3"] == 90_000
    cr1 = next(c for c in led.change_requests() if c.number == "CR-001")
    assert cr1.status == "effective" and cr1.task_deltas == ()
    # past plan_confirm_days, the unsigned scope is alerted
    assert [a.kind for a in led.alerts(led.summary(TODAY))].count("scope_unsigned") == 1
    assert led.edit_task("T3", estimate="95").estimate_milli == 95_000


def test_the_demo_calendar_is_chinas_2026_schedule() -> None:
    """Issue 14: the demo's working days are China's in 2026 (国务院办公厅's schedule,
    cited in storage/demo.py), checked day by day against the holidays library's CN
    calendar, an independent source; 元旦 2027 is off."""
    from datetime import date, timedelta

    from model.rules import Calendar
    from storage.demo import demo_spec

    spec = demo_spec(date(2026, 11, 21))
    assert (spec.start, spec.end) == (date(2026, 8, 17), date(2027, 1, 1))
    demo = Calendar(frozenset(spec.holidays), frozenset(spec.workdays))
    china = Calendar(country="CN")
    d = spec.start
    while d <= spec.end:
        assert demo.is_working(d) == china.is_working(d), d
        d += timedelta(days=1)
    assert not demo.is_working(date(2026, 10, 1)) and not demo.is_working(date(2026, 9, 25))
    assert demo.is_working(date(2026, 9, 20)) and demo.is_working(date(2026, 10, 10))
    assert not demo.is_working(date(2027, 1, 1))
