"""The timesheet: a week of hours, people × days (or one person's tasks × days), edited in place.

Everything shown comes from one load per week (entries of the week, people,
tasks, the calendar, the sign-offs), so moving the cursor or switching the
view never touches the database. Adds, edits and deletes go through forms
whose submit calls a service in a worker; a refusal by the ledger (a signed
period, the 24-hour limit, a date outside the SOW…) is shown in the form,
which stays open, and nothing is written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from model import locks, rules
from model.errors import LedgerError
from model.sheet_timesheet import overtime_of_day
from model.views import EntryView, PersonView, ProjectView, TaskView
from tui.widgets.entry_form import (
    EntryForm,
    add_fields,
    day_label,
    edit_changes,
    edit_fields,
    entry_line,
    hours,
    pad_cells,
    person_days,
    person_label,
    pick_entry,
)
from tui.widgets.form import ConfirmScreen
from tui.widgets.ledger_screen import LedgerScreen

PEOPLE, TASKS = "people", "tasks"
TOTAL_ROW = "__daily_total__"
DAY_WIDTH = 11  # "off·locked "
TASK_WIDTH = 30
OVERTIME, OFF = "+", "·"


@dataclass(frozen=True)
class Week:
    """What the timesheet shows for one week, read in one go (plain views only)."""

    monday: date
    project: ProjectView
    people: tuple[PersonView, ...]  # vendor people who log hours (they have a grade)
    tasks: tuple[TaskView, ...]
    entries: tuple[EntryView, ...]
    working: dict[date, bool]
    locks: dict[date, str]  # day -> "TS-001 (signed)"
    frozen: str  # why the whole ledger is read-only, or ""
    sow_start: date
    sow_end: date

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=i) for i in range(7)]

    @property
    def minutes_per_day(self) -> int:
        return self.project.minutes_per_day

    def overtime_minutes(self, minutes: int, day: date) -> int:
        """The overtime in one person's ``minutes`` on ``day``: the ledger's rule (SPEC §3),
        the timesheet sheet's too."""
        return overtime_of_day(minutes, self.working[day], self.minutes_per_day)

    def overtime(self, minutes: int, day: date) -> bool:
        """Whether one person's ``minutes`` on ``day`` hold overtime."""
        return self.overtime_minutes(minutes, day) > 0


@dataclass
class Cell:
    """The cursor's cell, in the terms of the ledger."""

    person: str | None = None
    task: str | None = None
    day: date | None = None
    entries: list[EntryView] = field(default_factory=list)


#: the last week whose Sunday is a date (9999-12-27 is a Monday; its Sunday is not)
LAST_MONDAY = date.max - timedelta(days=date.max.weekday() + 7)


def monday_of(d: date) -> date:
    """The Monday of ``d``'s week; in the last days of 9999, the last whole week."""
    return min(d - timedelta(days=d.weekday()), LAST_MONDAY)


