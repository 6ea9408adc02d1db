"""The timesheet's week: what one load reads (:class:`Week`), the cursor's :class:`Cell`,
and the grid drawn from them (people × days, or one person's tasks × days).

Nothing here touches the database or decides a rule: overtime is the ledger's
(``rules.overtime_minutes``, SPEC §3) and what locks a day is ``model.locks``'s, both
applied when the week is read; this module only draws and words them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.widgets import DataTable

from model import rules
from model.errors import LedgerError
from model.i18n import N_, _, language
from model.rules.entry_input import parse_date
from model.rules.staffing import ExpectedHours, expected_minutes, staffing
from model.views import EntryView, PersonView, ProjectView, TaskView
from tui.widgets.entry_form import (
    WEEKDAYS,
    day_label,
    entry_line,
    hours,
    pad_cells,
    person_days,
    person_label,
)

PEOPLE, TASKS = "people", "tasks"
TOTAL_ROW = "__daily_total__"
DAY_WIDTH = 11  # "off·locked "
TASK_WIDTH = 30
OVERTIME, OFF = "+", "·"


@dataclass(frozen=True)
class Widths:
    """The grid's columns: wide (150 columns), medium (120: no padding between the
    columns, each value carrying its own space or ``+`` on its right) or compact (80:
    the days narrower, ``Mo 16``, a day's notes one per line). The seven days and the
    week's totals are always shown."""

    day: int = DAY_WIDTH
    hours: int = 7
    pd: int = 6
    overtime: int = 8
    padding: int = 1  # on each side of each column
    compact: bool = False
    expected: int = 0  # the expected hours and their difference: 0, left out
    diff: int = 0

    def total(self, label: int) -> int:
        """The terminal columns the grid takes with a ``label`` column that wide."""
        columns = 11 + bool(self.expected) + bool(self.diff)
        return (label + 7 * self.day + self.hours + self.expected + self.diff + self.pd
                + self.overtime + columns * 2 * self.padding)


#: a day's notes in a compact header, each with a space on its right ("locked" is 6)
SHORT_NOTE = {"locked": N_("lock")}
#: what is special about a day, in its header (marked, translated where shown)
NOTES = {"today": N_("today"), "off": N_("off"), "locked": N_("locked")}
DAILY_TOTAL = N_("daily total")


def rjust_cells(text: str, width: int) -> str:
    """``text`` right-aligned in ``width`` terminal cells (a Chinese character takes
    two), its end cut if it is wider: the English ``str.rjust`` and cut, in cells."""
    if cell_len(text) > width:
        text = set_cell_size(text, width)
    return " " * (width - cell_len(text)) + text

#: wide, with each person's expected hours and the difference (from about 160 columns)
WIDE_EXPECTED = Widths(expected=8, diff=7)
WIDE = Widths()
MEDIUM = Widths(day=10, hours=7, pd=7, overtime=9, padding=0)
COMPACT = Widths(day=6, hours=6, pd=7, overtime=5, padding=0, compact=True)
#: the places of the expected hours and the difference in a row's cells
EXPECTED_CELL, DIFF_CELL = 9, 10


def widths_for(room: int, label: int) -> Widths:
    """The widest layout whose grid fits ``room`` terminal columns (0: unknown, the
    widest): the expected hours from about 160 columns, the compact one at 80."""
    if not room:
        return WIDE_EXPECTED
    return next((w for w in (WIDE_EXPECTED, WIDE, MEDIUM) if w.total(label + 1) <= room),
                COMPACT)


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
    calendar: rules.Calendar

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=i) for i in range(7)]

    @property
    def minutes_per_day(self) -> int:
        return self.project.minutes_per_day

    def totals(self, person: str | None = None, day: date | None = None) -> list[rules.DayTotal]:
        """The week's entries (of ``person``, on ``day``) as the rules take them."""
        return [rules.DayTotal(e.on, e.person, e.grade, e.minutes) for e in self.entries
                if (person is None or e.person == person) and (day is None or e.on == day)]

    def expected(self, person: PersonView, today: date) -> ExpectedHours:
        """``person``'s expected minutes this week, up to ``today`` (nobody can log a day
        to come), beside those they logged: the one rule
        (model.rules.staffing.expected_minutes) over their active days and days away."""
        st = staffing(self.sow_start, person.first_day, person.last_day, person.away)
        last = min(self.monday + timedelta(days=6), today)
        return ExpectedHours(person.key, expected_minutes(
            self.calendar, st, self.monday, last, self.minutes_per_day, self.sow_start,
            self.sow_end), sum(e.minutes for e in self.entries if e.person == person.key))

    def overtime(self, totals: Iterable[rules.DayTotal]) -> int:
        """The overtime minutes in ``totals``: the ledger's rule (rules.overtime_minutes),
        per person and day, as the summary and the timesheet sheet count it."""
        return rules.overtime_minutes(totals, self.calendar, self.minutes_per_day)


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


