"""What a process imports and what the dashboard waits for (issue 13: startup).

A command line process imports neither Textual nor ReportLab; the app imports the screen
of the view it shows, not the other ten; the dashboard paints its headline before the
alerts, the side panels and the chart are read.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from storage.demo import DEMO_CODE
from storage.services import Ledger
from tui.app import SowtrackApp

from .processes import cli_env
from .tui_support import SIZE, TODAY, demo_ledger, screen_text, settle

#: runs tui.cli.main with argv[1:], then prints the modules it imported, as JSON, on the
#: last line of stderr
CLI = """
import json, sys
from tui.cli import main
sys.argv = ["sowtrack", *sys.argv[1:]]
try:
    rc = main()
except SystemExit as exc:
    rc = exc.code
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
sys.exit(rc or 0)
"""

HEAVY = ("textual", "reportlab", "textual_plotext", "plotext", "alembic", "openpyxl")
HEAVY += ("smtplib", "aiosmtpd")  # remind's mail client, and the tests' mail server
HEAVY += ("textual_serve", "aiohttp")  # serve imports these when it starts


def _modules(argv: list[str], code: str = CLI) -> tuple[str, set[str]]:
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True,
                          text=True, timeout=300,
                          env=cli_env(SOWTRACK_TODAY=TODAY.isoformat()))
    assert done.returncode == 0, done.stderr
    return done.stdout, set(json.loads(done.stderr.strip().splitlines()[-1]))


def _tops(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def _demo_url(tmp_path: Path) -> str:
    led = demo_ledger(tmp_path)
    led.engine.dispose()
    return f"sqlite:///{tmp_path / 'tui.db'}"


def test_help_imports_no_terminal_no_pdf_no_database() -> None:
    out, modules = _modules(["--help"])
    assert "usage: sowtrack" in out
    assert not _tops(modules) & {*HEAVY, "sqlalchemy"}, sorted(_tops(modules) & {*HEAVY,
                                                                                "sqlalchemy"})


@pytest.mark.parametrize("argv", [["report", "summary"], ["report", "burndown", "--json"],
                                  []])  # no command, piped: the status
def test_a_report_imports_no_terminal_and_no_pdf(tmp_path: Path, argv: list[str]) -> None:
    url = _demo_url(tmp_path)
    out, modules = _modules(["--db", url, "--project", DEMO_CODE, *argv])
    assert "DEMO-AGENT" in out or '"on"' in out, out[:300]
    assert not _tops(modules) & set(HEAVY), sorted(_tops(modules) & set(HEAVY))
    assert "sqlalchemy" in _tops(modules)  # it did open the ledger


GC = """
import gc, json, sys
from tui.cli import main
assert main(sys.argv[1:]) == 0
frozen = gc.get_freeze_count()
assert main(sys.argv[1:]) == 0  # the services imported: nothing is paused or frozen again
print(json.dumps([frozen, gc.get_freeze_count(), gc.isenabled()]))
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def test_the_first_ledger_import_pauses_the_collector(tmp_path: Path) -> None:
    """The heavy import of a command is made with the cyclic collector off, what it made
    frozen out of the collector's scans, the collector on again for the command's work
    (tui.commands.common.collector_paused): a third of `log`'s start-up."""
    url = _demo_url(tmp_path)
    out, _ = _modules(["--db", url, "--project", DEMO_CODE, "report", "summary", "--json"],
                      code=GC)
    frozen, again, enabled = json.loads(out.strip().splitlines()[-1])
    assert frozen > 100_000  # SQLAlchemy's and sowtrack's objects
    assert again == frozen
    assert enabled is True


