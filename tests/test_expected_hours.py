"""Expected against logged hours per person (model.rules.staffing.expected_minutes, the
ledger's expected_hours, ``sowtrack report hours``, the timesheet's columns)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import DataTable

from model.rules import Calendar
from model.rules.staffing import ExpectedHours, Staffing, expected_minutes
from storage.services import Ledger
from tui.cli import main

from .tui_support import demo_ledger, drive, screen_text, settle

# The week of 2026-05-04: Monday and Tuesday are holidays (劳动节), Saturday the 9th a
# make-up working day (调休): Wednesday to Saturday, four working days.
MON, SUN = date(2026, 5, 4), date(2026, 5, 10)
CAL = Calendar(holidays=frozenset({date(2026, 5, 1), MON, date(2026, 5, 5)}),
               workdays=frozenset({date(2026, 5, 9)}))
START, END = date(2026, 3, 2), date(2026, 5, 29)


def expected(st: Staffing, minutes_per_day: int = 480, end: date = END) -> int:
    return expected_minutes(CAL, st, MON, SUN, minutes_per_day, START, end)


def test_expected_minutes_count_the_persons_working_days() -> None:
    assert expected(Staffing(START)) == 4 * 480  # holidays out, the make-up Saturday in
    # away Wednesday and Thursday: two working days fewer
    away = Staffing(START, away=((date(2026, 5, 6), date(2026, 5, 7)),))
    assert expected(away) == 2 * 480
    # days away over the holidays and the weekend cost nothing more than the working days
    assert expected(Staffing(START, away=((date(2026, 5, 2), date(2026, 5, 6)),))) == 3 * 480
    # joined on Thursday: Thursday, Friday, the make-up Saturday
    assert expected(Staffing(date(2026, 5, 7))) == 3 * 480
    # left on Wednesday (their last working day), or joined after the week
    assert expected(Staffing(START, last=date(2026, 5, 6))) == 480
    assert expected(Staffing(date(2026, 5, 11))) == 0
    # the SOW ends on Friday: no day after it is expected
    assert expected(Staffing(START), end=date(2026, 5, 8)) == 3 * 480
    # a 7.5-hour day, away one day: exact minutes
    assert expected(Staffing(START, away=((date(2026, 5, 8), date(2026, 5, 8)),)), 450) == 1350
    assert ExpectedHours("x", 1920, 2040).difference == 120
    assert ExpectedHours("x", 960, 480).difference == -480


def test_expected_is_the_capacity_rule() -> None:
    # one rule: over the whole SOW, expected minutes are the capacity × minutes per day
    from model.rules.staffing import capacity_days

    st = Staffing(date(2026, 4, 1), away=((date(2026, 4, 13), date(2026, 4, 17)),))
    assert expected_minutes(CAL, st, START, END, 480, START, END) == (
        capacity_days(CAL, st, START, END) * 480)


@pytest.fixture
def week(example: Ledger, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    """The example project's week of 2026-05-04 (holidays on Monday and Tuesday, a make-up
    Saturday): chen.jing away two days, a newcomer from Thursday, liu.yang over."""
    monkeypatch.setenv("SOWTRACK_TODAY", "2026-05-20")
    example.away("chen.jing", "2026-05-06", "2026-05-07", note="年假")
    example.add_person("zhou.jie", "周杰", "vendor", "engineer", "senior", first="2026-05-07")
    example.log("T2", "8", "2026-05-08", person="chen.jing")
    for day in ("2026-05-06", "2026-05-07", "2026-05-08", "2026-05-09"):
        example.log("T2", "8", day, person="liu.yang")
    example.log("T2", "2", "2026-05-10", person="liu.yang")  # Sunday: overtime, logged
    example.log("T2", "8", "2026-05-11", person="liu.yang")  # the next week
    return example


def test_the_ledgers_expected_hours(week: Ledger) -> None:
    rows = {r.person: r for r in week.expected_hours("2026-05-04", "2026-05-10")}
    assert set(rows) == {"zhang.wei", "chen.jing", "liu.yang", "wang.fang", "zhou.jie"}
    assert rows["chen.jing"] == ExpectedHours("chen.jing", 960, 480)
    assert rows["zhou.jie"] == ExpectedHours("zhou.jie", 1440, 0)
    assert rows["liu.yang"] == ExpectedHours("liu.yang", 1920, 2040)
    assert rows["liu.yang"].difference == 120
    assert rows["wang.fang"] == ExpectedHours("wang.fang", 1920, 0)
    assert week.expected_hours("2026-05-04", "2026-05-10", "zhou.jie") == [rows["zhou.jie"]]


def cli(capsys: pytest.CaptureFixture[str], led: Ledger, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(["--db", led.engine.url.render_as_string(hide_password=False), *argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_report_hours(week: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = cli(capsys, week, "report", "hours", "--from", "2026-05-04", "--to",
                       "2026-05-10", "--json")
    assert rc == 0 and err == ""
    doc = json.loads(out)
    assert (doc["from"], doc["to"], doc["minutes_per_day"]) == ("2026-05-04", "2026-05-10", 480)
    people = {p["person"]: p for p in doc["people"]}
    assert people["chen.jing"] == {"person": "chen.jing", "expected_minutes": 960,
                                   "logged_minutes": 480, "difference_minutes": -480}
    assert people["liu.yang"]["difference_minutes"] == 120
    assert people["zhou.jie"]["expected_minutes"] == 1440
    rc, out, _ = cli(capsys, week, "report", "hours", "--from", "2026-05-04", "--to",
                     "2026-05-10")
    lines = out.splitlines()
    assert lines[0] == "CLAIMS-AGENT-2026  expected against logged hours, 2026-05-04 .. 2026-05-10"
    assert next(x for x in lines if x.startswith("chen.jing")).split()[2:] == ["16", "8", "-8"]
    assert next(x for x in lines if x.startswith("liu.yang")).split()[2:] == ["32", "34", "+2"]
    assert next(x for x in lines if x.startswith("total")).split()[1:] == ["136", "42", "-94"]
    # default: this week, Monday to today (2026-05-20 is a Wednesday)
    rc, out, _ = cli(capsys, week, "report", "hours", "--json", "--person", "liu.yang")
    doc = json.loads(out)
    assert (doc["from"], doc["to"]) == ("2026-05-18", "2026-05-20")
    assert doc["people"] == [{"person": "liu.yang", "expected_minutes": 3 * 480,
                              "logged_minutes": 0, "difference_minutes": -3 * 480}]
    for argv, flag in ((("--from", "2026-05-10", "--to", "2026-05-04"), "--to"),
                       (("--person", "nobody"), "--person"), (("--from", "May 4"), "--from")):
        rc, out, err = cli(capsys, week, "report", "hours", *argv)
        assert rc == 1 and out == "" and err.startswith(f"error: {flag}: "), (argv, err)


def test_the_timesheet_shows_expected_and_missing_hours(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    lead = led.acting_as("zhang.wei")
    # wang.fang was away on Thursday and Friday after all (her entries go, the days away
    # are recorded)
    for e in lead.entries(date(2026, 11, 19), date(2026, 11, 20), person="wang.fang"):
        lead.delete_entry(e.id)
    lead.away("wang.fang", "2026-11-19", "2026-11-20", note="病假")
    # the demo's today is Saturday 2026-11-21: the week to Friday is expected
    rows = {r.person: r for r in led.expected_hours("2026-11-16", "2026-11-21")}
    seen: dict[str, object] = {}

    async def scenario(pilot) -> None:
        await pilot.press("3")
        await settle(pilot)
        grid = pilot.app.screen.query_one("#ts-grid", DataTable)
        seen["cells"] = {str(k.value): (str(grid.get_cell(k, "hours")),
                                        str(grid.get_cell(k, "expected")),
                                        str(grid.get_cell(k, "diff")))
                         for k in grid.rows}
        seen["styles"] = {str(k.value): str(grid.get_cell(k, "diff").style) for k in grid.rows}
        seen["text"] = screen_text(pilot.app)

    drive(led, scenario, size=(200, 60))  # the expected hours show from about 160 columns
    cells = seen["cells"]
    assert isinstance(cells, dict)
    # wang.fang: away Thursday and Friday, so 3 working days this week
    wang = rows["wang.fang"]
    logged = sum(e.minutes for e in lead.entries(date(2026, 11, 16), date(2026, 11, 18),
                                                 person="wang.fang"))
    assert wang.expected == 3 * 480 and wang.logged == logged == 8 * 60 + 450 + 8 * 60
    assert cells["wang.fang"] == ("23.5", "24", "−0.5")
    assert "yellow" in str(seen["styles"]["wang.fang"])
    liu = rows["liu.yang"]  # 8 h every working day: none missing
    assert liu.expected == liu.logged == 40 * 60
    assert cells["liu.yang"] == ("40", "40", "0")
    assert "green" in str(seen["styles"]["liu.yang"])
    zhang = rows["zhang.wei"]
    assert zhang.expected == 40 * 60 and zhang.logged < zhang.expected
    assert cells["zhang.wei"] == (f"{zhang.logged / 60:g}", "40",
                                  f"−{(zhang.expected - zhang.logged) / 60:g}")
    assert "yellow" in str(seen["styles"]["zhang.wei"])  # missing hours stand out
    assert cells["sun.lei"] == ("", "", "")  # replaced before the week: nothing expected
    text = str(seen["text"])
    assert "expected" in text and "diff" in text
    assert "diff = hours − expected" in text
