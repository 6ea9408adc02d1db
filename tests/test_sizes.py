"""The app at any size (issue 14): every view of the demo captured at 80×24, 120×40 and
200×60 and compared with its golden text file in tests/snapshots/sizes/, and what must
never be cut asserted apart from the captures (so that a regenerated capture cannot
hide a cut): the acting person in the top bar, the dashboard's remaining PD, the
timesheet's Sunday and totals, a task's assignees and their planned PD whole.

The captures change with the demo's figures (its calendar, its entries) and with any
deliberate change to a screen. Regenerate them, then read the diff before committing:

    SOWTRACK_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_sizes.py

The last test checks that every key the footer or the command palette offers is in the
``?`` help, written as the footer writes it.
"""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from model.rules import BurndownRow, pd_of_milli
from tui.app import VIEW_MODES, view_bindings
from tui.screens.help import key_display
from tui.screens.tasks import assignees_text
from tui.text import fmt_pd
from tui.widgets.burndown import step_labels
from tui.widgets.chart_slot import ChartData, ChartSlot
from tui.widgets.navbar import VIEWS
from tui.widgets.tables import FitTable
from tui.widgets.week_grid import monday_of

from .snapshot import assert_snapshot
from .tui_support import TODAY, demo_ledger, drive, screen_text, settle_reloads

SIZES = [(80, 24), (120, 40), (200, 60)]
ACTING = "as 张伟 zhang.wei (lead)"  # the demo's vendor lead, whom the app acts as


def masked(mode: str, text: str) -> str:
    """``text`` with the moments the History view's rows were recorded masked: the demo
    is built by the real clock (an audit row's time is never made up), the rest of the
    view is the same every run."""
    if mode != "history":
        return text
    moment = r"(\d{4}-\d{2}-\d{2}) \d{2}:\d{2}"
    days = set(re.findall(moment, text))
    text = re.sub(moment, "YYYY-MM-DD hh:mm", text)
    for day in days:  # "recorded on 2026-12-05", "… on 2026-12-05", cut: "on 2026-12"
        text = text.replace(day, "YYYY-MM-DD")
        for n in range(len(day) - 1, 3, -1):
            text = re.sub(re.escape(day[:n]) + r"(?=\s*$)", "YYYY-MM-DD"[:n], text,
                          flags=re.M)
    return text


async def show(pilot: Pilot, mode: str) -> str:
    """Switch to ``mode``'s view, let it load, and return the screen's text."""
    await pilot.app.switch_mode(mode)
    await settle_reloads(pilot)
    await pilot.pause()
    await settle_reloads(pilot)
    return screen_text(pilot.app)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_view_at_this_size_matches_its_capture(tmp_path: Path,
                                                     size: tuple[int, int]) -> None:
    shots: dict[str, str] = {}
    sideways: list[tuple[str, str | None, int, int]] = []

    async def scenario(pilot: Pilot) -> None:
        for mode, _key, _label in VIEWS:
            shots[mode] = await show(pilot, mode)
            # A table that fits the terminal never scrolls sideways (the CR list did at
            # 80×24 by a few columns: its title cut to the least was still too wide).
            sideways.extend((mode, t.id, t.virtual_size.width, t.size.width)
                            for t in pilot.app.screen.query(FitTable)
                            if t.display and t.virtual_size.width > t.size.width)

    drive(demo_ledger(tmp_path, "zhang.wei"), scenario, size=size)
    assert not sideways, sideways
    different = []
    for mode, text in shots.items():
        lines = text.splitlines()
        assert len(lines) == size[1], mode
        # The top bar: the acting person whole, at every size, in every view.
        assert lines[0].rstrip().endswith(ACTING), (mode, lines[0])
        try:
            assert_snapshot(f"sizes/{size[0]}x{size[1]}/{mode}.txt", masked(mode, text))
        except AssertionError as exc:
            different.append(str(exc))
    assert not different, "\n".join(different)


