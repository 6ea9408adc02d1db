"""The app's part of SPEC §9, continued: a project's own grade ladder in every grade picker
and label; the dashboard's open blockers read as the Blockers view reads them (late client
obligations included); the Team and Obligations views at 80×24; an obligation done and a
deliverable delivered from the app, refusals worded by the form's labels.

The ladder is tests/test_grade_ladder.py's GUIDE_LADDER (the guide's order: senior, then
资深技术专家 senior_expert, then 高级技术专家 expert; the default ladder has expert below
senior_expert): there "lead" is an expert and "eng" a senior_expert, so eng comes first.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Select, Static

from storage.services import Ledger
from storage.sowfile import parse_sow
from tests.test_grade_ladder import BODY, GUIDE_BODY, GUIDE_LADDER, HEAD, LADDER
from tests.test_tui_team_obligations import MARCH_20, form_error, notes, sow_ledger
from tests.tui_support import drive, screen_text, settle
from tui.screens.blockers import BlockersScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.my_day import MyDayScreen
from tui.screens.team import TeamScreen
from tui.widgets.blocker_list import read_blockers
from tui.widgets.form import FormScreen

__all__ = ["sow_ledger"]  # a fixture used here

GUIDE_CODE = "LADDER-1"


def plain(widget: Static) -> str:
    rendered = widget.render()
    return rendered.plain if isinstance(rendered, Text) else str(rendered)


def select_options(pilot: Pilot, field: str) -> list[tuple[str, str]]:
    """The (label, value) options of the open form's select ``field``, in order."""
    select = pilot.app.screen.query_one(f"#f-{field}", Select)
    return [(str(label), str(value)) for label, value in select._options
            if value is not Select.NULL]


@pytest.fixture
def guide_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    """A project with the guide's own ladder, in a SQLite file, acting as its lead."""
    monkeypatch.setenv("SOWTRACK_TODAY", MARCH_20.isoformat())
    led = Ledger.open(f"sqlite:///{tmp_path / 'guide.db'}")
    led.init_project(parse_sow(HEAD + GUIDE_LADDER + GUIDE_BODY))
    return Ledger(led.engine, GUIDE_CODE, "lead")


GUIDE_OPTIONS = [("senior 高级工程师", "senior"), ("senior_expert 资深技术专家", "senior_expert"),
                 ("expert 高级技术专家", "expert")]


# ------------------------------------------------------------------ the project's ladder


def test_team_view_orders_labels_and_changes_grades_on_the_projects_ladder(
        guide_ledger: Ledger) -> None:
    seen: dict[str, object] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("7")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, TeamScreen)
        seen["order"] = [p.key for p in screen.people or []]
        seen["text"] = screen_text(pilot.app)
        await pilot.press("g")  # the first row: eng, a senior_expert
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormScreen)
        seen["grade options"] = select_options(pilot, "grade")
        pilot.app.screen.query_one("#f-grade", Select).value = "expert"
        await pilot.press("ctrl+s")
        await settle(pilot)
        if isinstance(pilot.app.screen, FormScreen):
            seen["error"] = form_error(pilot)
        seen["notes"] = notes(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormScreen)
        seen["add options"] = select_options(pilot, "grade")

    drive(guide_ledger, scenario, today=MARCH_20)
    # The guide's order: senior_expert (eng) below expert (lead).
    assert seen["order"] == ["eng", "lead"]
    eng_row = next(line for line in str(seen["text"]).splitlines() if " eng " in line)
    assert "senior_expert" in eng_row and "资深技术专家" in eng_row
    assert seen["grade options"] == GUIDE_OPTIONS  # not the default's five, nor its order
    assert "error" not in seen, seen.get("error")
    assert "Engineer Person eng is now expert 高级技术专家" in str(seen["notes"])
    assert next(p.grade for p in guide_ledger.people() if p.key == "eng") == "expert"
    assert seen["add options"] == [("— none (a signatory) —", "?"), *GUIDE_OPTIONS]


def test_my_day_labels_the_grade_on_the_projects_ladder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On the l1/l2/l3 ladder the default one knows no label: it would print "l1 l1"."""
    monkeypatch.setenv("SOWTRACK_TODAY", MARCH_20.isoformat())
    led = Ledger.open(f"sqlite:///{tmp_path / 'levels.db'}")
    led.init_project(parse_sow(HEAD + LADDER + BODY))
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(pilot.app.screen, MyDayScreen)
        seen["headline"] = plain(pilot.app.screen.query_one("#myday-headline", Static))

    drive(Ledger(led.engine, GUIDE_CODE, "eng"), scenario, today=MARCH_20)
    assert "Engineer Person eng · l1 一级工程师 · " in seen["headline"]


# ------------------------------------------------------------------ open blockers


def test_dashboard_lists_a_late_client_obligation_among_the_open_blockers(
        sow_ledger: Ledger) -> None:
    """ENV-ACCESS (client) was due on 03-05 and is not done: on 03-20 it is open for 11
    working days, in the dashboard as in the Blockers view."""
    seen: dict[str, object] = {}

    async def scenario(pilot: Pilot) -> None:
        assert isinstance(pilot.app.screen, DashboardScreen)
        seen["dashboard"] = plain(pilot.app.screen.query_one("#blockers", Static))
        await pilot.press("5")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, BlockersScreen) and screen.data is not None
        seen["blockers view"] = [b.number for b in screen.data.blockers
                                 if b.resolved_on is None]

    drive(sow_ledger, scenario, today=MARCH_20)
    listed = read_blockers(sow_ledger, MARCH_20)
    assert "ENV-ACCESS" in listed.obligations
    open_numbers = [b.number for b in listed.open()]
    assert "ENV-ACCESS" in open_numbers
    assert seen["blockers view"] == open_numbers
    lines = str(seen["dashboard"]).splitlines()
    assert [line.split()[0] for line in lines] == open_numbers
    env = next(line for line in lines if line.startswith("ENV-ACCESS"))
    assert env.startswith("ENV-ACCESS client 11 d  obligation · ")


def test_dashboard_open_blockers_leave_out_a_done_obligation(sow_ledger: Ledger) -> None:
    sow_ledger.obligation_done("ENV-ACCESS", date(2026, 3, 13))
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        seen["dashboard"] = plain(pilot.app.screen.query_one("#blockers", Static))

    drive(sow_ledger, scenario, today=MARCH_20)
    assert "ENV-ACCESS" not in seen["dashboard"]
    assert [b.number for b in read_blockers(sow_ledger, MARCH_20).open()] == [
        line.split()[0] for line in seen["dashboard"].splitlines() if line != "none"]

