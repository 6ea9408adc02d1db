"""The timesheet view: a week grid, edited in place; every write checked in the database."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from rich.cells import cell_len
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Input

from model.views import EntryView
from storage.services import Ledger
from tui.screens.form import FormScreen
from tui.screens.timesheet import TimesheetScreen
from tui.widgets.entry_form import PickScreen

from .snapshot import assert_snapshot
from .tui_support import TODAY, demo_ledger, drive, screen_text, settle

THIS_MONDAY = TODAY - timedelta(days=TODAY.weekday())  # 2026-11-16


def cells_of(line: str) -> str:
    """A line as terminal cells: a wide (Chinese) character takes two."""
    return "".join(ch * cell_len(ch) for ch in line)


def grid_people(led: Ledger) -> list[str]:
    """The rows of the people × days grid, in order."""
    return [p.key for p in led.people() if p.party == "vendor" and p.grade]


def cells(led: Ledger, monday: date) -> dict[tuple[str, date], list[EntryView]]:
    out: dict[tuple[str, date], list[EntryView]] = {}
    for e in led.entries(monday, monday + timedelta(days=6)):
        out.setdefault((e.person, e.on), []).append(e)
    return out


def a_cell(led: Ledger, monday: date, size: int) -> tuple[str, date, list[EntryView]]:
    """A (person, working day) of that week holding exactly ``size`` entries."""
    for (person, day), entries in sorted(cells(led, monday).items()):
        if len(entries) == size and day.weekday() < 5:
            return person, day, entries
    raise AssertionError(f"no cell with {size} entries in the week of {monday}")


async def open_timesheet(pilot) -> TimesheetScreen:
    await pilot.press("3")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TimesheetScreen)
    return screen


async def go_to_week(pilot, screen: TimesheetScreen, monday: date) -> None:
    while screen.monday > monday:
        await pilot.press("left_square_bracket")
        await settle(pilot)
    while screen.monday < monday:
        await pilot.press("right_square_bracket")
        await settle(pilot)
    assert screen.week is not None and screen.week.monday == monday


async def move_to(pilot, screen: TimesheetScreen, led: Ledger, person: str, day: date) -> None:
    """Walk the cursor with the arrow keys to a person's row and a day's column."""
    grid = screen.query_one("#ts-grid", DataTable)
    target = Coordinate(grid_people(led).index(person), 1 + day.weekday())
    while grid.cursor_coordinate.row != target.row:
        await pilot.press("down" if grid.cursor_coordinate.row < target.row else "up")
    while grid.cursor_coordinate.column != target.column:
        await pilot.press("right" if grid.cursor_coordinate.column < target.column else "left")
    await settle(pilot)
    cell = screen.current_cell()
    assert (cell.person, cell.day) == (person, day)


async def type_into(pilot, field: str, text: str) -> None:
    """Replace a form field's text: typed key by key when it is plain ASCII."""
    form = pilot.app.screen
    assert isinstance(form, FormScreen)
    widget = form.query_one(f"#f-{field}", Input)
    if pilot.app.focused is not widget:
        widget.focus()
        await pilot.pause()
    if text.isascii() and text.isalnum() or text.replace(".", "").isdigit():
        await pilot.press(*text)  # the field opens selected: typing replaces it
        assert widget.value == text
    else:
        widget.value = text
        await pilot.pause()