class TimesheetScreen(LedgerScreen):
    """Hours of the team for one week, with overtime, days off and locked days marked."""

    VIEW = "timesheet"

    DEFAULT_CSS = """
    TimesheetScreen #ts-head { height: 1; }
    TimesheetScreen #ts-grid { margin: 1 0 0 0; }
    TimesheetScreen #ts-legend { height: auto; padding: 0 1; margin-top: 1; }
    TimesheetScreen #ts-cell { height: auto; padding: 0 1; margin-top: 1; }
    """

    BINDINGS = [
        Binding("left_square_bracket", "prev_week", "Prev week", key_display="[",
                id="timesheet-prev-week"),
        Binding("right_square_bracket", "next_week", "Next week", key_display="]",
                id="timesheet-next-week"),
        Binding("t", "this_week", "This week", id="timesheet-this-week"),
        Binding("v", "toggle_view", "People/tasks", id="timesheet-toggle-view"),
        Binding("a", "add_entry", "Add", id="timesheet-add"),
        Binding("e", "edit_entry", "Edit", id="timesheet-edit"),
        Binding("d", "delete_entry", "Delete", id="timesheet-delete"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.monday: date | None = None
        self.mode = PEOPLE
        self.focus_person: str | None = None  # whose tasks, in the tasks × days view
        self.week: Week | None = None
        self._row_keys: list[str] = []
        self._place: tuple[str | None, int] | None = None  # cursor to restore after a load

    def compose_body(self) -> ComposeResult:
        yield Static("", id="ts-head", classes="headline")
        yield DataTable(id="ts-grid", cursor_type="cell", fixed_columns=1, header_height=2,
                        cursor_background_priority="css", cursor_foreground_priority="css")
        yield Static("", id="ts-legend", classes="muted")
        yield Static("", id="ts-cell")

    def on_mount(self) -> None:
        self.monday = monday_of(self.today)
        grid = self.query_one("#ts-grid", DataTable)
        grid.styles.height = "auto"  # the app's stylesheet gives tables 1fr: the week is short
        grid.styles.max_height = "1fr"
        grid.focus()
        super().on_mount()

    # ------------------------------------------------------------ reading

    def load(self) -> Week:
        monday = self.monday or monday_of(self.today)
        ledger = self.ledger
        project = ledger.project()
        calendar, start, end = ledger.calendar()
        people = tuple(p for p in ledger.people() if p.party == "vendor" and p.grade)
        tasks = tuple(ledger.tasks())
        sunday = monday + timedelta(days=6)
        entries = tuple(ledger.entries(monday, sunday))
        days = [monday + timedelta(days=i) for i in range(7)]
        # What a signature locks is the model's rule (model.locks); here only its words.
        signoffs = ledger.signoffs()
        locked: dict[date, str] = {}
        for d in days:
            period = locks.locking_period(signoffs, d)
            if period is not None:
                locked[d] = f"{period.number} ({locks.lock_state(period.status)})"
        frozen = ""
        acceptance = locks.freezing_acceptance(signoffs)
        if project.accepted_on:
            frozen = f"accepted on {project.accepted_on}: read-only"
        elif acceptance is not None:
            frozen = (f"acceptance {acceptance.number} {locks.lock_state(acceptance.status)}: "
                      f"read-only")
        return Week(monday, project, people, tasks, entries,
                    {d: calendar.is_working(d) for d in days}, locked, frozen, start, end)

    def show(self, data: Week) -> None:
        if data.monday != self.monday:
            return  # a load for a week the user has already left
        self.week = data
        self.render_week()

    # ------------------------------------------------------------ drawing

    @property
    def grid(self) -> DataTable:
        return self.query_one("#ts-grid", DataTable)

    def _names(self) -> dict[str, str]:
        return {p.key: p.name for p in self.sow_app.people}

    def _person(self, key: str | None) -> PersonView | None:
        week = self.week
        return next((p for p in week.people if p.key == key), None) if week else None

    def _default_person(self) -> str | None:
        week = self.week
        if week is None or not week.people:
            return None
        keys = [p.key for p in week.people]
        if self.ledger.actor in keys:
            return self.ledger.actor
        return keys[0]

    def render_week(self) -> None:
        week = self.week
        if week is None:
            return
        grid = self.grid
        row_key, column = self._place or self._cursor_place()
        self._place = None
        grid.clear(columns=True)
        self._row_keys = []
        days = week.days
        if self.mode == TASKS:
            if self._person(self.focus_person) is None:
                self.focus_person = self._default_person()
            grid.add_column(Text("task"), key="label", width=TASK_WIDTH)
        else:
            # Fixed widths: the grid is re-drawn in place and must not wait for auto-sizing.
            grid.add_column(Text("person"), key="label",
                            width=max(len("daily total"), self._label_width(week)))
        for d in days:
            grid.add_column(self._day_header(d), key=d.isoformat(), width=DAY_WIDTH)
        grid.add_column(Text("hours", justify="right"), key="hours", width=7)
        grid.add_column(Text("PD", justify="right"), key="pd", width=6)
        grid.add_column(Text("overtime", justify="right"), key="overtime", width=8)

        if self.mode == TASKS:
            self._task_rows(week, days)
        else:
            self._people_rows(week, days)

        self.query_one("#ts-head", Static).update(self._headline(week))
        self.query_one("#ts-legend", Static).update(self._legend(week))
        # Put the cursor back where it was (same row, same column), or on today.
        if row_key in self._row_keys:
            row = self._row_keys.index(row_key)
        elif self.mode == PEOPLE and self.ledger.actor in self._row_keys:
            row = self._row_keys.index(self.ledger.actor)
        else:
            row = 0
        if column < 0:
            column = 1 + (self.today - week.monday).days if week.monday <= self.today <= \
                week.monday + timedelta(days=6) else 1
        grid.cursor_coordinate = Coordinate(row, column)
        self._show_cell()

    def _day_header(self, d: date) -> Text:
        """Two lines: the day, then what is special about it (today, day off, locked)."""
        week = self.week
        assert week is not None
        notes = [n for n, yes in (("today", d == self.today), ("off", not week.working[d]),
                                  ("locked", d in week.locks)) if yes]
        # One space on the right: the last digit of a day's hours sits under the date's.
        first = Text(f"{day_label(d)} ".rjust(DAY_WIDTH))
        second = Text(f"{'·'.join(notes)[:DAY_WIDTH - 1]} ".rjust(DAY_WIDTH),
                      style="italic" if d in week.locks else "")
        if not week.working[d]:
            first.stylize("dim")
            second.stylize("dim")
        if d == self.today:
            first.stylize("underline")
        return Text("\n").join([first, second])

    def _cell(self, week: Week, minutes: int, day: date, overtime: bool,
              bold: bool = False) -> Text:
        if minutes:
            value = hours(minutes) + (OVERTIME if overtime else " ")
        else:
            value = "" if week.working[day] else OFF + " "
        # Padded here, not justified by the table, so that a day off is shaded across the cell.
        text = Text(value.rjust(DAY_WIDTH))
        if overtime and minutes:
            text.stylize("bold red")
        elif bold:
            text.stylize("bold")
        if not week.working[day]:
            text.stylize("on grey23")
        if day in week.locks or not week.sow_start <= day <= week.sow_end:
            text.stylize("dim")
        return text

    def _totals(self, week: Week, minutes: int, overtime: int,
                bold: bool = False) -> tuple[Text, Text, Text]:
        """The week's hours, PD and overtime hours of a row."""
        style = "bold" if bold else ""
        return (Text(hours(minutes) if minutes else "", style=style, justify="right"),
                Text(person_days(minutes, week.minutes_per_day) if minutes else "",
                     style=style, justify="right"),
                Text(hours(overtime) if overtime else "",
                     style=f"{style} red" if overtime else style, justify="right"))

    @staticmethod
    def _label_width(week: Week) -> int:
        width = max((cell_len(p.name) for p in week.people), default=0)
        return max((cell_len(person_label(p, width)) for p in week.people), default=0)

    def _people_rows(self, week: Week, days: list[date]) -> None:
        grid = self.grid
        per: dict[tuple[str, date], int] = defaultdict(int)
        for e in week.entries:
            per[(e.person, e.on)] += e.minutes
        width = max((cell_len(p.name) for p in week.people), default=0)
        label_width = self._label_width(week)
        all_overtime = 0
        for p in week.people:
            cells: list[Any] = [Text(person_label(p, width))]
            total = overtime = 0
            for d in days:
                m = per[(p.key, d)]
                total += m
                overtime += week.overtime_minutes(m, d)
                cells.append(self._cell(week, m, d, week.overtime(m, d)))
            all_overtime += overtime
            cells.extend(self._totals(week, total, overtime))
            grid.add_row(*cells, key=p.key)
            self._row_keys.append(p.key)
        # A day's total is not one person's day: overtime shows in the people's cells only.
        self._total_row(week, days, label_width,
                        {d: sum(per[(p.key, d)] for p in week.people) for d in days},
                        {d: False for d in days}, all_overtime)

    def _task_rows(self, week: Week, days: list[date]) -> None:
        grid = self.grid
        person = self.focus_person
        mine = [e for e in week.entries if e.person == person]
        per: dict[tuple[str, date], int] = defaultdict(int)
        for e in mine:
            per[(e.task, e.on)] += e.minutes
        used = {e.task for e in mine}
        shown = [t for t in week.tasks
                 if t.code in used or any(k == person for k, _ in t.assignees)]
        for t in shown or list(week.tasks):
            label = Text(f"{t.code} {t.title}", no_wrap=True)
            label.truncate(TASK_WIDTH, overflow="ellipsis")
            cells: list[Any] = [label]
            total = 0
            for d in days:
                m = per[(t.code, d)]
                total += m
                cells.append(self._cell(week, m, d, False))
            cells.extend(self._totals(week, total, 0))  # overtime belongs to a person's day
            grid.add_row(*cells, key=t.code)
            self._row_keys.append(t.code)
        day_total = {d: sum(e.minutes for e in mine if e.on == d) for d in days}
        self._total_row(week, days, TASK_WIDTH, day_total,
                        {d: week.overtime(day_total[d], d) for d in days},
                        sum(week.overtime_minutes(day_total[d], d) for d in days))

    def _total_row(self, week: Week, days: list[date], width: int, per_day: dict[date, int],
                   marks: dict[date, bool], overtime: int) -> None:
        label = Text(pad_cells("daily total", width), style="bold")
        cells: list[Any] = [label]
        cells += [self._cell(week, per_day[d], d, marks[d], bold=True) for d in days]
        cells.extend(self._totals(week, sum(per_day.values()), overtime, bold=True))
        self.grid.add_row(*cells, key=TOTAL_ROW)
        self._row_keys.append(TOTAL_ROW)

    def _headline(self, week: Week) -> Text:
        sunday = week.monday + timedelta(days=6)
        iso_week = week.monday.isocalendar()[1]
        text = Text()
        text.append(f"Week {iso_week}  {week.monday} .. {sunday}", style="bold")
        if week.monday <= self.today <= sunday:
            text.append("  (this week)")
        text.append("   ·   ")
        if self.mode == TASKS:
            p = self._person(self.focus_person)
            who = f"{p.name} {p.key}" if p else "nobody"
            text.append(f"tasks × days of {who}")
        else:
            text.append("people × days")
        if week.monday > week.sow_end or sunday < week.sow_start:
            text.append(f"   ·   outside the SOW ({week.sow_start}..{week.sow_end})",
                        style="italic")
        if week.frozen:
            text.append(f"   ·   {week.frozen}", style="bold")
        return text

    def _legend(self, week: Week) -> Text:
        hpd = hours(week.minutes_per_day)
        locks = sorted(set(week.locks.values()))
        text = Text()
        text.append(OVERTIME, style="bold red")
        text.append(f" overtime: over {hpd} h on a working day, any hours on a day off   ")
        text.append(OFF, style="bold")
        text.append(" day off   ")
        text.append("locked", style="italic")
        text.append(f": in period {', '.join(locks)}, cannot change   " if locks
                    else ": in a signed or being-signed period   ")
        text.append(f"PD = hours ÷ {hpd}")
        return text

    # ------------------------------------------------------------ the cursor's cell

    def _cursor_place(self) -> tuple[str | None, int]:
        grid = self.grid
        if not self._row_keys or grid.row_count == 0:
            return None, -1
        row = min(grid.cursor_row, len(self._row_keys) - 1)
        return self._row_keys[row], grid.cursor_column

    def current_cell(self) -> Cell:
        week = self.week
        if week is None or not self._row_keys:
            return Cell()
        row_key, column = self._cursor_place()
        day = week.monday + timedelta(days=column - 1) if 1 <= column <= 7 else None
        cell = Cell(day=day)
        if self.mode == TASKS:
            cell.person = self.focus_person
            cell.task = None if row_key == TOTAL_ROW else row_key
        else:
            cell.person = None if row_key == TOTAL_ROW else row_key
        if day is not None:
            cell.entries = [e for e in week.entries if e.on == day
                            and (cell.person is None or e.person == cell.person)
                            and (cell.task is None or e.task == cell.task)]
        return cell

    @on(DataTable.CellHighlighted, "#ts-grid")
    def _show_cell(self) -> None:
        week = self.week
        if week is None:
            return
        cell = self.current_cell()
        text = Text()
        if cell.day is None:
            text.append("Choose a day to see its entries.", style="dim")
        else:
            text.append(f"{cell.day:%a %Y-%m-%d}", style="bold")
            if not week.working[cell.day]:
                text.append("  not a working day")
            if cell.day in week.locks:
                text.append(f"  locked by {week.locks[cell.day]}")
            names = self._names()
            if not cell.entries:
                text.append("  no entries" + ("" if cell.day in week.locks else " (a adds one)"),
                            style="dim")
            for e in cell.entries[:6]:
                text.append("\n  " + entry_line(e, names))
            if len(cell.entries) > 6:
                text.append(f"\n  … and {len(cell.entries) - 6} more")
        self.query_one("#ts-cell", Static).update(text)

    @on(DataTable.CellSelected, "#ts-grid")
    def _enter(self) -> None:
        self.action_edit_entry()

    # ------------------------------------------------------------ moving

    def _go(self, monday: date) -> None:
        self._place = self._cursor_place()
        self.monday = monday
        self.reload()

    def action_prev_week(self) -> None:
        if self.monday:
            self._go(monday_of(rules.shift(self.monday, -7)))  # 0001-01-01 is a Monday

    def action_next_week(self) -> None:
        if self.monday:
            self._go(monday_of(rules.shift(self.monday, 7)))

    def action_this_week(self) -> None:
        self._go(monday_of(self.today))

    def action_toggle_view(self) -> None:
        if self.week is None:
            return
        row_key, column = self._cursor_place()
        if self.mode == PEOPLE:
            self.mode = TASKS
            if self._person(row_key) is not None:
                self.focus_person = row_key
            self._place = (None, column)
        else:
            self.mode = PEOPLE
            self._place = (self.focus_person, column)
        self.render_week()

    # ------------------------------------------------------------ writing

    def _lock_note(self, day: date | None) -> str:
        week = self.week
        if week is None or day is None:
            return ""
        if week.frozen:
            return f"The ledger is {week.frozen}; the change will be refused."
        if day in week.locks:
            return f"{day} is locked by {week.locks[day]}: the ledger will refuse changes."
        return ""

    def _after_write(self, message: Callable[[Any], str]) -> Callable[[Any], None]:
        def done(result: Any) -> None:
            if result:  # the view reloads as it comes back on screen
                self.notify(message(result), timeout=4)
        return done

    def _with_entry(self, cell: Cell, what: str, then: Callable[[EntryView], None]) -> None:
        """Run ``then`` on the cell's entry, asking which one when the cell holds several."""
        if cell.day is None:
            self.notify(f"{what}: move the cursor onto a day", severity="warning")
            return
        if not cell.entries:
            self.notify(f"{what}: no entry in this cell (a adds one)", severity="warning")
            return
        if len(cell.entries) == 1:
            then(cell.entries[0])
            return
        by_id = {str(e.id): e for e in cell.entries}

        def chosen(value: str | None) -> None:
            if value in by_id:
                then(by_id[value])

        self.app.push_screen(pick_entry(cell.entries, self._names(), what), chosen)

    def action_add_entry(self) -> None:
        if not self.when_loaded(self.action_add_entry):
            return
        week = self.week
        if week is None:
            return
        cell = self.current_cell()
        person = cell.person or self._default_person() or ""
        day = cell.day or (self.today if week.monday <= self.today <= week.monday
                           + timedelta(days=6) else week.monday)
        task = cell.task or (cell.entries[-1].task if cell.entries else "")
        if not task:
            mine = [e for e in week.entries if e.person == person]
            task = mine[-1].task if mine else ""
        ledger = self.ledger
        per_day: dict[tuple[str, date], int] = defaultdict(int)
        for e in week.entries:
            per_day[(e.person, e.on)] += e.minutes

        def submit(values: dict[str, str]) -> EntryView:
            return ledger.log(values["task"], values["hours"].strip(), on=values["date"].strip(),
                              person=values["person"], note=values["note"])

        def preview(values: dict[str, str]) -> str:
            """What the day would hold, from the week already on screen (no database)."""
            try:
                on_day = date.fromisoformat(values["date"].strip())
            except ValueError:
                return ""
            if on_day not in week.working:
                return ""
            before = per_day[(values["person"], on_day)]
            text = f"{values['person']} has {hours(before)} h on {on_day:%a %Y-%m-%d}"
            try:
                added = rules.hours_to_minutes(values["hours"].strip() or "0")
            except LedgerError:
                added = 0
            if added:
                after = before + added
                over = week.overtime_minutes(after, on_day)
                text += f" → {hours(after)} h" + (f", {hours(over)} h overtime" if over > 0
                                                 else "")
            if not week.working[on_day]:
                text += " · not a working day: all of it is overtime"
            if on_day in week.locks:
                text += f" · locked by {week.locks[on_day]}"
            return text

        form = EntryForm("Add a time entry", add_fields(week.people, week.tasks, person, task,
                                                         day),
                          submit, "Add", note=self._lock_note(day), on_change=preview)
        self.app.push_screen(form, self._after_write(
            lambda e: f"entry #{e.id} added: {e.person} {e.task} {hours(e.minutes)} h on {e.on}"))

    def action_edit_entry(self) -> None:
        week = self.week
        if week is None:
            return
        ledger = self.ledger

        def edit(entry: EntryView) -> None:
            def submit(values: dict[str, str]) -> EntryView:
                changes = edit_changes(entry, values)
                if not changes:
                    return entry
                return ledger.edit_entry(entry.id, **changes)

            names = self._names()
            note = f"#{entry.id}  {names.get(entry.person, '')} {entry.person}  " \
                   f"charged as {entry.grade}"
            lock = self._lock_note(entry.on)
            form = EntryForm(f"Edit entry #{entry.id}", edit_fields(entry, week.tasks), submit,
                              "Save", note=note + (f"\n{lock}" if lock else ""))
            self.app.push_screen(form, self._after_write(
                lambda e: f"entry #{entry.id} saved: {e.task} {hours(e.minutes)} h on {e.on}"))

        self._with_entry(self.current_cell(), "Edit", edit)

    def action_delete_entry(self) -> None:
        if self.week is None:
            return
        ledger = self.ledger

        def delete(entry: EntryView) -> None:
            line = entry_line(entry, self._names())
            lock = self._lock_note(entry.on)
            question = f"Delete entry {line}?" + (f"\n{lock}" if lock else "")
            form = ConfirmScreen(question, lambda _values: ledger.delete_entry(entry.id),
                                 "Delete")
            self.app.push_screen(form, self._after_write(
                lambda _: f"entry #{entry.id} deleted"))

        self._with_entry(self.current_cell(), "Delete", delete)
