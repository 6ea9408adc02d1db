"""Issue 14: the sign-a-period dialog proposes the earliest period still to sign (the
first gap, or a period awaiting the acting person's signature), never a signed one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import Input

from model.rules import first_unsigned_period
from tui.widgets.form import FormScreen

from .tui_support import TODAY, demo_ledger, drive, settle

START, END = date(2026, 8, 17), date(2027, 1, 1)
SEPT = (date(2026, 9, 1), date(2026, 9, 30))


def test_the_first_gap_comes_before_the_month_after_the_signed_ones() -> None:
    assert first_unsigned_period(START, END, [SEPT]) == (START, date(2026, 8, 31))
    assert first_unsigned_period(START, END, [SEPT, (START, date(2026, 8, 31))]) == (
        date(2026, 10, 1), date(2026, 10, 31))
    # a gap cut short by the next period, and the SOW's end
    assert first_unsigned_period(START, END, [(date(2026, 8, 20), date(2026, 8, 31))]) == (
        START, date(2026, 8, 19))
    assert first_unsigned_period(START, date(2026, 8, 25), []) == (START, date(2026, 8, 25))
    assert first_unsigned_period(START, date(2026, 9, 30),
                                 [(START, date(2026, 8, 31)), SEPT]) is None


def _proposed(led, actor: str | None = None) -> tuple[str, str, str]:
    seen: dict[str, tuple[str, str, str]] = {}

    async def scenario(pilot) -> None:
        if actor:
            pilot.app.set_actor(actor)
            await settle(pilot)
        await pilot.press("8", "p")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, FormScreen)
        seen["v"] = (form.query_one("#f-first", Input).value,
                     form.query_one("#f-last", Input).value,
                     form.fields[0].help)

    drive(led, scenario)
    return seen["v"]


def test_the_dialog_proposes_the_gap_then_the_next_month_never_a_signed_one(
        tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    signed = [(d.first, d.last) for d in led.signoffs() if d.kind == "period"]
    assert signed == [SEPT]  # the demo's, signed by both parties
    first, last, why = _proposed(led)
    assert (first, last) == ("2026-08-17", "2026-08-31")
    assert why == "default: the earliest period not yet signed"
    # the vendor lead signs the gap: it awaits the client, who is proposed it
    led.acting_as("zhang.wei").sign_period(START, date(2026, 8, 31), TODAY)
    first, last, why = _proposed(led, "li.na")
    assert (first, last) == ("2026-08-17", "2026-08-31")
    assert "awaits the client signature" in why
    # the lead, who signed it, is proposed the next month not signed: October
    first, last, _ = _proposed(led, "zhang.wei")
    assert (first, last) == ("2026-10-01", "2026-10-31")
    led.acting_as("li.na").sign_period(START, date(2026, 8, 31), TODAY)
    led.acting_as("zhang.wei").sign_period(date(2026, 10, 1), date(2026, 10, 31), TODAY)
    led.acting_as("li.na").sign_period(date(2026, 10, 1), date(2026, 10, 31), TODAY)
    first, last, why = _proposed(led)
    assert (first, last) == ("2026-11-01", "2026-11-30")
    assert "can be signed once it has ended, from 2026-12-01" in why
