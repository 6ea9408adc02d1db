"""The app's part of SPEC §9, driven with keys: the Team view adds people, records a leave,
a replacement and days away; the Obligations view marks an obligation done and a
deliverable delivered; the Blockers view lists a late client obligation. The ledger is
read back afterwards; refusals are worded by the form's labels, never by a flag.

The obligations are those of tests/data/sow-every-key.toml (the demo has none): the SOW
starts on Monday 2026-03-02, March has no holiday; ENV-ACCESS (client) is due 3 working
days after the start, Thursday 03-05, so on Friday 03-20 it is 11 working days late
(03-06, 03-09..03-13, 03-16..03-20); done on Friday 03-13 it was 5 late (03-06, 03-09..12).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from storage.services import Ledger
from tests.test_tui_tasks_team_blockers import choose, fill
from tests.tui_support import TODAY, demo_ledger, drive, screen_text, settle, settle_reloads
from tui.screens.blockers import BlockersScreen
from tui.screens.obligations import ObligationsScreen
from tui.screens.team import TeamScreen
from tui.widgets.form import FormScreen

from .conftest import SHARED
from .life_support import start
from .txcount import TxCount

SOW = SHARED / "sow-every-key.toml"
CODE = "CLAIMS-AGENT-2026"
MARCH_20 = date(2026, 3, 20)


async def shown(pilot: Pilot, *texts: str) -> str:
    """The screen once it shows every one of ``texts`` (a write's reload runs after the
    form closes, and a table sizes its columns when idle), or as it is after a while."""
    text = ""
    for _ in range(40):
        await settle_reloads(pilot)
        await pilot.pause(0.05)
        text = screen_text(pilot.app)
        if all(t in text for t in texts):
            break
    return text


def form_error(pilot: Pilot) -> str:
    """The refusal shown in the open form (in one piece: on screen it wraps)."""
    assert isinstance(pilot.app.screen, FormScreen), f"no form open: {pilot.app.screen!r}"
    return str(pilot.app.screen.query_one("#form-error", Static).render())


def notes(pilot: Pilot) -> str:
    return "\n".join(n.message for n in pilot.app._notifications)


def person(ledger: Ledger, key: str):  # noqa: ANN201 (a PersonView)
    return next(p for p in ledger.people() if p.key == key)


@pytest.fixture
def sow_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    """The SOW with every key (obligations, deliverables) in a SQLite file, as the lead, on
    2026-03-20 (the ledger's own today too: a date recorded may not be after it)."""
    return start(Ledger.open(f"sqlite:///{tmp_path / 'sow.db'}"), SOW, monkeypatch,
                 MARCH_20.isoformat())


# ------------------------------------------------------------------ team


async def open_team(pilot: Pilot) -> None:
    await pilot.press("7")
    await settle(pilot)
    assert isinstance(pilot.app.screen, TeamScreen)


def test_add_a_person_through_the_team_form(tmp_path: Path) -> None:
    ledger = demo_ledger(tmp_path, "zhang.wei")
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await open_team(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormScreen)
        await fill(pilot, "person", "he.ming")
        await fill(pilot, "name", "吴磊 [新]")
        await choose(pilot, "grade", 3)  # none → junior → intermediate → senior
        await fill(pilot, "first", "2026-11-23")
        await choose(pilot, "location", 2)  # not given → onsite → remote
        await pilot.press("ctrl+s")
        seen["text"] = await shown(pilot, " he.ming ")
        assert isinstance(pilot.app.screen, TeamScreen)
        seen["notes"] = notes(pilot)

    drive(ledger, scenario)
    wu = person(ledger, "he.ming")
    assert (wu.name, wu.party, wu.role, wu.grade, wu.location, wu.first_day, wu.last_day) == (
        "吴磊 [新]", "vendor", "engineer", "senior", "remote", date(2026, 11, 23), None)
    assert "吴磊 [新] he.ming joins on 2026-11-23" in seen["notes"]
    row = next(line for line in seen["text"].splitlines() if " he.ming " in line)
    assert "吴磊 [新]" in row and "2026-11-23.." in row and "senior" in row  # literal name
    # The new person is selected: the detail line tells their active days.
    assert "吴磊 [新] he.ming: active 2026-11-23.. (to the end of the SOW)" in seen["text"]


def test_replace_a_person_by_a_new_one_through_the_form(tmp_path: Path) -> None:
    ledger = demo_ledger(tmp_path, "zhang.wei")
    allocated = {t.code: dict(t.assignees).get("liu.yang") for t in ledger.tasks()
                 if t.status != "done" and "liu.yang" in dict(t.assignees)}
    assert allocated  # liu.yang has work to hand over
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await open_team(pilot)
        await pilot.press("down", "down")  # zhou.jie, wang.fang, liu.yang
        assert pilot.app.screen.selected_person().key == "liu.yang"
        await pilot.press("r")
        await settle(pilot)
        seen["form"] = screen_text(pilot.app)
        await fill(pilot, "new", "he.ming")
        await fill(pilot, "name", "吴磊")
        await fill(pilot, "on", "2026-11-23")
        await pilot.press("ctrl+s")
        seen["text"] = await shown(pilot, " he.ming ")
        assert isinstance(pilot.app.screen, TeamScreen)

    drive(ledger, scenario)
    assert "Replace 刘洋 liu.yang" in seen["form"]
    old, new = person(ledger, "liu.yang"), person(ledger, "he.ming")
    # Replaced on Monday 11-23: liu.yang's last working day is Friday 11-20.
    assert old.last_day == date(2026, 11, 20)
    assert (new.replaces, new.first_day, new.grade, new.party) == (
        "liu.yang", date(2026, 11, 23), old.grade, "vendor")
    moved = {t.code: dict(t.assignees) for t in ledger.tasks() if t.code in allocated}
    # he.ming takes the open part of each; liu.yang keeps what he logged (README)
    assert all("he.ming" in a for a in moved.values())
    rows = {key: next(line for line in seen["text"].splitlines()
                      if f" {key} " in line and ("←" in line or "→" in line))
            for key in ("liu.yang", "he.ming")}
    # (the row may be cut at the screen's edge: liu.yang's logged overtime puts him over
    # his shortened capacity, and the mark widens the name column)
    assert "..2026-11-20 →" in rows["liu.yang"]
    assert "2026-11-23.. ← liu.yang" in rows["he.ming"]


def test_refusals_in_the_team_forms_name_the_forms_labels(tmp_path: Path) -> None:
    ledger = demo_ledger(tmp_path, "zhang.wei")
    before = ledger.people()
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await open_team(pilot)
        await pilot.press("a")
        await settle(pilot)
        await fill(pilot, "person", "he.ming")
        await fill(pilot, "name", "吴磊")
        await choose(pilot, "grade", 3)
        await fill(pilot, "first", "2026-01-05")
        await pilot.press("ctrl+s")
        await settle(pilot)
        seen["add"] = form_error(pilot)  # the form stays open
        await pilot.press("escape", "enter")  # Discard changes? yes
        await settle(pilot)
        await pilot.press("d")  # days away of zhou.jie, the first row
        await settle(pilot)
        await fill(pilot, "first", "2026-12-10")
        await fill(pilot, "last", "2026-12-08")
        await pilot.press("ctrl+s")
        await settle(pilot)
        seen["away"] = form_error(pilot)
        await pilot.press("escape", "enter")  # Discard changes? yes
        await settle(pilot)
        await pilot.press("r")  # replaced by a new person with a two-word id
        await settle(pilot)
        await fill(pilot, "new", "he ming")
        await fill(pilot, "name", "吴磊")
        await pilot.press("ctrl+s")
        await settle(pilot)
        seen["replace"] = form_error(pilot)

    drive(ledger, scenario)
    assert ("refused: From (first day): 2026-01-05 is outside the SOW (2026-08-17..2027-01-01)"
            in seen["add"])
    assert "refused: To (included): 2026-12-08 is before From 2026-12-10" in seen["away"]
    assert "refused: New person's id: 'he ming' is not a person id" in seen["replace"]
    assert "--" not in seen["add"] + seen["away"] + seen["replace"]  # never a flag
    assert ledger.people() == before


def test_a_leave_and_days_away_through_the_forms(tmp_path: Path) -> None:
    ledger = demo_ledger(tmp_path, "zhang.wei")
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await open_team(pilot)
        await pilot.press("l")  # zhou.jie
        await settle(pilot)
        await fill(pilot, "on", "2026-12-18")
        await pilot.press("ctrl+s")
        await shown(pilot, "..2026-12-18")
        await pilot.press("d")
        await settle(pilot)
        await fill(pilot, "first", "2026-12-07")
        await fill(pilot, "last", "2026-12-08")
        await fill(pilot, "note", "annual leave [年假]")
        await pilot.press("ctrl+s")
        seen["text"] = await shown(pilot, "2026-12-07..2026-12-08")

    drive(ledger, scenario)
    zhou = person(ledger, "zhou.jie")
    assert zhou.last_day == date(2026, 12, 18)
    assert zhou.away == ((date(2026, 12, 7), date(2026, 12, 8)),)
    row = next(line for line in seen["text"].splitlines() if " zhou.jie " in line)
    assert "..2026-12-18" in row  # the away column may be cut at the screen's edge:
    assert "away 2026-12-07..2026-12-08" in seen["text"]  # the line under the table has it


def test_an_engineer_is_refused_at_once_in_the_matrixs_words(tmp_path: Path) -> None:
    ledger = demo_ledger(tmp_path, "liu.yang")
    before = ledger.people()
    seen: dict[str, object] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("escape")  # out of My day's hours field
        await open_team(pilot)
        for key in ("a", "r"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(pilot.app.screen, TeamScreen), key  # no form opened
        seen["notes"] = notes(pilot)
        seen["detail"] = str(pilot.app.screen.query_one("#team-detail", Static).content)

    drive(ledger, scenario)
    refusal = ("Acting as (ctrl+a): liu.yang (vendor engineer) may not change the team, tasks, "
               "allocations and grades; only the vendor lead plans")
    assert str(seen["notes"]).count(refusal) == 2
    assert refusal in str(seen["detail"])  # the detail line says so before any key
    assert ledger.people() == before


# ------------------------------------------------------------------ obligations


def test_mark_an_obligation_done_and_a_deliverable_delivered(sow_ledger: Ledger) -> None:
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ObligationsScreen)
        seen["before"] = await shown(pilot, "overdue 11 working days")
        await pilot.press("d")  # ENV-ACCESS, the first row
        await settle(pilot)
        seen["form"] = screen_text(pilot.app)
        await fill(pilot, "on", "2026-03-13")
        await pilot.press("enter")
        seen["after"] = await shown(pilot, "done, 5 working days late")
        await pilot.press("tab", "down", "down")  # the deliverables: D1, D2, KT
        await pilot.press("v")
        await settle(pilot)
        await fill(pilot, "on", "2026-03-19")
        await fill(pilot, "note", "two sessions [manual v1]")
        await pilot.press("ctrl+s")
        seen["delivered"] = await shown(pilot, "two sessions [manual v1]")
        seen["notes"] = notes(pilot)

    drive(sow_ledger, scenario, today=MARCH_20)
    env = next(o for o in sow_ledger.obligations(MARCH_20) if o.key == "ENV-ACCESS")
    assert (env.done_on, env.days_late) == (date(2026, 3, 13), 5)
    kt = next(d for d in sow_ledger.deliverables() if d.key == "KT")
    assert (kt.delivered_on, kt.delivery_note) == (date(2026, 3, 19), "two sessions [manual v1]")
    row = next(line for line in seen["before"].splitlines() if "ENV-ACCESS" in line)
    assert "2026-03-05" in row and "overdue 11 working days" in row
    assert "2 overdue (1 client blocker)" in seen["before"]
    assert "Obligation ENV-ACCESS done" in seen["form"]
    row = next(line for line in seen["after"].splitlines() if "ENV-ACCESS" in line)
    assert "2026-03-13" in row and "done, 5 working days late" in row
    row = next(line for line in seen["delivered"].splitlines() if line.startswith(" KT "))
    assert "training 培训" in row and "2026-03-19" in row and "two sessions [manual v1]" in row
    assert "knowledge transfer KT delivered on 2026-03-19" in seen["notes"]


def test_a_refused_obligation_date_is_worded_by_its_label(sow_ledger: Ledger) -> None:
    seen: dict[str, object] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        await fill(pilot, "on", "2026-03-23")
        await pilot.press("enter")
        await settle(pilot)
        seen["error"] = form_error(pilot)  # the form stays open

    drive(sow_ledger, scenario, today=MARCH_20)
    assert seen["error"] == ("refused: Done on: 2026-03-23 is after today (2026-03-20); a "
                             "date records what already happened")
    assert all(o.done_on is None for o in sow_ledger.obligations(MARCH_20))


def test_an_engineer_may_not_record_an_obligation(sow_ledger: Ledger) -> None:
    engineer = Ledger(sow_ledger.engine, CODE, "liu.yang")
    seen: dict[str, object] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("escape")
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        seen["screen"] = pilot.app.screen
        seen["notes"] = notes(pilot)

    drive(engineer, scenario, today=MARCH_20)
    assert isinstance(seen["screen"], ObligationsScreen)
    assert ("Acting as (ctrl+a): liu.yang (vendor engineer) may not record an obligation done"
            in str(seen["notes"]))
    assert all(o.done_on is None for o in sow_ledger.obligations(MARCH_20))


# ------------------------------------------------------------------ blockers


def test_the_blockers_view_lists_a_late_client_obligation(sow_ledger: Ledger) -> None:
    blocked = sow_ledger.summary(MARCH_20).blocked_days
    seen: dict[str, object] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BlockersScreen)
        seen["text"] = await shown(pilot, "obligation · Test environment")
        await pilot.press("r")  # the obligation's row: no resolve form
        await settle(pilot)
        seen["screen"] = pilot.app.screen
        seen["notes"] = notes(pilot)

    drive(sow_ledger, scenario, today=MARCH_20)
    assert blocked["client"] == 11
    text = str(seen["text"])
    assert f"client 甲方 {blocked['client']}" in text and "1 open" in text
    row = next(line for line in text.splitlines() if "ENV-ACCESS" in line)
    assert "2026-03-06" in row and "open" in row and " 11 " in row
    assert "obligation · Test environment and VPN accounts" in row
    assert "CV-NDA" not in text  # a vendor obligation blocks no one's days
    assert isinstance(seen["screen"], BlockersScreen)
    assert "ENV-ACCESS is a late obligation: it is resolved when it is done" in str(seen["notes"])


