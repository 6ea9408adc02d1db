"""A day away cancelled from the Team view (key 7, then ``c``), through the service
``person away --cancel`` calls: the chosen span is marked cancelled, the others stand; a
refusal is worded by the form's label (never a flag); a person with no day away standing
gets a warning and no form.

The every-key SOW (tests/data/sow-every-key.toml) as the vendor lead, today 2026-04-20.
"""

from __future__ import annotations

from datetime import date

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from storage.services import Ledger
from tests.test_tui_tasks_team_blockers import choose, fill
from tests.test_tui_team_obligations import form_error, notes, shown
from tests.tui_support import drive, settle
from tui.screens.team import TeamScreen
from tui.widgets.form import FormScreen

from .conftest import SHARED
from .life_support import start

SOW = SHARED / "sow-every-key.toml"
APRIL_20 = date(2026, 4, 20)


@pytest.fixture
def led(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Ledger:  # noqa: ANN001
    return start(Ledger.open(f"sqlite:///{tmp_path / 'away.db'}"), SOW, monkeypatch,
                 APRIL_20.isoformat())


def chen(led: Ledger):  # noqa: ANN201 (a PersonView)
    return next(p for p in led.people() if p.key == "chen.jing")


async def select_person(pilot: Pilot, key: str) -> None:
    """Open the Team view and put the cursor on ``key``'s row."""
    await pilot.press("7")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TeamScreen) and screen.people is not None
    row = [p.key for p in screen.people].index(key)
    screen.query_one("#team", DataTable).move_cursor(row=row)
    await settle(pilot)


def test_cancel_the_chosen_day_away(led: Ledger) -> None:
    led.away("chen.jing", "2026-04-07", "2026-04-09", note="年假 [annual]")
    led.away("chen.jing", "2026-04-27", "2026-04-28", note="training")
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await select_person(pilot, "chen.jing")
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormScreen)
        await choose(pilot, "first", 1)  # the second span, 04-27..04-28
        await pilot.press("ctrl+s")
        await settle(pilot)
        seen["notes"] = notes(pilot)
        seen["text"] = await shown(pilot, "(cancelled on 2026-04-20)")  # the away column

    drive(led, scenario, today=APRIL_20)
    view = chen(led)
    assert view.away == ((date(2026, 4, 7), date(2026, 4, 9)),)
    assert [(d.first, d.cancelled_on) for d in view.days_away] == [
        (date(2026, 4, 7), None), (date(2026, 4, 27), APRIL_20)]
    assert "chen.jing: day away cancelled (1 still stand)" in seen["notes"]
    detail = next(line for line in seen["text"].splitlines() if "chen.jing: active" in line)
    assert detail.rstrip().endswith("· away 2026-04-07..2026-04-09")  # what stands
    assert led.verify()[1] == []


def test_a_day_away_in_a_signed_period_is_refused_by_the_forms_label(led: Ledger) -> None:
    led.away("chen.jing", "2026-03-09", "2026-03-10", note="sick")
    led.sign_period("2026-03-01", "2026-03-31", "2026-04-01")
    before = chen(led)
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await select_person(pilot, "chen.jing")
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("ctrl+s")  # the only span, chosen already
        await settle(pilot)
        seen["error"] = form_error(pilot)  # the form stays open

    drive(led, scenario, today=APRIL_20)
    assert ("refused: Day away: 2026-03-09..2026-03-10 overlaps period TS-001 "
            "(2026-03-01..2026-03-31), which is being signed") in seen["error"]
    assert "--" not in seen["error"]
    assert chen(led) == before


def test_no_day_away_standing_no_form(led: Ledger) -> None:
    led.away("chen.jing", "2026-04-07", "2026-04-09")
    led.cancel_away("chen.jing", "2026-04-07", "2026-04-09")
    seen: dict[str, object] = {}

    async def scenario(pilot: Pilot) -> None:
        await select_person(pilot, "chen.jing")
        await pilot.press("c")
        await settle(pilot)
        seen["screen"] = pilot.app.screen
        seen["notes"] = notes(pilot)

    drive(led, scenario, today=APRIL_20)
    assert isinstance(seen["screen"], TeamScreen)
    assert "has no day away to cancel" in str(seen["notes"])


def test_a_new_day_away_in_a_signed_period_is_refused_by_the_forms_label(led: Ledger) -> None:
    """Recording (``d``) is refused there as cancelling is, worded by the form's label."""
    led.log("T1", 8, "2026-03-02", person="chen.jing")
    led.sign_period("2026-03-01", "2026-03-31", "2026-04-01")
    before = chen(led)
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await select_person(pilot, "chen.jing")
        await pilot.press("d")
        await settle(pilot)
        await fill(pilot, "first", "2026-03-30")
        await fill(pilot, "last", "2026-04-01")
        await pilot.press("ctrl+s")
        await settle(pilot)
        seen["error"] = form_error(pilot)

    drive(led, scenario, today=APRIL_20)
    assert ("refused: From: 2026-03-30..2026-04-01 overlaps period TS-001 "
            "(2026-03-01..2026-03-31), which is being signed") in seen["error"]
    assert "--" not in seen["error"]
    assert chen(led) == before