def test_at_80x24_nothing_essential_is_cut(tmp_path: Path) -> None:
    seen: dict[str, object] = {}
    led = demo_ledger(tmp_path, "zhang.wei")
    t2 = next(t for t in led.tasks() if t.code == "T2")
    period = next(d for d in led.signoffs() if d.number == "TS-001")
    assert period.first is not None
    locked_day = period.first + timedelta(days=10)  # a week all in the period

    async def scenario(pilot: Pilot) -> None:
        app = pilot.app
        # The dashboard: the budget by grade keeps its remaining PD, every grade and the
        # total on the first screen, above the chart.
        text = await show(pilot, "dashboard")
        grades = app.screen.query_one("#grades", FitTable)
        seen["grades"] = (grades.dropped, grades.cut, grades.row_count)
        seen["dashboard"] = text
        chart = app.screen.query_one("#chart")
        seen["chart_below_grades"] = chart.region.y >= grades.region.bottom
        # The timesheet: the whole week with its totals, no sideways scroll.
        text = await show(pilot, "timesheet")
        grid = app.screen.query_one("#ts-grid", DataTable)
        seen["timesheet"] = text
        seen["grid_fits"] = (grid.virtual_size.width, grid.scrollable_content_region.width)
        # A week of the signed period TS-001 (September): each day's "lock" apart.
        for _ in range((monday_of(TODAY) - monday_of(locked_day)).days // 7):
            await pilot.press("left_square_bracket")
            await settle_reloads(pilot)
        seen["locked_week"] = screen_text(app)
        # Tasks: T2's allocations, chen.jing's planned PD whole.
        await show(pilot, "tasks")
        table = app.screen.query_one("#tasks", DataTable)
        table.move_cursor(row=table.get_row_index("T2"))
        await settle_reloads(pilot)
        seen["tasks"] = screen_text(app)

    drive(led, scenario, size=(80, 24))

    dropped, cut, rows = seen["grades"]  # type: ignore[misc]
    assert "remaining PD" not in dropped and "remaining PD" not in cut
    assert rows == len(led.summary(TODAY).by_grade) + 1  # every grade and the total
    dashboard = str(seen["dashboard"]).splitlines()
    header = next(line for line in dashboard if line.lstrip().startswith("grade"))
    assert "remaining PD" in header
    assert any(line.lstrip().startswith("total") for line in dashboard)
    assert seen["chart_below_grades"]

    sheet = str(seen["timesheet"])
    sunday = TODAY + timedelta(days=6 - TODAY.weekday())
    head = next(line for line in sheet.splitlines() if line.startswith("person"))
    assert re.search(rf"\bSu(n)? {sunday.day}\b", head), head  # Sunday, e.g. "Su 22"
    assert re.search(r"\bMo(n)? ", head), head
    for column in ("hours", "PD", "over"):
        assert re.search(rf"\b{column}", head), (column, head)
    assert "daily total" in sheet
    virtual, shown = seen["grid_fits"]  # type: ignore[misc]
    assert virtual <= shown, "the week's grid scrolls sideways at 80 columns"

    locked = str(seen["locked_week"]).splitlines()
    notes = locked[locked.index(next(x for x in locked if x.startswith("person"))) + 1]
    assert re.search(r"lock\s+lock", notes) and "locklock" not in notes, notes

    tasks = str(seen["tasks"])
    assert "Allocations of T2" in tasks
    for person, planned in t2.assignees:
        if planned is None:
            continue
        line = next(line for line in tasks.splitlines() if f" {person} " in line)
        assert line.rstrip().endswith(f" {fmt_pd(pd_of_milli(planned))}"), line


def test_a_cut_list_of_assignees_keeps_whole_people(tmp_path: Path) -> None:
    """Where the Tasks view has room for part of the assignees (150 columns), it shows
    whole people and an ellipsis, never part of a person's planned PD."""
    led = demo_ledger(tmp_path, "zhang.wei")
    full = {t.code: t for t in led.tasks()}
    shown: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        await show(pilot, "tasks")
        table = pilot.app.screen.query_one("#tasks", FitTable)
        assert "assignees" in table.cut  # this width cuts the column
        for code in full:
            cell = table.get_cell(code, "assignees")
            shown[code] = cell.plain if hasattr(cell, "plain") else str(cell)

    drive(led, scenario, size=(150, 45))
    cut = 0
    for code, text in shown.items():
        items = assignees_text(full[code]).split(", ")
        if text.endswith("…"):
            cut += 1
            kept = [i for i in text[:-1].split(", ") if i]
            assert kept == items[:len(kept)], (code, text)
        else:
            assert text == ", ".join(items), (code, text)
    assert cut  # the check saw a cut list


def test_every_key_offered_is_in_the_help(tmp_path: Path) -> None:
    """Each key the footer or the palette offers, in every view and the global ones, is
    in the ``?`` help with its description, written as the footer writes it ([, ^s)."""
    help_text: list[str] = []
    footers: dict[str, str] = {}

    async def scenario(pilot: Pilot) -> None:
        for mode, _key, _label in VIEWS:
            footers[mode] = (await show(pilot, mode)).splitlines()[-1]
        await pilot.app.switch_mode("dashboard")
        await settle_reloads(pilot)
        await pilot.press("question_mark")
        await settle_reloads(pilot)
        help_text.append(str(pilot.app.screen.query_one("#keys", Static).render()))

    app = drive(demo_ledger(tmp_path, "zhang.wei"), scenario, size=(200, 60))
    lines = help_text[0].splitlines()

    def in_help(binding: Binding) -> bool:
        keys = key_display(app, binding)
        return any(re.fullmatch(rf"\s+{re.escape(keys)}\s+{re.escape(binding.description)}",
                                line) for line in lines)

    # Every key a view or the app binds and shows (the footer's and the palette's)...
    offered = [b for b in app.BINDINGS if isinstance(b, Binding) and b.show]
    for mode, _key, _label in VIEWS:
        offered += view_bindings(VIEW_MODES[mode])
    assert any(b.key == "left_square_bracket" for b in offered)
    missing = [(b.key, b.description) for b in offered if not in_help(b)]
    assert not missing, missing
    # ... and every item of every view's footer as it was on screen ("^s Save entry").
    items = [(mode, item) for mode, footer in footers.items()
             for item in re.split(r"\s{2,}", footer.split("▏")[0].strip())]
    assert ("timesheet", "[ Prev week") in items
    for mode, item in items:
        key, description = item.split(" ", 1)
        assert any(re.fullmatch(rf"\s+(\S+,? )*?{re.escape(key)}(,? \S+)*\s+"
                                rf"{re.escape(description)}", line) for line in lines), \
            (mode, item)
    # ... and the week keys literally, as typed.
    assert any(re.fullmatch(r"\s+\[\s+Prev week", line) for line in lines)
    assert any(re.fullmatch(r"\s+\]\s+Next week", line) for line in lines)


def test_the_chart_legend_is_under_the_plot_and_one_day_crs_share_a_label(
        tmp_path: Path) -> None:
    """The burn-down's legend is written under the chart (plotext's sat over the plot's
    first weeks); two CRs effective on the same working day get one label, not two
    written over each other."""
    shots: list[str] = []

    async def scenario(pilot: Pilot) -> None:
        shots.append(await show(pilot, "dashboard"))

    drive(demo_ledger(tmp_path, "zhang.wei"), scenario, size=(200, 60))
    lines = shots[0].splitlines()
    axis = next(i for i, line in enumerate(lines) if "└" in line)
    legend = [i for i, line in enumerate(lines) if "ideal" in line and "budget" in line]
    assert legend and all(i > axis for i in legend), legend
    assert not any("ideal" in line for line in lines[:axis])

    rows = [BurndownRow(TODAY - timedelta(days=n), Fraction(460), Fraction(n),
                        Fraction(400)) for n in range(40, 0, -1)]
    data = ChartData(rows, TODAY, None, [("CR-001", rows[3].on), ("CR-003", rows[3].on),
                                         ("CR-004", rows[30].on)], [])
    assert step_labels(data) == [(4, "CR-001 CR-003"), (31, "CR-004")]

    class Chart(App[None]):
        def compose(self) -> ComposeResult:
            yield ChartSlot()

    async def main() -> str:
        app = Chart()
        async with app.run_test(size=(100, 30)) as pilot:
            app.query_one(ChartSlot).draw(data)
            await pilot.pause()
            await pilot.pause()
            return screen_text(app)  # type: ignore[arg-type]

    text = asyncio.run(main())
    assert "CR-001 CR-003" in text and "CR-004" in text
    assert text.count("CR-001") == 1