# ------------------------------------------------------------------ one snapshot


@pytest.fixture
def sow_on_each_backend(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Ledger]:
    led = start(Ledger.open(db_url), SOW, monkeypatch, MARCH_20.isoformat())
    yield led
    led.engine.dispose()


def test_team_obligations_and_blockers_read_one_snapshot(sow_on_each_backend: Ledger) -> None:
    ledger = sow_on_each_backend
    counted: dict[str, list[str]] = {}

    async def scenario(pilot: Pilot) -> None:
        for mode in ("team", "obligations", "blockers"):
            with TxCount(ledger.engine) as tx:
                await pilot.app.switch_mode(mode)
                await settle(pilot)
            counted[mode] = tx.kinds
            with TxCount(ledger.engine) as tx:
                pilot.app.screen.reload()
                await settle(pilot)
            counted[mode + " again"] = tx.kinds

    drive(ledger, scenario, today=MARCH_20)
    assert counted == {k: ["read"] for k in counted} and len(counted) == 6


def test_the_top_bar_fits_80_columns(tmp_path: Path) -> None:
    """Twelve views do not fit 80 columns: the current one keeps its label, the others
    their key (the first a short label where there is room)."""
    ledger = demo_ledger(tmp_path, "zhang.wei")
    seen: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("o")
        await settle(pilot)
        seen["bar"] = screen_text(pilot.app).splitlines()[0]

    drive(ledger, scenario, size=(80, 24), today=TODAY)
    assert seen["bar"].startswith(" 1 Dash  2  3  4  5  6  7  8  9  0  o Obligations ")
    assert seen["bar"].endswith("as 张伟 zhang.wei (lead)")
