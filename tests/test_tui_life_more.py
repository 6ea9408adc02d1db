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
from tests.test_tui_tasks_team_blockers import fill
from tests.test_tui_team_obligations import MARCH_20, form_error, notes, sow_ledger
from tests.tui_support import demo_ledger, drive, screen_text, settle
from tui.screens.blockers import BlockersScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.my_day import MyDayScreen
from tui.screens.team import COLUMNS as TEAM_COLUMNS
from tui.screens.team import TeamScreen
from tui.widgets.blocker_list import read_blockers
from tui.widgets.form import FormScreen
from tui.widgets.tables import Fit, FitTable, fit_widths

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



# ------------------------------------------------------------------ 80×24 and 200×60


def fit_state(pilot: Pilot, table_id: str) -> tuple[list[str], int]:
    """The columns ``table_id`` shows and how far it scrolls sideways (0: it fits)."""
    table = pilot.app.screen.query_one(f"#{table_id}", FitTable)
    return [str(k.value) for k in table.columns], table.max_scroll_x


def test_fit_widths_gives_way_by_rank_and_gives_back_the_room() -> None:
    fits = [Fit(), Fit(shrink=4), Fit(drop=1), Fit(drop=2)]
    # 10 + 20 + 6 + 6, plus 2 around each: 50 columns hold everything
    assert fit_widths([10, 20, 6, 6], fits, 50) == [10, 20, 6, 6]
    # in 41 the drop=2 column goes, then the drop=1 one; a cut (rank 0) is not needed
    assert fit_widths([10, 20, 6, 6], fits, 41) == [10, 20, None, None]
    # in 20 the second is cut too (to 4 at least) and gets back the 2 columns left
    assert fit_widths([10, 20, 6, 6], fits, 20) == [10, 6, None, None]
    # a cut ranked above the drops comes first: nothing need go in 41
    fits = [Fit(), Fit(shrink=4, cut=3), Fit(drop=1), Fit(drop=2)]
    assert fit_widths([10, 20, 6, 6], fits, 41) == [10, 11, 6, 6]


VIEWS_AT_80 = [("7", "team"), ("o", "obligations"), ("o", "deliverables"), ("5", "blockers"),
               ("4", "tasks"), ("8", "so-table")]


def test_the_life_views_never_scroll_sideways_at_80x24(tmp_path: Path) -> None:
    seen: dict[str, tuple[list[str], int]] = {}

    async def scenario(pilot: Pilot) -> None:
        for key, table in VIEWS_AT_80:
            await pilot.press(key)
            await settle(pilot)
            await pilot.pause(0.05)
            seen[table] = fit_state(pilot, table)

    drive(demo_ledger(tmp_path, "zhang.wei"), scenario, size=(80, 24))
    assert {t: scroll for t, (_, scroll) in seen.items()} == {t: 0 for _, t in VIEWS_AT_80}
    assert seen["team"][0] == ["name", "key", "grade", "zh", "active"]
    assert seen["obligations"][0] == ["key", "due", "state", "title"]
    assert seen["blockers"][0] == ["number", "party", "resolved", "age", "title"]
    assert "title" in seen["tasks"][0] and "remaining" in seen["tasks"][0]


def test_team_view_at_80x24_tells_the_rest_below_and_shows_all_at_200x60(
        tmp_path: Path) -> None:
    seen: dict[str, object] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("7")
        await settle(pilot)
        await pilot.pause(0.05)
        seen["narrow"] = fit_state(pilot, "team")
        seen["detail"] = plain(pilot.app.screen.query_one("#team-detail", Static))
        seen["narrow text"] = screen_text(pilot.app)
        await pilot.resize_terminal(200, 60)
        await settle(pilot)
        await pilot.pause(0.1)
        seen["wide"] = fit_state(pilot, "team")
        seen["wide text"] = screen_text(pilot.app)

    drive(demo_ledger(tmp_path, "zhang.wei"), scenario, size=(80, 24))
    assert seen["narrow"] == (["name", "key", "grade", "zh", "active"], 0)
    # What the table left out, the detail line says of the selected person (周杰).
    assert ("vendor 乙方 · engineer 工程师 · junior 初级工程师 · 1,200.00 CNY a day · remote · "
            "Asia/Shanghai") in " ".join(str(seen["detail"]).split("\n"))
    # A cut cell ends in …, never in the middle of a word without a mark.
    sun = next(line for line in str(seen["narrow text"]).splitlines() if " sun.lei " in line)
    assert "2026-08-17..2026-10-16" in sun
    assert seen["wide"] == ([key for key, _ in TEAM_COLUMNS], 0)
    sun = next(line for line in str(seen["wide text"]).splitlines() if " sun.lei " in line)
    assert "2026-08-17..2026-10-16 → wu.lei" in sun and "Europe/Lisbon" in sun


