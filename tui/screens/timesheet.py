"""The timesheet: a week of hours, people × days (or one person's tasks × days), edited in place.

Everything shown comes from one load per week (entries of the week, people,
tasks, the calendar, the sign-offs), read through one snapshot of the ledger, so
moving the cursor or switching the view never touches the database. The week and
its grid are tui.widgets.week_grid's (overtime by the ledger's rule, locks by
model.locks); this module reads, moves and writes. Adds, edits and deletes go through forms
whose submit calls a service in a worker; a refusal by the ledger (a signed
period, the 24-hour limit, a date outside the SOW…) is shown in the form,
which stays open, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from model import locks, rules
from model.i18n import N_, _
from model.permissions import Action
from model.views import EntryView, PersonView
from tui.widgets.entry_form import (
    EntryForm,
    add_fields,
    edit_changes,
    edit_fields,
    entry_line,
    hours,
    pick_entry,
)
from tui.widgets.form import ConfirmScreen
from tui.widgets.ledger_screen import LedgerScreen
from tui.widgets.tables import SCROLLBAR
from tui.widgets.week_grid import (
    LAST_MONDAY,
    PEOPLE,
    TASKS,
    TOTAL_ROW,
    Cell,
    Week,
    cell_at,
    cell_text,
    day_preview,
    draw,
    headline,
    legend,
    monday_of,
)

__all__ = ["LAST_MONDAY", "PEOPLE", "TASKS", "TOTAL_ROW", "Cell", "TimesheetScreen", "Week",
           "monday_of"]


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
        Binding("left_square_bracket", "prev_week", N_("Prev week"), key_display="[",
                id="timesheet-prev-week"),
        Binding("right_square_bracket", "next_week", N_("Next week"), key_display="]",
                id="timesheet-next-week"),
        Binding("t", "this_week", N_("This week"), id="timesheet-this-week"),
        Binding("v", "toggle_view", N_("People/tasks"), id="timesheet-toggle-view"),
        Binding("a", "add_entry", N_("Add"), id="timesheet-add"),
        Binding("e", "edit_entry", N_("Edit"), id="timesheet-edit"),
        Binding("d", "delete_entry", N_("Delete"), id="timesheet-delete"),
    ]
    PERMITS = {name: (Action.LOG_OWN, Action.LOG_OTHERS)
               for name in ("add_entry", "edit_entry", "delete_entry")}

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
        sunday = monday + timedelta(days=6)
        days = [monday + timedelta(days=i) for i in range(7)]
        with ledger.snapshot():  # one read transaction: the week's figures agree
            project = ledger.project()
            calendar, start, end = ledger.calendar()
            people = tuple(p for p in ledger.people() if p.party == "vendor" and p.grade)
            tasks = tuple(ledger.tasks())
            entries = tuple(ledger.entries(monday, sunday))
            signoffs = ledger.signoffs()
        # What a signature locks is the model's rule (model.locks); here only its words.
        locked: dict[date, str] = {}
        for d in days:
            period = locks.locking_period(signoffs, d)
            if period is not None:
                locked[d] = f"{period.number} ({locks.lock_state(period.status)})"
        frozen = ""
        acceptance = locks.freezing_acceptance(signoffs)
        if project.accepted_on:
            frozen = _("accepted on {day}: read-only").format(day=project.accepted_on)
        elif acceptance is not None:
            frozen = _("acceptance {number} {state}: read-only").format(
                number=acceptance.number, state=locks.lock_state(acceptance.status))
        return Week(monday, project, people, tasks, entries,
                    {d: calendar.is_working(d) for d in days}, locked, frozen, start, end,
                    calendar)

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

    def grid_room(self) -> int:
        """The terminal columns the week's grid has (its scroll bar's kept free)."""
        return max(0, self.app.size.width - SCROLLBAR)

    def on_resize(self, event: events.Resize) -> None:
        # The grid is drawn at fixed widths: a narrower (or wider) terminal draws it anew.
        if self.week is not None:
            self.render_week()

    def render_week(self) -> None:
        week = self.week
        if week is None:
            return
        grid = self.grid
        row_key, column = self._place or self._cursor_place()
        self._place = None
        if self.mode == TASKS and self._person(self.focus_person) is None:
            self.focus_person = self._default_person()
        self._row_keys = draw(grid, week, self.mode, self.focus_person, self.today,
                              self.grid_room())
        self.query_one("#ts-head", Static).update(
            headline(week, self.mode, self._person(self.focus_person), self.today))
        self.query_one("#ts-legend", Static).update(
            legend(week, expected="expected" in grid.columns))
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
        return cell_at(week, self.mode, self.focus_person, row_key, column)

    @on(DataTable.CellHighlighted, "#ts-grid")
    def _show_cell(self) -> None:
        week = self.week
        if week is None:
            return
        self.query_one("#ts-cell", Static).update(
            cell_text(week, self.current_cell(), self._names()))

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
            return _("The ledger is {frozen}; the change will be refused.").format(
                frozen=week.frozen)
        if day in week.locks:
            return _("{day} is locked by {period}: the ledger will refuse changes.").format(
                day=day, period=week.locks[day])
        return ""

    def _after_write(self, message: Callable[[Any], str]) -> Callable[[Any], None]:
        def done(result: Any) -> None:
            if result:  # the view reloads as it comes back on screen
                self.notify(message(result), timeout=4)
        return done

    def _with_entry(self, cell: Cell, what: str, then: Callable[[EntryView], None]) -> None:
        """Run ``then`` on the cell's entry, asking which one when the cell holds several."""
        if cell.day is None:
            self.notify(_("{what}: move the cursor onto a day").format(what=what),
                        severity="warning")
            return
        if not cell.entries:
            self.notify(_("{what}: no entry in this cell (a adds one)").format(what=what),
                        severity="warning")
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

        def submit(values: dict[str, str]) -> EntryView:
            return ledger.log(values["task"], values["hours"].strip(), on=values["date"].strip(),
                              person=values["person"], note=values["note"])

        def preview(values: dict[str, str]) -> str:
            return day_preview(week, values, self.today)

        form = EntryForm(_("Add a time entry"), add_fields(week.people, week.tasks, person,
                                                            task, day),
                         submit, _("Add"), note=self._lock_note(day), on_change=preview)
        self.app.push_screen(form, self._after_write(
            lambda e: _("entry #{id} added: {person} {task} {hours} h on {day}").format(
                id=e.id, person=e.person, task=e.task, hours=hours(e.minutes), day=e.on)))

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
            note = f"#{entry.id}  {names.get(entry.person, '')} {entry.person}  " + _(
                "charged as {grade}").format(grade=entry.grade)
            lock = self._lock_note(entry.on)
            form = EntryForm(_("Edit entry #{id}").format(id=entry.id),
                             edit_fields(entry, week.tasks), submit,
                             _("Save"), note=note + (f"\n{lock}" if lock else ""))
            self.app.push_screen(form, self._after_write(
                lambda e: _("entry #{id} saved: {task} {hours} h on {day}").format(
                    id=entry.id, task=e.task, hours=hours(e.minutes), day=e.on)))

        self._with_entry(self.current_cell(), _("Edit"), edit)

    def action_delete_entry(self) -> None:
        if self.week is None:
            return
        ledger = self.ledger

        def delete(entry: EntryView) -> None:
            line = entry_line(entry, self._names())
            lock = self._lock_note(entry.on)
            question = _("Delete entry {line}?").format(line=line) + (
                f"\n{lock}" if lock else "")
            form = ConfirmScreen(question, lambda _values: ledger.delete_entry(entry.id),
                                 _("Delete"))
            self.app.push_screen(form, self._after_write(
                lambda _result: _("entry #{id} deleted").format(id=entry.id)))

        self._with_entry(self.current_cell(), _("Delete"), delete)
