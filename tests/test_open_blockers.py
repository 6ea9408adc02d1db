"""The open blockers are decided once (Ledger.blocker_list): the piped status, the
dashboard's "Open blockers" and the Blockers view list the same ones, a late client
obligation among them, on SQLite and PostgreSQL.

tests/data/sow-every-key.toml: the SOW starts on Monday 2026-03-02; ENV-ACCESS (client) is
due on Thursday 03-05 and not done, so on 03-20 it is a client blocker open since 03-06.
"""

from __future__ import annotations

from datetime import date

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from storage.services import Ledger
from tests.test_tui_life_more import plain
from tests.tui_support import drive, settle
from tui.screens.blockers import BlockersScreen
from tui.screens.dashboard import DashboardScreen

from .conftest import SHARED
from .life_support import cli, start

SOW = SHARED / "sow-every-key.toml"
MARCH_20 = date(2026, 3, 20)


@pytest.fixture
def late(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    """The SOW on 03-20 with ENV-ACCESS late, B-001 open since 03-10 and B-002 raised on
    03-03, resolved on 03-16."""
    led = start(ledger, SOW, monkeypatch, MARCH_20.isoformat())
    led.add_blocker("VPN 未开通", "client", "2026-03-10")
    led.add_blocker("Build server down", "vendor", "2026-03-03")
    led.resolve_blocker("B-002", "2026-03-16")
    return led


def status_open(out: str) -> list[str]:
    """The numbers on the piped status's "open blockers" line, in its order."""
    line = next(x for x in out.splitlines() if x.startswith("open blockers "))
    return [item.split()[0] for item in line.removeprefix("open blockers ").split("; ")]


def test_status_dashboard_and_blockers_view_list_the_same_open_blockers(
        late: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    listed = late.blocker_list(MARCH_20)
    open_numbers = [b.number for b in listed.open()]
    assert sorted(open_numbers) == ["B-001", "ENV-ACCESS"]
    assert listed.obligations == frozenset({"ENV-ACCESS"})
    env = next(b for b in listed.open() if b.number == "ENV-ACCESS")
    assert (env.party, env.raised_on, env.age_days) == ("client", date(2026, 3, 6), 11)

    rc, out, err = cli(capsys, late, "--project", "CLAIMS-AGENT-2026")
    assert (rc, err) == (0, "")
    assert status_open(out) == open_numbers
    assert "ENV-ACCESS (client, 11 d) " in out

    seen: dict[str, object] = {}

    async def scenario(pilot: Pilot) -> None:
        assert isinstance(pilot.app.screen, DashboardScreen)
        seen["dashboard"] = [line.split()[0] for line in plain(
            pilot.app.screen.query_one("#blockers", Static)).splitlines()]
        await pilot.press("5")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, BlockersScreen) and screen.data is not None
        seen["view open"] = [b.number for b in screen.data.blockers if b.resolved_on is None]
        seen["view all"] = [b.number for b in screen.data.blockers]

    drive(late, scenario, today=MARCH_20)
    assert seen["dashboard"] == open_numbers
    assert seen["view open"] == open_numbers
    assert seen["view all"] == [*open_numbers, "B-002"]


def test_open_as_of_an_earlier_day(late: Ledger) -> None:
    """As of 03-05: B-002 is open (resolved later), B-001 not raised yet, ENV-ACCESS not
    late yet; as of 03-16 B-002 is resolved."""
    assert [(b.number, b.resolved_on, b.age_days)
            for b in late.blocker_list("2026-03-05").blockers] == [("B-002", None, 3)]
    later = late.blocker_list("2026-03-16")
    assert [b.number for b in later.open()] == ["ENV-ACCESS", "B-001"]
    assert [(b.number, b.resolved_on) for b in later.blockers if b.resolved_on] == [
        ("B-002", date(2026, 3, 16))]


def test_a_done_obligation_leaves_every_list(late: Ledger,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    late.obligation_done("ENV-ACCESS", "2026-03-13")
    assert [b.number for b in late.blocker_list(MARCH_20).open()] == ["B-001"]
    rc, out, _ = cli(capsys, late, "--project", "CLAIMS-AGENT-2026")
    assert rc == 0 and status_open(out) == ["B-001"]
