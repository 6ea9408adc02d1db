"""An entry's date is the working person's local date.

The issue's case: an engineer in Europe/Lisbon logs at 23:30 local time on the
10th, while it is already 07:30 on the 11th in Shanghai (the project's time
zone). The entry is on the 10th, whoever types it; the lead's screens show it
on that date. The clock is frozen with ``pendulum.travel_to`` (pendulum's
"test" extra, time-machine), which is what ``Ledger.today`` reads.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pendulum
import pytest

from model.errors import LedgerError
from storage.services import Ledger
from storage.sowfile import load_sow
from tui.cli import main

from .conftest import EXAMPLE_SOW, as_

CODE = "CLAIMS-AGENT-2026"
#: 2026-03-10 23:30 in Lisbon (UTC+0 until the end of March) = 2026-03-11 07:30 in Shanghai
LISBON_EVENING = pendulum.datetime(2026, 3, 10, 23, 30, tz="Europe/Lisbon")
TENTH, ELEVENTH = date(2026, 3, 10), date(2026, 3, 11)


def lisbon_sow(folder: Path) -> Path:
    """The example SOW with its remote senior engineer liu.yang working from Lisbon;
    chen.jing, remote too, has no time zone of her own: the project's, Asia/Shanghai."""
    text = EXAMPLE_SOW.read_text(encoding="utf-8")
    liu = 'id = "liu.yang"\nname = "刘洋"\nparty = "vendor"\nrole = "engineer"\n' \
          'grade = "senior"\nlocation = "remote"\n'
    assert text.count(liu) == 1
    path = folder / "sow-lisbon.toml"
    path.write_text(text.replace(liu, liu + 'timezone = "Europe/Lisbon"\n'), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOWTRACK_USER", raising=False)
    monkeypatch.delenv("SOWTRACK_DB", raising=False)


@pytest.fixture
def lisbon(ledger: Ledger, tmp_path: Path) -> Ledger:
    """The Lisbon variant loaded; acting as the vendor lead (in Shanghai)."""
    view = ledger.init_project(load_sow(lisbon_sow(tmp_path)))
    return ledger.for_project(view.code).acting_as("zhang.wei")


def test_the_frozen_clock_is_the_issues_instant() -> None:
    with pendulum.travel_to(LISBON_EVENING, freeze=True):
        assert pendulum.now("Asia/Shanghai") == pendulum.datetime(2026, 3, 11, 7, 30,
                                                                  tz="Asia/Shanghai")
        assert (Ledger.today("Europe/Lisbon"), Ledger.today("Asia/Shanghai")) == (
            TENTH, ELEVENTH)


def test_an_entry_is_dated_by_the_working_persons_local_day(lisbon: Ledger) -> None:
    people = {p.key: p.timezone for p in lisbon.people()}
    assert (people["liu.yang"], people["chen.jing"], people["zhang.wei"]) == (
        "Europe/Lisbon", "Asia/Shanghai", "Asia/Shanghai")
    with pendulum.travel_to(LISBON_EVENING, freeze=True):
        own = as_(lisbon, "liu.yang").log("T2", "2", note="late evening in Lisbon")
        shanghai = as_(lisbon, "chen.jing").log("T2", "1", note="early morning in Shanghai")
        # The lead, in Shanghai where it is the 11th, logs for liu.yang: liu.yang's day.
        for_him = lisbon.log("T2", "1.5", person="liu.yang", note="typed by the lead")
        as_of = lisbon.as_of(None)  # the lead's "today": the project's time zone
    assert (own.on, shanghai.on, for_him.on) == (TENTH, ELEVENTH, TENTH)
    assert as_of == ELEVENTH
    tenth = lisbon.entries(TENTH, TENTH)
    assert [(e.person, e.minutes, e.note) for e in tenth] == [
        ("liu.yang", 120, "late evening in Lisbon"), ("liu.yang", 90, "typed by the lead")]
    assert [(e.person, e.on) for e in lisbon.entries(ELEVENTH, ELEVENTH)] == [
        ("chen.jing", ELEVENTH)]
    # Consumption counts the Lisbon hours on the 10th, before the Shanghai hour.
    assert lisbon.summary(TENTH).consumed_pd == pytest.approx(3.5 / 8)
    assert lisbon.summary(ELEVENTH).consumed_pd == pytest.approx(4.5 / 8)
    assert lisbon.verify()[1] == []


def test_an_explicit_date_is_taken_as_given(lisbon: Ledger) -> None:
    with pendulum.travel_to(LISBON_EVENING, freeze=True):
        e = lisbon.log("T2", "1", on="2026-03-09", person="liu.yang")
        assert e.on == date(2026, 3, 9)
        # The lead's (Shanghai's) 11th is still the future where liu.yang works.
        with pytest.raises(LedgerError, match=r"^date: 2026-03-11 is after today "
                                              r"\(2026-03-10\)"):
            lisbon.log("T2", "1", on="2026-03-11", person="liu.yang")


def test_the_cli_dates_an_entry_by_the_working_persons_day(
        db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def run(*args: str) -> str:
        capsys.readouterr()
        rc = main(["--db", db_url, *args])
        out, err = capsys.readouterr()
        assert rc == 0, (args, err)
        return out

    run("init", str(lisbon_sow(tmp_path)))
    with pendulum.travel_to(LISBON_EVENING, freeze=True):
        own = run("--as", "liu.yang", "log", "--task", "T2", "--hours", "2")
        shanghai = run("--as", "chen.jing", "log", "--task", "T3", "--hours", "1")
        by_lead = run("--as", "zhang.wei", "log", "--person", "liu.yang", "--task", "T2",
                      "--hours", "1.5")
    assert own.startswith("logged 2 h for liu.yang on T2, 2026-03-10 ")
    assert shanghai.startswith("logged 1 h for chen.jing on T3, 2026-03-11 ")
    assert by_lead.startswith("logged 1.5 h for liu.yang on T2, 2026-03-10 ")
    listed = run("--as", "zhang.wei", "entries", "--from", "2026-03-10", "--to", "2026-03-10")
    rows = [line.split() for line in listed.splitlines() if "2026-03-" in line]
    assert [(r[1], r[2], r[3], r[4]) for r in rows] == [
        ("2026-03-10", "liu.yang", "T2", "2"), ("2026-03-10", "liu.yang", "T2", "1.5")]
    assert listed.splitlines()[-1] == "2 entries, 3.5 h"
    eleventh = run("--as", "zhang.wei", "entries", "--from", "2026-03-11")
    assert [line.split()[1:3] for line in eleventh.splitlines() if "2026-03-" in line] == [
        ["2026-03-11", "chen.jing"]]


def test_the_leads_timesheet_shows_the_lisbon_entry_on_the_tenth(lisbon: Ledger) -> None:
    """The lead's TUI runs on Shanghai's today, the 11th (pinned, as every TUI test does);
    the week grid still puts liu.yang's hours under Tue 03-10."""
    from textual.widgets import DataTable

    from .tui_support import drive, screen_text, settle

    with pendulum.travel_to(LISBON_EVENING, freeze=True):
        as_(lisbon, "liu.yang").log("T2", "2")
        as_(lisbon, "chen.jing").log("T2", "1")
        lead_today = Ledger.today("Asia/Shanghai")
    assert lead_today == ELEVENTH
    seen: dict[str, object] = {}

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("3")
        await settle(pilot)
        grid = pilot.app.screen.query_one("#ts-grid", DataTable)
        for person in ("liu.yang", "chen.jing"):
            for day in (TENTH, ELEVENTH):
                seen[f"{person} {day}"] = str(grid.get_cell(person, day.isoformat())).strip()
        seen["text"] = screen_text(pilot.app)

    drive(lisbon, scenario, today=lead_today)
    assert (seen["liu.yang 2026-03-10"], seen["liu.yang 2026-03-11"]) == ("2", "")
    assert (seen["chen.jing 2026-03-10"], seen["chen.jing 2026-03-11"]) == ("", "1")
    header = str(seen["text"]).split("person", 1)[1].splitlines()
    assert "Tue 03-10" in header[0] and "Wed 03-11" in header[0] and "today" in header[1]