# ---------------------------------------------------------------- the grid


def draw(grid: DataTable, week: Week, mode: str, person: str | None, today: date,
         room: int = 0) -> list[str]:
    """Draw ``week`` into ``grid`` (cleared first); the row keys, in order. In the
    ``TASKS`` mode the rows are ``person``'s tasks. ``room``: the terminal columns the
    grid has (0: as many as it takes); the whole week and its totals fit in 80."""
    grid.clear(columns=True)
    label = TASK_WIDTH if mode == TASKS else max(cell_len(_(DAILY_TOTAL)), label_width(week))
    w = widths_for(room, label)
    if w.compact and mode == TASKS:  # the task's title gives way, down to its code
        label = max(8, min(TASK_WIDTH, room - w.total(0) - 1))
    grid.cell_padding = w.padding
    headers = [day_header(week, d, today, w) for d in week.days]
    grid.header_height = max(len(h.plain.split("\n")) for h in headers)
    if mode == TASKS:
        grid.add_column(Text(_("task")), key="label", width=label)
    else:
        # Fixed widths: the grid is re-drawn in place and must not wait for auto-sizing.
        grid.add_column(Text(_("person")), key="label", width=label + (1 - w.padding))
    for d, header in zip(week.days, headers, strict=True):
        grid.add_column(header, key=d.isoformat(), width=w.day)
    grid.add_column(Text(_("hours"), justify="right"), key="hours", width=w.hours)
    if w.expected:
        grid.add_column(Text(_("expected"), justify="right"), key="expected",
                        width=w.expected)
    if w.diff:
        grid.add_column(Text(_("diff"), justify="right"), key="diff", width=w.diff)
    grid.add_column(Text(_("PD"), justify="right"), key="pd", width=w.pd)
    grid.add_column(Text(_("overtime") if w.overtime >= 8 else _("over"), justify="right"),
                    key="overtime", width=w.overtime)
    rows = (_task_rows(week, person, today, label) if mode == TASKS
            else _people_rows(week, today))
    for key, cells in rows:  # label, the 7 days, hours, expected, diff, PD, overtime
        grid.add_row(*(_fit_day(c, w) if 1 <= i <= 7 else c for i, c in enumerate(cells)
                       if (w.expected or i != EXPECTED_CELL) and (w.diff or i != DIFF_CELL)),
                     key=key)
    return [key for key, _cells in rows]


def _fit_day(cell: Text, w: Widths) -> Text:
    """A day's cell (drawn DAY_WIDTH wide) at the layout's width: its value kept whole."""
    if w.day == DAY_WIDTH:
        return cell
    cut = DAY_WIDTH - w.day
    return cell[min(cut, len(cell.plain) - len(cell.plain.lstrip())):]


