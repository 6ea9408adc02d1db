"""One display rule per thing: the app, the command line and the sheets print an hour
figure and a grade the same way, from model/formats.py."""

from __future__ import annotations

import pytest

from exports import base as sheet_base
from exports import timesheet as sheet_timesheet
from model import formats
from tui import text as app_text
from tui.widgets import entry_form


@pytest.mark.parametrize(("minutes", "shown"), [
    (0, "0"), (480, "8"), (450, "7.5"), (66, "1.1"), (3, "0.05"), (10, "0.17"), (20, "0.33"),
    (1440, "24"), (-30, "-0.5"), (100_000_000, "1666666.67"),
])
def test_hours_print_the_same_in_the_app_and_on_a_sheet(minutes: int, shown: str) -> None:
    assert formats.format_hours(minutes) == shown
    assert sheet_timesheet.fmt_hours(minutes) == shown  # the timesheet sheet
    assert app_text.fmt_hours(minutes) == shown  # My day, the command line
    assert entry_form.hours(minutes) == shown  # the timesheet and journal views


def test_loggable_hours_are_shown_exactly() -> None:
    """Whole minutes given as a decimal of hours are multiples of 3 minutes: two decimals
    always show them exactly, so the rounding never hides a minute."""
    for minutes in range(0, 24 * 60 + 1, 3):
        assert formats.format_hours(minutes, 2) == formats.format_hours(minutes, 6)


@pytest.mark.parametrize(("grade", "zh", "en"), [
    ("senior", "高级工程师", "Senior engineer"), ("junior", "初级工程师", "Junior engineer"),
    ("", "", ""), ("other", "other", "other"),
])
def test_a_grade_has_one_title(grade: str, zh: str, en: str) -> None:
    assert sheet_base.grade_title is formats.grade_title
    assert formats.grade_title(grade, "zh") == zh
    assert formats.grade_title(grade, "en") == en
