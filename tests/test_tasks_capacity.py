"""Tasks and capacity (SPEC §9): ``task add|edit|allocate|list``, allocations against a
person's capacity, the replacement's split, and where an over-allocation shows.

The example SOW runs 2026-03-02..2026-05-29 with holidays 04-06, 05-01, 05-04, 05-05 and
a make-up Saturday 05-09. Its working days, counted by hand: March 22 (weekdays 2..31),
April 22 weekdays - 04-06 = 21, May 21 weekdays - 3 holidays + 05-09 = 19: 62 in all, so
every person of the SOW file has a capacity of 62 PD. It plans no allocation.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot

from model.errors import FieldError
from model.rules import Calendar, LedgerFacts, summarize
from model.rules.alerts import alert_text, alerts
from model.rules.capacity import Workload, check_capacity, over_capacity, replacement_split
from storage.services import Ledger
from storage.sheets import plan as plan_sheet
from tests.tui_support import demo_ledger, drive, screen_text, settle
from tui.screens.tasks import TasksScreen
from tui.screens.team import TeamScreen

from .life_support import example_cli, help_texts, refused_and_unchanged

# ---------------------------------------------------------------- the rule, no database


def test_over_capacity_is_strictly_above_it() -> None:
    assert not over_capacity(62_000, 62)
    assert over_capacity(62_001, 62)
    assert Workload("liu.yang", 115_000, 100).worded == "over capacity: 115 of 100 PD"
    assert Workload("liu.yang", 62_500, 100).worded == "62.5 of 100 PD"


def test_check_capacity_names_the_pd_and_says_total_and_capacity() -> None:
    check_capacity("liu.yang", 62_000, 62, over=False)
    check_capacity("liu.yang", 70_000, 62, over=True)
    with pytest.raises(FieldError, match="liu.yang's allocations would total 70 PD, over "
                                         "their capacity of 62 PD") as exc:
        check_capacity("liu.yang", 70_000, 62, over=False)
    assert exc.value.field == "PD"


@pytest.mark.parametrize(("planned", "minutes", "per_day", "split"), [
    (20_000, 1200, 480, (2_500, 17_500)),  # 20 h of 8-hour days = 2.5 PD kept
    (2_000, 1200, 480, (2_000, 0)),  # consumed more than planned: keeps it all
    (10_000, 0, 480, (0, 10_000)),  # nothing logged: it all moves
    (3_000, 100, 450, (223, 2_777)),  # 100/450 PD = 0.2222..., rounded up to 0.223
])
def test_replacement_split_keeps_what_was_consumed(planned: int, minutes: int, per_day: int,
                                                    split: tuple[int, int]) -> None:
    assert replacement_split(planned, minutes, per_day) == split


def test_an_over_allocation_is_an_alert_in_english_and_chinese() -> None:
    start = date(2026, 3, 2)
    facts = LedgerFacts(code="X", start=start, end=date(2026, 3, 31), minutes_per_day=480,
                        currency="CNY", calendar=Calendar(), rates={},
                        baseline={"senior": 20_000})
    got = alerts(summarize(facts, date(2026, 3, 9)), [], Calendar(), start, [], {},
                 workloads=[Workload("liu.yang", 70_000, 62), Workload("chen.jing", 62_000, 62)])
    assert [(a.kind, a.args) for a in got] == [("over_capacity", ("liu.yang", "70", "62"))]
    assert got[0].text == "liu.yang is over capacity: 70 PD allocated, capacity 62 PD"
    assert alert_text("over_capacity", got[0].args, "zh") == (
        "liu.yang 的人天分配超出可用人天：已分配 70 人天，可用 62 人天")


# ---------------------------------------------------------------- the services


def _alloc(led: Ledger, code: str) -> dict[str, int | None]:
    return dict(next(t for t in led.tasks() if t.code == code).assignees)


def test_an_allocation_over_capacity_is_refused_unless_over(example: Ledger) -> None:
    lead = example
    assert lead.capacity("liu.yang") == 62
    lead.set_allocation("T2", "liu.yang", "40")
    with pytest.raises(FieldError, match=r"^PD: liu.yang's allocations would total 70 PD, "
                                         r"over their capacity of 62 PD") as exc:
        lead.set_allocation("T4", "liu.yang", "30")
    assert exc.value.field == "PD"
    assert _alloc(lead, "T4") == {"zhang.wei": None, "liu.yang": None}  # nothing written
    lead.set_allocation("T4", "liu.yang", "22")  # 62 of 62: fits exactly
    lead.set_allocation("T4", "liu.yang", "30", over=True)
    w = next(w for w in lead.workloads() if w.person == "liu.yang")
    assert (w.allocated_milli, w.capacity_days, w.over) == (70_000, 62, True)
    # lowering an allocation of a person still over is not refused
    lead.set_allocation("T4", "liu.yang", "25")
    assert not any(w.over for w in lead.workloads() if w.person != "liu.yang")
    kinds = [(a.kind, a.args) for a in lead.alerts(lead.summary("2026-04-10"))]
    assert ("over_capacity", ("liu.yang", "65", "62")) in kinds


def test_capacity_shrinks_with_days_away_and_leave(example: Ledger) -> None:
    lead = example
    lead.away("liu.yang", "2026-04-08", "2026-04-09")  # Wednesday, Thursday: 2 working days
    assert lead.capacity("liu.yang") == 60
    # last day 04-30: March 22 + April 21 = 43, less the 2 away = 41
    lead.leave("liu.yang", "2026-04-30")
    assert lead.capacity("liu.yang") == 41
    with pytest.raises(FieldError, match="total 42 PD, over their capacity of 41 PD"):
        lead.set_allocation("T2", "liu.yang", "42")
    lead.set_allocation("T2", "liu.yang", "41")


def test_a_replacement_keeps_what_the_old_person_consumed(example: Ledger) -> None:
    lead = example
    lead.set_allocation("T2", "liu.yang", "20")
    lead.set_allocation("T4", "liu.yang", "10")
    lead.set_allocation("T3", "chen.jing", "4")
    for day, hours in (("2026-04-01", "8"), ("2026-04-02", "8"), ("2026-04-03", "4")):
        lead.log("T2", hours, on=day, person="liu.yang")  # 20 h = 2.5 PD on T2, none on T4
    lead.replace("liu.yang", "wu.lei", "2026-04-13", name="吴磊")
    # T2: liu.yang keeps the 2.5 PD logged, the other 17.5 move; T4: all 10 move
    assert _alloc(lead, "T2") == {"chen.jing": None, "liu.yang": 2_500, "wu.lei": 17_500}
    assert _alloc(lead, "T4") == {"zhang.wei": None, "wu.lei": 10_000}
    assert _alloc(lead, "T3") == {"chen.jing": 4_000, "wang.fang": None}
    # liu.yang: 03-02..04-10 = 22 + 7 (04-06 off) = 29 working days; wu.lei: 04-13..05-29
    # = 14 + 19 = 33
    loads = {w.person: (w.allocated_milli, w.capacity_days) for w in lead.workloads()}
    assert loads["liu.yang"] == (2_500, 29) and loads["wu.lei"] == (27_500, 33)
    assert lead.verify()[1] == []


def test_the_plan_marks_a_person_over_capacity(example: Ledger) -> None:
    from model.sheets import SheetRequest

    example.set_allocation("T2", "liu.yang", "70", over=True)
    parts = plan_sheet.build(example, SheetRequest("plan", language="en"))
    people = {pp.key: pp for pp in parts.data.people}
    assert (people["liu.yang"].capacity_days, people["liu.yang"].over) == (62, True)
    assert not people["chen.jing"].over
    assert parts.content["capacity_days"]["liu.yang"] == 62


# ---------------------------------------------------------------- the command line


@pytest.fixture
def cli(db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    return example_cli(db_url, capsys, monkeypatch, "2026-04-10")


def test_the_cli_adds_edits_allocates_and_lists(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("task", "add", "T6", "--title", "压测 Load test [p95]", "--estimate", "12",
               "--priority", "high") == (0, "T6 added: 12 PD estimated, priority high\n", "")
    assert cli("task", "edit", "T6", "--estimate", "15.5", "--status", "in_progress") == (
        0, "T6 saved: 15.5 PD estimated, priority high, in_progress\n", "")
    assert cli("task", "allocate", "T6", "liu.yang", "12")[1] == (
        "liu.yang on T6: 12 PD planned; 12 of 62 PD allocated in all\n")
    rc, out, err = cli("task", "allocate", "T2", "liu.yang", "51")
    assert (rc, out) == (1, "")
    assert err == ("error: PD: liu.yang's allocations would total 63 PD, over their capacity "
                   "of 62 PD (their active working days minus days away); lower it, or "
                   "allow it with --over\n")
    assert cli("task", "allocate", "T2", "liu.yang", "51", "--over")[1] == (
        "liu.yang on T2: 51 PD planned; ⚠ over capacity: 63 of 62 PD\n")
    rc, out, _ = cli("task", "list")
    assert rc == 0 and max(len(line) for line in out.splitlines()) <= 80
    lines = out.splitlines()
    assert lines[0].split() == ["code", "title", "priority", "status", "estimate",
                                "allocated", "consumed"]
    t6 = next(line for line in lines if line.startswith("T6"))
    assert "压测 Load test [p95]" in t6 and t6.split()[-3:] == ["15.5", "12", "0"]
    assert t6.split()[-5:-3] == ["high", "in_progress"]
    liu = next(line for line in lines if line.startswith("liu.yang"))
    assert liu.split() == ["liu.yang", "63", "62", "⚠", "over", "capacity"]
    assert cli("verify")[0] == 0


@pytest.mark.parametrize(("argv", "err"), [
    (("task", "add", "T7", "--title", " ", "--estimate", "3"), "error: --title: must not be "
                                                                "empty\n"),
    (("task", "add", "T1", "--title", "Again", "--estimate", "3"),
     "error: code: a task 'T1' already exists\n"),
    (("task", "add", "T7", "--title", "X", "--estimate", "three"),
     "error: --estimate: 'three' is not a number\n"),
    (("task", "add", "T7", "--title", "X", "--estimate", "3", "--priority", "urgent"),
     "error: --priority: 'urgent' is not one of high, medium, low\n"),
    (("task", "edit", "T1", "--status", "finished"),
     "error: --status: 'finished' is not one of open, in_progress, done\n"),
    (("task", "edit", "T1"),
     "error: T1: nothing to change: give --title, --estimate, --priority or --status\n"),
    (("task", "edit", "T9", "--title", "X"), "error: task: unknown task 'T9'\n"),
    (("task", "allocate", "T1", "li.na", "2"),
     "error: person: li.na is not a vendor person with a grade\n"),
    (("task", "allocate", "T1", "liu.yang", "-2"), "error: PD: must not be negative, got -2\n"),
])
def test_a_bad_task_input_is_one_line_naming_the_field(cli, argv: tuple[str, ...],  # type: ignore[no-untyped-def]
                                                       err: str) -> None:
    refused_and_unchanged(cli, argv, err, ("task", "list"))


def test_the_task_help_reads_well(capsys: pytest.CaptureFixture[str]) -> None:
    said = help_texts(capsys, "task", ("add", "edit", "allocate", "list"))
    assert "--estimate PD estimated person-days" in said["add"]
    assert "what is not given stays as it is" in said["edit"]
    assert "capacity (active working days minus days away) unless --over" in said["allocate"]
    assert "⚠ over capacity" in said["list"]


# ---------------------------------------------------------------- the app


def test_the_tasks_and_team_views_mark_a_person_over_capacity(tmp_path: Path) -> None:
    ledger = demo_ledger(tmp_path, "zhang.wei")
    assert not any(w.over for w in ledger.workloads())  # the demo's plan fits
    ledger.set_allocation("T2", "liu.yang", "70", over=True)  # 70 + 45 = 115 of 95
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("4")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TasksScreen)
        seen["tasks"] = screen_text(pilot.app)
        await pilot.press("7")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TeamScreen)
        seen["team"] = screen_text(pilot.app)

    drive(ledger, scenario)
    assert "⚠ liu.yang over capacity: 115 of 95 PD" in seen["tasks"]
    row = next(line for line in seen["team"].splitlines() if "liu.yang" in line)
    assert "⚠ over capacity: 115 of 95 PD" in row


def test_the_allocation_form_refuses_over_capacity_unless_allowed(tmp_path: Path) -> None:
    from tests.test_tui_tasks_team_blockers import choose, fill

    ledger = demo_ledger(tmp_path, "zhang.wei")
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("down")  # T2, whose first assignee is liu.yang (50 of T2 now)
        await pilot.press("l")
        await settle(pilot)
        await fill(pilot, "pd", "80")
        await pilot.press("ctrl+s")
        await settle(pilot)
        seen["refused"] = screen_text(pilot.app)
        await choose(pilot, "over", 1)  # no → yes
        await pilot.press("ctrl+s")
        await settle(pilot)
        seen["after"] = screen_text(pilot.app)

    drive(ledger, scenario)
    # the form names the refused field and the override by their labels
    refused = " ".join(w for w in seen["refused"].split() if w != "█")
    assert ("refused: PD: liu.yang's allocations would total 125 PD, over their capacity of "
            "95 PD") in refused and "allow it with Allow over capacity" in refused
    assert dict(next(t for t in ledger.tasks() if t.code == "T2").assignees)["liu.yang"] == 80_000
    assert "⚠ liu.yang over capacity: 125 of 95 PD" in seen["after"]