def day_header(week: Week, d: date, today: date, w: Widths = WIDE) -> Text:
    """The day, then what is special about it (today, day off, locked): on one more line
    (wide), or one line each (compact: ``Sa 21`` over ``today`` over ``off``)."""
    notes = [n for n, yes in (("today", d == today), ("off", not week.working[d]),
                              ("locked", d in week.locks)) if yes]
    # One space on the right: the last digit of a day's hours sits under the date's.
    if w.compact:  # "Sa 21 " over "today " over "  off "
        first = Text(rjust_cells(f"{_weekday_short(d)} {d.day:>2} ", w.day))
        lines = [Text(rjust_cells(f"{_(SHORT_NOTE.get(n, NOTES[n]))} ", w.day),
                      style="italic" if n == "locked" else "")
                 for n in notes] or [Text(" " * w.day)]
    else:
        label = f"{day_label(d)} "
        if cell_len(label) > w.day:  # 周一 11-16 is 10 cells: 一 11-16 in a medium grid
            label = f"{_weekday_short(d)} {d:%m-%d} "
        first = Text(rjust_cells(label, w.day))
        said = "·".join(_(NOTES[n]) for n in notes)
        lines = [Text(rjust_cells(f"{set_cell_size(said, min(cell_len(said), w.day - 1))} ",
                                  w.day),
                      style="italic" if d in week.locks else "")]
    if not week.working[d]:
        first.stylize("dim")
        for line in lines:
            line.stylize("dim")
    if d == today:
        first.stylize("underline")
    return Text("\n").join([first, *lines])


def _weekday_short(d: date) -> str:
    """The day of the week in two cells: ``Sa`` / ``六``."""
    if language() == "en":
        return WEEKDAYS[d.weekday()][:2]
    from model.i18n import format_weekday

    return format_weekday(d, "narrow")


def _day_name(d: date) -> str:
    """``Fri 2026-12-04`` / ``周五 2026-12-04``: a day under the grid and in the preview."""
    if language() == "en":
        return f"{d:%a %Y-%m-%d}"
    from model.i18n import format_weekday

    return f"{format_weekday(d)} {d.isoformat()}"


def _cell(week: Week, minutes: int, day: date, overtime: bool, bold: bool = False) -> Text:
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


def _totals(week: Week, minutes: int, overtime: int, bold: bool = False,
            expected: int | None = None) -> tuple[Text, ...]:
    """The week's hours, expected hours and their difference (``expected`` None: a row
    that expects nothing, a task's), PD and overtime hours of a row."""
    style = "bold" if bold else ""
    return (Text(hours(minutes) if minutes else "", style=style, justify="right"),
            *_expected_cells(minutes, expected, style),
            Text(person_days(minutes, week.minutes_per_day) if minutes else "",
                 style=style, justify="right"),
            Text(hours(overtime) if overtime else "",
                 style=f"{style} red" if overtime else style, justify="right"))


def _expected_cells(logged: int, expected: int | None, style: str) -> tuple[Text, Text]:
    """Expected hours, and logged − expected: missing hours in yellow, more than expected
    in cyan, none missing in green (nothing shown when nothing is expected or logged)."""
    if expected is None or not (expected or logged):
        return Text(""), Text("")
    diff = logged - expected
    sign = "+" if diff > 0 else "−" if diff < 0 else ""
    mark = ("yellow" if diff < 0 else "cyan" if diff > 0 else "green")
    return (Text(hours(expected), style=style, justify="right"),
            Text(f"{sign}{hours(abs(diff))}", style=f"bold {mark}", justify="right"))


def label_width(week: Week) -> int:
    width = max((cell_len(p.name) for p in week.people), default=0)
    return max((cell_len(person_label(p, width)) for p in week.people), default=0)


Row = tuple[str, list[Any]]


