"""The app as a whole, the dashboard and My day, driven with Textual's Pilot."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import Input

from storage.services import Ledger
from tui.app import ACTIONS, SowtrackApp

from .snapshot import assert_snapshot
from .tui_support import TODAY, demo_ledger, drive, screen_text, settle


def test_the_dashboard_on_the_demo(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    seen: dict[str, str] = {}

    async def scenario(pilot) -> None:
        assert pilot.app.current_mode == "dashboard"  # the lead's default
        seen["text"] = screen_text(pilot.app)

    drive(led, scenario)
    text = seen["text"]
    s = led.summary(TODAY)
    # The figures on screen are the ledger's.
    assert "PD  budget 460 · consumed 348.812 · remaining 111.188" in text
    assert f"forecast end {s.forecast_end} against the end {s.end}" in text
    assert "zhou.jie has no entry on 2026-11-20" in text  # an engineer who did not log
    assert "blocker B-002 (client) open for 8 working days" in text
    assert "quota research-meetings is at its limit" in text
    assert "CR-002 pending: waiting for client" in text
    assert "Burn-down (PD)" in text
    assert_snapshot("dashboard.txt", text)


def test_my_day_logs_an_entry_in_a_few_keys(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path, actor="liu.yang")
    before = len(led.entries(person="liu.yang"))

    async def scenario(pilot) -> None:
        assert pilot.app.current_mode == "myday"  # an engineer's default view
        assert isinstance(pilot.app.focused, Input) and pilot.app.focused.id == "log-hours"
        await pilot.press("7", ".", "5")
        await settle(pilot)
        # The preview shows the grade's budget after this entry as the hours are typed.
        assert "senior: 38.938 PD left → 38 after this entry" in screen_text(pilot.app)
        await pilot.press("enter")
        await settle(pilot)
        assert "logged today 7.5 h = 0.938 PD" in screen_text(pilot.app)

    drive(led, scenario)
    entries = led.entries(person="liu.yang")
    assert len(entries) == before + 1
    new = entries[-1]
    assert (new.on, new.minutes, new.task, new.grade) == (TODAY, 450, "T5", "senior")


def test_my_day_shows_the_ledgers_refusal_and_writes_nothing(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path, actor="liu.yang")
    before = led.entries(person="liu.yang")

    async def scenario(pilot) -> None:
        await pilot.press("2", "5")  # 25 hours
        await settle(pilot)
        assert "Hours: 25 is more than 24 hours" in screen_text(pilot.app)
        await pilot.press("enter")
        await settle(pilot)
        notes = [n.message for n in pilot.app._notifications]
        assert any("Hours: 25 is more than 24 hours" in m and "--" not in m for m in notes)

    drive(led, scenario)
    assert led.entries(person="liu.yang") == before


def test_a_client_signatory_does_not_log(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path, actor="li.na")
    seen: dict[str, str] = {}

    async def scenario(pilot) -> None:
        await pilot.press("2")
        await settle(pilot)
        seen["text"] = screen_text(pilot.app)

    drive(led, scenario)
    assert "李娜 does not log hours" in seen["text"]
    assert "Log hours" not in seen["text"]  # neither the form nor its key in the footer


def test_views_switch_by_key_and_help_lists_every_views_keys(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    seen: dict[str, object] = {}

    async def scenario(pilot) -> None:
        modes = []
        for key in "1234567890":
            if pilot.app.current_mode == "myday":
                await pilot.press("escape")  # out of the hours field first
            await pilot.press(key)
            await settle(pilot)
            modes.append(pilot.app.current_mode)
        seen["modes"] = modes
        await pilot.press("question_mark")
        await settle(pilot)
        seen["help"] = screen_text(pilot.app)

    drive(led, scenario)
    assert seen["modes"] == ["dashboard", "myday", "timesheet", "tasks", "blockers", "changes",
                             "team", "signoffs", "journal", "exports"]
    assert "My day" in seen["help"] and "l           Log hours" in seen["help"]


def test_every_palette_action_exists_on_its_view() -> None:
    """The command palette's entries call actions that the views really define."""
    for _title, _help, mode, action in ACTIONS:
        screen = SowtrackApp.MODES[mode]
        assert action is None or hasattr(screen, f"action_{action}"), (mode, action)


def test_acting_as_someone_else(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)

    async def scenario(pilot) -> None:
        pilot.app.set_actor("chen.jing")
        await pilot.press("2")
        await settle(pilot)
        assert "陈静 chen.jing · expert" in screen_text(pilot.app)
        assert "as 陈静 chen.jing (engineer)" in screen_text(pilot.app)

    drive(led, scenario)


def test_the_app_uses_todays_date_when_none_is_given(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    app = SowtrackApp(Ledger(led.engine, led.project_code, None))
    assert app.today == Ledger.today("Asia/Shanghai") and not app.today_given
    assert app.ledger.actor == "zhang.wei"  # the vendor lead when nobody is named
    assert isinstance(app.today, date)


def test_the_palette_offers_every_key_of_every_view(tmp_path: Path) -> None:
    from tui.app import view_bindings

    led = demo_ledger(tmp_path)
    app = SowtrackApp(led, today=TODAY)
    seen: dict[str, list[str]] = {}

    async def scenario(pilot) -> None:
        seen["titles"] = [c.title for c in pilot.app.get_system_commands(pilot.app.screen)]

    async def main() -> None:
        async with app.run_test(size=(150, 45)) as pilot:
            await scenario(pilot)

    import asyncio

    asyncio.run(main())
    titles = seen["titles"]
    assert "Log hours" in titles and "Raise a change request" in titles
    assert "Timesheet: Delete" in titles and "Journal: Filter" in titles
    assert "Team: Change grade" in titles
    named = {(m, a) for _, _, m, a in ACTIONS}
    for mode, screen in SowtrackApp.MODES.items():
        for b in view_bindings(screen):
            assert (mode, b.action) in named or any(t.endswith(": " + b.description)
                                                    for t in titles), (mode, b.action)


def test_my_day_digits_type_in_a_field_and_switch_views_out_of_it(tmp_path: Path) -> None:
    """Issue 14: on My day the hours field has the focus (7.5 Enter logs), so a digit is
    typed there; the footer then shows Esc, which leaves the field, and out of a text
    field the digits switch views again."""
    led = demo_ledger(tmp_path, actor="liu.yang")
    seen: dict[str, object] = {}

    async def scenario(pilot) -> None:
        assert pilot.app.current_mode == "myday"
        seen["typing"] = screen_text(pilot.app).splitlines()[-1]
        await pilot.press("3")
        await settle(pilot)
        seen["typed"] = (pilot.app.current_mode,
                         pilot.app.screen.query_one("#log-hours", Input).value)
        await pilot.press("escape")
        await settle(pilot)
        seen["out"] = screen_text(pilot.app).splitlines()[-1]
        await pilot.press("3")
        await settle(pilot)
        seen["mode"] = pilot.app.current_mode

    drive(led, scenario)
    assert "esc Leave field (then 1..9 switch view)" in str(seen["typing"])
    assert seen["typed"] == ("myday", "3")
    assert "esc Leave field" not in str(seen["out"]) and "l Log hours" in str(seen["out"])
    assert seen["mode"] == "timesheet"
