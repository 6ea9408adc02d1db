"""Each view reads the ledger for one refresh in one transaction (Ledger.snapshot): every
figure it shows from one state, whatever another connection commits meanwhile.

The views are driven headless (Textual's Pilot); tests/txcount.py counts what each
refresh opens on the ledger's engine. The dashboard alone read through 8 transactions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from storage.demo import DEMO_CODE, build_demo
from storage.services import Ledger

from .tui_support import TODAY, demo_ledger, drive, settle
from .txcount import TxCount

#: the views of this part (timesheet, changes and exports are tested with their views)
VIEWS = ("myday", "tasks", "blockers", "team", "signoffs", "journal", "dashboard")


@pytest.fixture
def demo(db_url: str) -> Iterator[Ledger]:
    """The demo project on each backend, acting as its vendor lead."""
    led = Ledger.open(db_url)
    build_demo(led, TODAY)
    yield Ledger(led.engine, DEMO_CODE, "zhang.wei")
    led.engine.dispose()


def test_each_view_reads_one_snapshot_per_refresh(demo: Ledger) -> None:
    shown: dict[str, list[str]] = {}
    refreshed: dict[str, list[str]] = {}

    async def scenario(pilot: Pilot) -> None:
        assert pilot.app.current_mode == "dashboard"
        for mode in VIEWS:  # each shown for the first time (the dashboard: again)
            with TxCount(demo.engine) as tx:
                await pilot.app.switch_mode(mode)
                await settle(pilot)
            shown[mode] = tx.kinds
            with TxCount(demo.engine) as tx:
                pilot.app.screen.reload()  # what each view's "r" does
                await settle(pilot)
            refreshed[mode] = tx.kinds
        shown["headline"] = [str(pilot.app.screen.query_one("#headline").render())]

    drive(demo, scenario)
    assert "as of 2026-11-21" in shown.pop("headline")[0]  # the dashboard has its figures
    assert shown == {mode: ["read"] for mode in VIEWS}
    assert refreshed == {mode: ["read"] for mode in VIEWS}


def test_a_write_then_one_snapshot_to_show_it(tmp_path: Path) -> None:
    """Logging hours in My day: the write, then the view read again in one snapshot."""
    ledger = demo_ledger(tmp_path, "chen.jing")
    before = ledger.entry_count()
    counted: list[str] = []

    async def scenario(pilot: Pilot) -> None:
        assert pilot.app.current_mode == "myday"
        await pilot.click("#log-hours")
        await pilot.press("1")
        with TxCount(ledger.engine) as tx:
            await pilot.press("enter")
            await settle(pilot)
        counted.extend(tx.kinds)

    drive(ledger, scenario)
    assert ledger.entry_count() == before + 1
    assert counted == ["write", "read"]


def test_coming_back_to_the_journal_keeps_its_pages(tmp_path: Path) -> None:
    """Going back to a journal scrolled past its first page reads the count and any new
    entry (one snapshot), not the whole journal again."""
    from tui.screens.journal import PAGE, JournalScreen

    ledger = demo_ledger(tmp_path, "zhang.wei")
    seen: dict[str, object] = {}

    async def scenario(pilot: Pilot) -> None:
        await pilot.app.switch_mode("journal")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, JournalScreen)
        screen.query_one("#journal-table").focus()
        for _ in range(3):
            await pilot.press("ctrl+end")
            await settle(pilot)
        loaded = screen.loaded
        await pilot.app.switch_mode("dashboard")
        await settle(pilot)
        with TxCount(ledger.engine) as tx:
            await pilot.app.switch_mode("journal")
            await settle(pilot)
        seen.update(loaded=loaded, after=screen.loaded, kinds=tx.kinds)

    drive(ledger, scenario)
    assert seen["loaded"] > PAGE  # type: ignore[operator]
    assert seen["after"] == seen["loaded"]  # the pages read so far are kept
    assert seen["kinds"] == ["read"]