def test_the_week_grid_on_the_demo(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    # A long Tuesday for chen.jing (8 h in the demo): 10 h, overtime.
    led.acting_as("chen.jing").log("T2", "2", on=date(2026, 11, 17), note="late fix")
    seen: dict[str, str] = {}

    async def scenario(pilot) -> None:
        screen = await open_timesheet(pilot)
        assert screen.week is not None and screen.week.monday == date(2026, 11, 16)
        seen["text"] = screen_text(pilot.app)

    drive(led, scenario)
    text = seen["text"]
    assert "Week 47  2026-11-16 .. 2026-11-22  (this week)" in text
    header = text.split("person", 1)[1].splitlines()
    assert "Sat 11-21" in header[0] and "today·off          off" in header[1]  # the weekend
    assert "10+" in text  # chen.jing's long Tuesday, marked overtime
    # Chinese and Latin names line up: in terminal cells, every person's key starts in one
    # column and every figure ends under its header.
    lines = [cells_of(line) for line in text.splitlines()]
    top = next(n for n, line in enumerate(lines) if "Mon 11-16" in line)
    header, lines = lines[top], lines[top + 1:]
    ends = [header.index(label) + len(label) for label in ("Fri 11-20", "hours", "PD")]
    rows = [next(line for line in lines if f" {key} " in line) for key in grid_people(led)]
    assert len({row.index(key) for row, key in zip(rows, grid_people(led), strict=True)}) == 1
    week = led.entries(THIS_MONDAY, THIS_MONDAY + timedelta(days=6))
    logged = {e.person for e in week}  # sun.lei, replaced in week 9, logs nothing now
    for row, key in zip(rows, grid_people(led), strict=True):
        assert key in logged or not any(ch.isdigit() for ch in row), row
        assert key not in logged or all(row[end - 1].isdigit() and row[end:end + 1] in ("", " ")
                                         for end in ends[1:]), row
    total = sum(e.minutes for e in week) / 60
    assert f"{total:g}" in text.split("daily total", 1)[1].splitlines()[0]
    assert_snapshot("timesheet.txt", text)


def test_edit_an_entry_in_the_week_before(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    monday = THIS_MONDAY - timedelta(days=7)
    person, day, (entry,) = a_cell(led, monday, 1)
    new_minutes = entry.minutes - 90 if entry.minutes > 120 else entry.minutes + 60

    async def scenario(pilot) -> None:
        screen = await open_timesheet(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.week.monday == monday
        await move_to(pilot, screen, led, person, day)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormScreen)
        assert f"Edit entry #{entry.id}" in screen_text(pilot.app)
        await type_into(pilot, "hours", f"{new_minutes / 60:g}")
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is screen  # saved and closed
        assert f"{new_minutes / 60:g}" in screen_text(pilot.app)

    drive(led, scenario)
    after = {e.id: e for e in led.entries(day, day, person)}
    assert after[entry.id].minutes == new_minutes
    assert (after[entry.id].task, after[entry.id].note) == (entry.task, entry.note)


def test_enter_on_a_cell_edits_and_a_cell_of_several_asks_which(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    monday = THIS_MONDAY - timedelta(days=7)
    person, day, entries = a_cell(led, monday, 2)
    second = entries[1]

    async def scenario(pilot) -> None:
        screen = await open_timesheet(pilot)
        await go_to_week(pilot, screen, monday)
        await move_to(pilot, screen, led, person, day)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PickScreen)
        text = screen_text(pilot.app)
        assert f"#{entries[0].id}" in text and f"#{second.id}" in text
        await pilot.press("down", "enter")
        await settle(pilot)
        assert f"Edit entry #{second.id}" in screen_text(pilot.app)
        await type_into(pilot, "note", "重写 rewritten [in the grid]")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is screen

    drive(led, scenario)
    after = {e.id: e for e in led.entries(day, day, person)}
    assert after[second.id].note == "重写 rewritten [in the grid]"
    assert after[entries[0].id] == entries[0]


def test_an_edit_in_a_signed_period_is_refused_with_the_ledgers_message(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    signed = next(s for s in led.signoffs() if s.number == "TS-001")
    assert (signed.first, signed.last, signed.status) == (date(2026, 9, 1), date(2026, 9, 30),
                                                          "effective")
    monday = date(2026, 9, 7)
    person, day, (entry,) = a_cell(led, monday, 1)
    seen: dict[str, str] = {}

    async def scenario(pilot) -> None:
        screen = await open_timesheet(pilot)
        await go_to_week(pilot, screen, monday)
        text = screen_text(pilot.app)
        assert "Mon 09-07" in text and "locked       locked" in text  # the days are marked
        assert "locked: in period TS-001 (signed), cannot change" in text
        await move_to(pilot, screen, led, person, day)
        await pilot.press("e")
        await settle(pilot)
        await type_into(pilot, "hours", "1")
        await pilot.press("enter")
        await settle(pilot)
        seen["form"] = screen_text(pilot.app)
        assert isinstance(pilot.app.screen, FormScreen)  # the form stays open
        await pilot.press("escape")
        await settle(pilot)

    drive(led, scenario)
    form = " ".join(seen["form"].split())  # the message may wrap in the dialog
    assert f"refused: entry {entry.id}: {day} lies in period TS-001" in form
    assert "which is signed" in form
    assert led.entries(day, day, person) == [entry]


def test_add_an_entry_then_delete_one(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    # zhou.jie has not logged Friday 2026-11-20 (the demo's engineer who forgot).
    friday = date(2026, 11, 20)
    assert led.entries(friday, friday, "zhou.jie") == []
    monday = THIS_MONDAY - timedelta(days=7)
    victim_person, victim_day, (victim,) = a_cell(led, monday, 1)
    count = led.entry_count()

    async def scenario(pilot) -> None:
        screen = await open_timesheet(pilot)
        await move_to(pilot, screen, led, "zhou.jie", friday)
        await pilot.press("a")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, FormScreen)
        values = form.values()
        assert (values["person"], values["date"]) == ("zhou.jie", "2026-11-20")
        assert values["task"]  # his usual task of the week
        await type_into(pilot, "hours", "6")
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert "#" in screen_text(pilot.app).split("Fri 2026-11-20", 1)[1]

        await go_to_week(pilot, screen, monday)
        await move_to(pilot, screen, led, victim_person, victim_day)
        await pilot.press("d")
        await settle(pilot)
        assert f"Delete entry #{victim.id}" in screen_text(pilot.app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is screen

    drive(led, scenario)
    added = led.entries(friday, friday, "zhou.jie")
    assert [(e.minutes, e.grade) for e in added] == [(360, "junior")]
    assert victim.id not in {e.id for e in led.entries(victim_day, victim_day, victim_person)}
    assert led.entry_count() == count  # one added, one deleted


def test_a_refused_add_writes_nothing(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    count = led.entry_count()
    seen: dict[str, str] = {}

    async def scenario(pilot) -> None:
        screen = await open_timesheet(pilot)
        await move_to(pilot, screen, led, "chen.jing", date(2026, 11, 17))
        await pilot.press("a")
        await settle(pilot)
        await type_into(pilot, "hours", "20")  # 8 h already: 28 h in a day
        await pilot.press("enter")
        await settle(pilot)
        seen["form"] = " ".join(screen_text(pilot.app).split())
        await pilot.press("escape")

    drive(led, scenario)
    assert "refused: Hours: chen.jing would have 28 h on 2026-11-17" in seen["form"]
    assert led.entry_count() == count


def test_weeks_and_the_tasks_view(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    seen: dict[str, str] = {}

    async def scenario(pilot) -> None:
        screen = await open_timesheet(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        seen["next"] = screen_text(pilot.app)
        await pilot.press("t")
        await settle(pilot)
        assert screen.week.monday == THIS_MONDAY
        await move_to(pilot, screen, led, "liu.yang", date(2026, 11, 17))
        await pilot.press("v")
        await settle(pilot)
        seen["tasks"] = screen_text(pilot.app)
        await pilot.press("v")
        await settle(pilot)
        assert screen.current_cell().person == "liu.yang"  # back on the same row

    drive(led, scenario)
    assert "Week 48  2026-11-23 .. 2026-11-29" in seen["next"]
    assert "(this week)" not in seen["next"]
    tasks = seen["tasks"]
    assert "tasks × days of 刘洋 liu.yang" in tasks
    mine = led.entries(THIS_MONDAY, THIS_MONDAY + timedelta(days=6), "liu.yang")
    for task in Counter(e.task for e in mine):
        assert any(line.lstrip().startswith(task + " ") for line in tasks.splitlines())
    total = sum(e.minutes for e in mine) / 60
    assert f"{total:g}" in tasks.split("daily total", 1)[1].splitlines()[0]


def test_the_palettes_add_entry_opens_the_form_on_a_fresh_view(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path)
    seen: dict[str, dict[str, str]] = {}

    async def scenario(pilot) -> None:
        await pilot.app.goto("timesheet", "add_entry")  # what the command palette runs
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, FormScreen)
        seen["values"] = form.values()
        await pilot.press("escape")

    drive(led, scenario)
    # The acting person (the lead) on today (a Saturday of this week).
    assert seen["values"]["person"] == "zhang.wei"
    assert seen["values"]["date"] == TODAY.isoformat()


def test_one_refresh_reads_the_ledger_in_one_transaction(tmp_path: Path) -> None:
    """A refresh reads the week through one snapshot (ledger.snapshot()): the project,
    calendar, people, tasks, entries and sign-offs all come from one state of the ledger.
    Counted at the engine: every read transaction begins there."""
    from sqlalchemy import event

    led = demo_ledger(tmp_path)
    seen: dict[str, object] = {}

    async def scenario(pilot) -> None:
        screen = await open_timesheet(pilot)
        begun: list[str] = []

        def count(_conn) -> None:
            begun.append("begin")

        event.listen(led.engine, "begin", count)
        try:
            screen.reload()
            await settle(pilot)
        finally:
            event.remove(led.engine, "begin", count)
        seen["begun"] = len(begun)
        seen["entries"] = len(screen.week.entries) if screen.week else 0

    drive(led, scenario)
    assert seen["entries"], "the refresh read the week's entries"
    assert seen["begun"] == 1