def _people_rows(week: Week, today: date) -> list[Row]:
    per: dict[tuple[str, date], int] = defaultdict(int)
    for e in week.entries:
        per[(e.person, e.on)] += e.minutes
    width = max((cell_len(p.name) for p in week.people), default=0)
    rows: list[Row] = []
    all_overtime = all_expected = 0
    for p in week.people:
        cells: list[Any] = [Text(person_label(p, width))]
        for d in week.days:
            over = week.overtime(week.totals(p.key, d)) if per[(p.key, d)] else 0
            cells.append(_cell(week, per[(p.key, d)], d, over > 0))
        overtime = week.overtime(week.totals(p.key))
        all_overtime += overtime
        expected = week.expected(p, today).expected
        all_expected += expected
        cells.extend(_totals(week, sum(per[(p.key, d)] for d in week.days), overtime,
                             expected=expected))
        rows.append((p.key, cells))
    # A day's total is not one person's day: overtime shows in the people's cells only.
    rows.append(_total_row(week, label_width(week),
                           {d: sum(per[(p.key, d)] for p in week.people) for d in week.days},
                           {d: False for d in week.days}, all_overtime, all_expected))
    return rows


def _task_rows(week: Week, person: str | None, today: date,
               width: int = TASK_WIDTH) -> list[Row]:
    mine = [e for e in week.entries if e.person == person]
    per: dict[tuple[str, date], int] = defaultdict(int)
    for e in mine:
        per[(e.task, e.on)] += e.minutes
    used = {e.task for e in mine}
    shown = [t for t in week.tasks
             if t.code in used or any(k == person for k, _ in t.assignees)]
    rows: list[Row] = []
    for t in shown or list(week.tasks):
        label = Text(f"{t.code} {t.title}", no_wrap=True)
        label.truncate(width, overflow="ellipsis")
        cells: list[Any] = [label]
        cells += [_cell(week, per[(t.code, d)], d, False) for d in week.days]
        # overtime belongs to a person's day, not to a task
        cells.extend(_totals(week, sum(per[(t.code, d)] for d in week.days), 0))
        rows.append((t.code, cells))
    day_total = {d: sum(e.minutes for e in mine if e.on == d) for d in week.days}
    who = next((p for p in week.people if p.key == person), None)
    rows.append(_total_row(
        week, width, day_total,
        {d: person is not None and week.overtime(week.totals(person, d)) > 0
         for d in week.days},
        week.overtime(week.totals(person)) if person is not None else 0,
        week.expected(who, today).expected if who is not None else None))
    return rows


def _total_row(week: Week, width: int, per_day: dict[date, int], marks: dict[date, bool],
               overtime: int, expected: int | None) -> Row:
    cells: list[Any] = [Text(pad_cells(_(DAILY_TOTAL), width), style="bold")]
    cells += [_cell(week, per_day[d], d, marks[d], bold=True) for d in week.days]
    cells.extend(_totals(week, sum(per_day.values()), overtime, bold=True,
                         expected=expected))
    return TOTAL_ROW, cells


# ---------------------------------------------------------------- around the grid


def headline(week: Week, mode: str, person: PersonView | None, today: date) -> Text:
    sunday = week.monday + timedelta(days=6)
    iso_week = week.monday.isocalendar()[1]
    text = Text()
    text.append(_("Week {number}  {monday} .. {sunday}").format(
        number=iso_week, monday=week.monday, sunday=sunday), style="bold")
    if week.monday <= today <= sunday:
        text.append("  " + _("(this week)"))
    text.append("   ·   ")
    if mode == TASKS:
        who = f"{person.name} {person.key}" if person else _("nobody")
        text.append(_("tasks × days of {who}").format(who=who))
    else:
        text.append(_("people × days"))
    if week.monday > week.sow_end or sunday < week.sow_start:
        text.append("   ·   " + _("outside the SOW ({start}..{end})").format(
            start=week.sow_start, end=week.sow_end), style="italic")
    if week.frozen:
        text.append(f"   ·   {week.frozen}", style="bold")
    return text


