"""Issue 14: the app's messages name form fields and the acting person in words, where the
command line names its options; one refusal (model.errors.FieldError), two wordings."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from model.errors import FieldError, LedgerError
from tui.cli import main
from tui.text import refusal
from tui.widgets.form import FormScreen

from .tui_support import demo_ledger, drive, settle


def _preview(form: FormScreen) -> str:
    return str(form.query_one("#preview", Static).render())


def test_the_sign_a_period_dialog_names_its_fields_by_their_labels(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    seen: list[str] = []

    async def scenario(pilot) -> None:
        await pilot.press("8", "p")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#f-first", Input).value = "2026-10-31"
        form.query_one("#f-last", Input).value = "2026-10-01"
        await settle(pilot)
        seen.append(_preview(form))
        form.query_one("#f-last", Input).value = "2026-10-31"
        form.query_one("#f-on", Input).value = "soon"
        await settle(pilot)
        seen.append(_preview(form))

    drive(led, scenario)
    assert seen == ["⚠ To: 2026-10-01 is before From 2026-10-31",
                    "⚠ Signed on: 'soon' is not a date (YYYY-MM-DD)"]


def test_the_acting_person_is_named_in_words_not_by_the_option() -> None:
    exc = FieldError("actor", "liu.yang has already signed CR-002")
    assert refusal(exc) == "Acting as (ctrl+a): liu.yang has already signed CR-002"
    assert "--as" not in refusal(exc)


def test_the_app_says_hours_where_the_command_line_says_dash_dash_hours(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    led = demo_ledger(tmp_path, actor="liu.yang")
    with pytest.raises(LedgerError) as refused:
        led.log("T2", "25")
    shown: dict[str, str] = {}

    async def scenario(pilot) -> None:
        await pilot.press("2", "5", "enter")
        await settle(pilot)
        shown["notes"] = " | ".join(n.message for n in pilot.app._notifications)

    drive(led, scenario)
    assert f"Hours: {refused.value.problem}" in shown["notes"]
    assert "--hours" not in shown["notes"] and "hours:" not in shown["notes"]
    db = f"sqlite:///{tmp_path / 'tui.db'}"
    rc = main(["--db", db, "--project", "DEMO-AGENT", "--as", "liu.yang", "log",
               "--hours", "25", "--task", "T2"])
    assert rc == 1
    assert capsys.readouterr().err.strip() == f"error: --hours: {refused.value.problem}"
