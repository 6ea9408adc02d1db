"""The app's house rules: one handler for a worker's failure, the acting person as a
reactive every view follows, and screens that never import each other."""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path

import pytest

from tui.app import SowtrackApp
from tui.screens.dashboard import DashboardScreen
from tui.widgets.navbar import NavBar

from .tui_support import SIZE, TODAY, demo_ledger, drive, screen_text, settle

SCREENS = Path(__file__).resolve().parent.parent / "tui" / "screens"


def _bar(app) -> str:
    return str(app.screen.query_one(NavBar).render())


def test_a_load_that_fails_is_shown_and_the_app_keeps_running(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: DashboardScreen) -> None:
        raise RuntimeError("the figures could not be read\nsecond line")

    monkeypatch.setattr(DashboardScreen, "load", broken)
    led = demo_ledger(tmp_path)
    seen: dict[str, object] = {}
    app = SowtrackApp(led, today=TODAY)

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            # settle() would re-raise the load's failure while its worker is still
            # listed: wait instead for the failure to be shown and its worker gone.
            for _ in range(600):  # up to 30 s on a busy machine
                await pilot.pause(0.05)
                shown = [n.message for n in app._notifications]
                if any("RuntimeError" in m for m in shown) and not list(app.workers):
                    break
            seen["running"] = app.is_running
            seen["messages"] = [n.message for n in app._notifications]
            await pilot.press("3")  # the app still answers: another view opens
            await settle(pilot)
            seen["mode"] = app.current_mode

    asyncio.run(main())
    assert seen["running"] is True
    assert "RuntimeError: the figures could not be read second line" in seen["messages"]
    assert seen["mode"] == "timesheet"
    assert app.return_code in (None, 0)


def test_every_views_top_bar_follows_the_acting_person(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    seen: dict[str, str] = {}

    async def scenario(pilot) -> None:
        await pilot.press("3")  # the timesheet is built with the lead acting
        await settle(pilot)
        seen["before"] = _bar(pilot.app)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("ctrl+a")
        await settle(pilot)
        pilot.app.screen.dismiss("chen.jing")  # the Act-as dialog's choice
        await settle(pilot)
        seen["here"] = _bar(pilot.app)
        await pilot.press("3")
        await settle(pilot)
        seen["there"] = _bar(pilot.app)
        seen["text"] = screen_text(pilot.app)

    app = drive(led, scenario)
    assert app.acting == "chen.jing"
    assert "chen.jing" not in seen["before"]
    assert "as 陈静 chen.jing (engineer)" in seen["here"]
    assert "as 陈静 chen.jing (engineer)" in seen["there"]
    assert "as 陈静 chen.jing (engineer)" in seen["text"]


def test_no_screen_imports_another() -> None:
    """Shared helpers live in tui/widgets/ or tui/text.py: a screen module never imports
    another screen module (the app alone knows every screen)."""
    offending = []
    for path in sorted(SCREENS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
                if node.level:  # a relative import inside tui/screens
                    offending.append(f"{path.name}: from {'.' * node.level}{node.module or ''}")
                    continue
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            if any(n == "tui.screens" or n.startswith("tui.screens.") for n in names):
                offending.append(f"{path.name}: {', '.join(names)}")
    assert offending == []
