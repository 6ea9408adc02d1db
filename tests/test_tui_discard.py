"""Issue 14: Esc on a form whose fields were changed asks "Discard changes?" before
throwing them away; an untouched form closes at once."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from tui.widgets.form import ConfirmScreen, FormScreen

from .tui_support import demo_ledger, drive, screen_text, settle


def test_esc_on_a_changed_form_asks_before_discarding(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    before = led.blockers()
    seen: dict[str, object] = {}

    async def scenario(pilot) -> None:
        await pilot.press("5", "a")  # Blockers: add a blocker
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormScreen)
        await pilot.press(*"VPN down")
        await pilot.press("escape")
        await settle(pilot)
        seen["asked"] = isinstance(pilot.app.screen, ConfirmScreen)
        seen["question"] = screen_text(pilot.app)
        await pilot.press("escape")  # no: back to the form, as it was
        await settle(pilot)
        form = pilot.app.screen
        seen["kept"] = (isinstance(form, FormScreen) and not isinstance(form, ConfirmScreen)
                        and form.query_one("#f-title", Input).value)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter")  # Discard
        await settle(pilot)
        seen["closed"] = not isinstance(pilot.app.screen, FormScreen)

    drive(led, scenario)
    assert seen["asked"] is True
    assert "Discard changes?" in str(seen["question"])
    assert seen["kept"] == "VPN down"
    assert seen["closed"] is True
    assert led.blockers() == before


def test_esc_on_an_untouched_form_closes_it(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    seen: dict[str, object] = {}

    async def scenario(pilot) -> None:
        await pilot.press("5", "a")
        await settle(pilot)
        seen["open"] = isinstance(pilot.app.screen, FormScreen)
        await pilot.press("escape")
        await settle(pilot)
        seen["screen"] = pilot.app.screen

    drive(led, scenario)
    assert seen["open"] is True
    assert not isinstance(seen["screen"], FormScreen)