def test_obligations_at_80x24_cut_titles_with_a_mark_and_the_detail_tells_them_whole(
        sow_ledger: Ledger) -> None:
    seen: dict[str, object] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("o")
        await settle(pilot)
        await pilot.pause(0.05)
        seen["obligations"] = fit_state(pilot, "obligations")
        seen["deliverables"] = fit_state(pilot, "deliverables")
        seen["text"] = screen_text(pilot.app)
        seen["detail"] = plain(pilot.app.screen.query_one("#obl-detail", Static))

    drive(sow_ledger, scenario, size=(80, 24), today=MARCH_20)
    assert seen["obligations"] == (["key", "due", "state", "title"], 0)
    assert seen["deliverables"][1] == 0 and "delivered" in seen["deliverables"][0]
    env = next(line for line in str(seen["text"]).splitlines() if "ENV-ACCESS" in line)
    assert "overdue 11 working days" in env and env.rstrip().endswith("…")
    detail = " ".join(str(seen["detail"]).split("\n"))
    assert "ENV-ACCESS Test environment and VPN accounts" in detail
    assert "client 甲方 · due 2026-03-05 (3 working days after the start)" in detail


def test_add_person_form_is_whole_at_80x24_and_submits_without_scrolling(
        tmp_path: Path) -> None:
    ledger = demo_ledger(tmp_path, "zhang.wei")
    seen: dict[str, object] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("7")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, FormScreen)
        dialog = form.query_one(".dialog")
        seen["scroll"] = dialog.max_scroll_y
        button = form.query_one("#submit")
        seen["button inside"] = button.region.bottom <= 24 and button.region.y >= 0
        await pilot.press("ctrl+s")  # no id: refused, the refusal shown, still whole
        await settle(pilot)
        seen["error"] = form_error(pilot)
        seen["scroll after refusal"] = dialog.max_scroll_y
        await fill(pilot, "person", "he.ming")
        await fill(pilot, "name", "何明")
        form.query_one("#f-grade", Select).value = "senior"
        await pilot.click("#submit")  # the button is on screen: a click reaches it
        await settle(pilot)
        seen["notes"] = notes(pilot)

    drive(ledger, scenario, size=(80, 24))
    assert seen["scroll"] == 0 and seen["button inside"] is True
    assert str(seen["error"]).startswith("refused: Id: ")
    assert seen["scroll after refusal"] == 0
    assert "何明 he.ming joins on 2026-11-21" in str(seen["notes"])
    assert next(p for p in ledger.people() if p.key == "he.ming").grade == "senior"


# ------------------------------------------------------------------ obligations, deliverables


def test_refusals_of_a_delivery_and_of_an_obligation_done_meanwhile_name_no_flag(
        sow_ledger: Ledger) -> None:
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("d")  # ENV-ACCESS
        await settle(pilot)
        # Someone else marks it done while the form is open.
        sow_ledger.obligation_done("ENV-ACCESS", date(2026, 3, 13))
        await pilot.press("ctrl+s")
        await settle(pilot)
        seen["done twice"] = form_error(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("tab", "v")  # the first deliverable
        await settle(pilot)
        await fill(pilot, "on", "2026-02-27")
        await pilot.press("ctrl+s")
        await settle(pilot)
        seen["early"] = form_error(pilot)

    drive(sow_ledger, scenario, today=MARCH_20)
    assert seen["done twice"] == ("refused: Obligation ENV-ACCESS: obligation ENV-ACCESS was "
                                  "already done on 2026-03-13")
    assert seen["early"].startswith("refused: Delivered on: 2026-02-27 ")
    assert "--" not in seen["done twice"] + seen["early"]
    assert all(d.delivered_on is None for d in sow_ledger.deliverables())