#: opens the app headless on the ledger argv[1] until the dashboard's headline shows the
#: figures, then prints the modules imported, as _modules expects
APP = """
import asyncio, json, sys
from datetime import date
from storage.services import Ledger
from tui.app import SowtrackApp

async def main():
    app = SowtrackApp(Ledger.open(sys.argv[1], sys.argv[2]), date.fromisoformat(sys.argv[3]))
    async with app.run_test(size=(150, 45)) as pilot:
        for _ in range(1200):
            await pilot.pause(0.05)
            if "consumed" in str(app.screen.query_one("#headline").render()):
                break
        else:
            raise SystemExit("no figures")
    print(app.current_mode)

asyncio.run(main())
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def test_the_app_imports_the_screen_it_shows_and_no_other(tmp_path: Path) -> None:
    _, before = _modules([], code="import json, sys, tui.app\n"
                                  "print(json.dumps(sorted(sys.modules)), file=sys.stderr)")
    assert not {m for m in before if m.startswith("tui.screens.")}, sorted(before)
    out, modules = _modules([_demo_url(tmp_path), DEMO_CODE, TODAY.isoformat()], code=APP)
    assert out.strip() == "dashboard"
    screens = {m for m in modules if m.startswith("tui.screens.")}
    assert screens == {"tui.screens.dashboard"}, sorted(screens)
    assert "reportlab" not in _tops(modules)
    assert not {m for m in modules if m.startswith(("storage.sheets", "tui.sheets"))}


def test_every_view_is_still_there_when_asked_for() -> None:
    from tui.app import VIEW_SCREENS
    from tui.screens.exports import ExportsScreen

    assert VIEW_SCREENS["exports"] is ExportsScreen
    assert SowtrackApp.MODES["exports"].screen_class is ExportsScreen
    assert len(VIEW_SCREENS) == 12  # 1..9, 0, o and h (History)


def test_the_headline_is_painted_before_the_alerts_and_the_chart(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    led = demo_ledger(tmp_path)
    # The real alerts, held back until the headline has been seen on screen: the chart
    # and the side panels come after them.
    gate = threading.Event()
    alerts = Ledger.alerts

    def held(self: Ledger, *args, **kwargs):
        assert gate.wait(30), "the headline never showed while the alerts were held"
        return alerts(self, *args, **kwargs)

    monkeypatch.setattr(Ledger, "alerts", held)
    seen: dict[str, str] = {}

    async def main() -> None:
        app = SowtrackApp(led, today=TODAY)
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(600):  # up to 30 s on a busy machine
                await pilot.pause(0.05)
                shown = screen_text(app)  # the headline and the grade table's rows
                if "PD  budget 460" in shown and "senior_expert" in shown:
                    break
            seen["before"] = screen_text(app)
            gate.set()
            await settle(pilot)
            seen["after"] = screen_text(app)

    asyncio.run(main())
    figures = "PD  budget 460 · consumed 348.812 · remaining 111.188"
    assert figures in seen["before"]
    assert "senior_expert" in seen["before"]  # the budget by grade is in too
    assert "Burn-down (PD)" not in seen["before"]
    assert "CR-001" not in seen["before"]  # the side panels follow
    assert figures in seen["after"] and "Burn-down (PD)" in seen["after"]
    assert "CR-001" in seen["after"]


def test_open_app_reads_the_figures_while_starting_and_only_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import storage.services.reports as reports
    from tui.startup import open_app

    led = demo_ledger(tmp_path)
    threads: list[str] = []
    daily_sums = reports.daily_sums

    def counted(*args, **kwargs):  # the real query, and the thread that ran it
        threads.append(threading.current_thread().name)
        return daily_sums(*args, **kwargs)

    monkeypatch.setattr(reports, "daily_sums", counted)
    seen: dict[str, str] = {}

    async def main() -> None:
        app = open_app(Ledger(led.engine, led.project_code, None), TODAY)
        assert app.ledger.actor == "zhang.wei"  # the vendor lead when nobody is named
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            seen["text"] = screen_text(app)

    asyncio.run(main())
    assert "PD  budget 460 · consumed 348.812 · remaining 111.188" in seen["text"]
    assert threads == ["sowtrack-opening"]  # the dashboard's load found them read


def test_open_app_refuses_an_unknown_person_before_the_app_starts(tmp_path: Path) -> None:
    from model.errors import LedgerError
    from tui.startup import open_app

    led = demo_ledger(tmp_path)
    with pytest.raises(LedgerError, match="unknown person 'nobody'"):
        open_app(Ledger(led.engine, led.project_code, "nobody"), TODAY)


def test_open_app_reads_no_figures_for_an_engineers_day(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import storage.services.reports as reports
    from tui.startup import open_app

    led = demo_ledger(tmp_path)
    threads: list[str] = []
    daily_sums = reports.daily_sums

    def counted(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return daily_sums(*args, **kwargs)

    monkeypatch.setattr(reports, "daily_sums", counted)
    app = open_app(Ledger(led.engine, led.project_code, "liu.yang"), TODAY)
    app.opening.facts_read()
    assert app.ledger.actor == "liu.yang" and threads == []