def legend(week: Week, expected: bool = True) -> Text:
    """What the grid's marks mean; the expected hours' rule when the grid shows them."""
    hpd = hours(week.minutes_per_day)
    locks = sorted(set(week.locks.values()))
    text = Text()
    text.append(OVERTIME, style="bold red")
    text.append(" " + _("overtime: over {hours} h on a working day, any hours on a day off")
                .format(hours=hpd) + "   ")
    text.append(OFF, style="bold")
    text.append(" " + _("day off") + "   ")
    text.append(_("locked"), style="italic")
    text.append((_(": in period {periods}, cannot change").format(periods=", ".join(locks))
                 if locks else _(": in a signed or being-signed period")) + "   ")
    text.append(_("PD = hours ÷ {hours}").format(hours=hpd))
    if not expected:
        return text
    text.append("   " + _("expected: {hours} h × the person's working days on the project up "
                          "to today, less days away;").format(hours=hpd) + " ")
    text.append(_("diff"), style="bold")
    text.append(" " + _("= hours − expected") + " (")
    text.append("−", style="bold yellow")
    text.append(" " + _("missing") + ", ")
    text.append("+", style="bold cyan")
    text.append(" " + _("more") + ")")
    return text


def cell_at(week: Week, mode: str, person: str | None, row_key: str | None,
            column: int) -> Cell:
    """The cell at (``row_key``, ``column``) of the grid :func:`draw` drew."""
    day = week.monday + timedelta(days=column - 1) if 1 <= column <= 7 else None
    cell = Cell(day=day)
    if mode == TASKS:
        cell.person = person
        cell.task = None if row_key == TOTAL_ROW else row_key
    else:
        cell.person = None if row_key == TOTAL_ROW else row_key
    if day is not None:
        cell.entries = [e for e in week.entries if e.on == day
                        and (cell.person is None or e.person == cell.person)
                        and (cell.task is None or e.task == cell.task)]
    return cell


def cell_text(week: Week, cell: Cell, names: dict[str, str]) -> Text:
    """Under the grid: the cursor's day, what is special about it, and its entries."""
    text = Text()
    if cell.day is None:
        text.append(_("Choose a day to see its entries."), style="dim")
        return text
    text.append(_day_name(cell.day), style="bold")
    if not week.working[cell.day]:
        text.append("  " + _("not a working day"))
    if cell.day in week.locks:
        text.append("  " + _("locked by {period}").format(period=week.locks[cell.day]))
    if not cell.entries:
        text.append("  " + (_("no entries") if cell.day in week.locks
                            else _("no entries (a adds one)")), style="dim")
    for e in cell.entries[:6]:
        text.append("\n  " + entry_line(e, names))
    if len(cell.entries) > 6:
        text.append("\n  " + _("… and {n} more").format(n=len(cell.entries) - 6))
    return text


def day_preview(week: Week, values: dict[str, str], today: date | None = None) -> str:
    """The add form's preview: what the person's day would hold, from the week already
    on screen (no database), its overtime by the ledger's rule. The date and hours read
    as the ledger reads them (model.rules.entry_input), ``yesterday`` from ``today``."""
    try:
        on_day = (rules.parse_day(values["date"], today) if today is not None
                  else parse_date(values["date"]))  # without today, ISO dates only
    except LedgerError:
        return ""
    if on_day not in week.working:
        return ""
    person = values["person"]
    before = week.totals(person, on_day)
    minutes = sum(t.minutes for t in before)
    text = _("{person} has {hours} h on {day}").format(person=person, hours=hours(minutes),
                                                       day=_day_name(on_day))
    try:
        added = rules.parse_hours(values["hours"]) if values["hours"].strip() else 0
    except LedgerError:
        added = 0
    if added:
        over = week.overtime([*before, rules.DayTotal(on_day, person, "", added)])
        text += " → " + _("{hours} h").format(hours=hours(minutes + added)) + (
            ", " + _("{hours} h overtime").format(hours=hours(over)) if over > 0 else "")
    if not week.working[on_day]:
        text += " · " + _("not a working day: all of it is overtime")
    if on_day in week.locks:
        text += " · " + _("locked by {period}").format(period=week.locks[on_day])
    return text
